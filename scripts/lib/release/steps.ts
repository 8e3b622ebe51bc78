/**
 * The release steps as transitions of a blue-green service's release state (seed 003: canary 5 → 25 → 50 → 100,
 * promote, finish after the rollback window; rollback at any point). Pure: the state in, the next state or why not.
 */
import { otherColor } from "../../../src/deploy";
import type { ReleaseState } from "./edit";

export type ReleaseStep = { readonly kind: "canary"; readonly percent: number } | { readonly kind: "promote" } | { readonly kind: "rollback" } | { readonly kind: "finish"; readonly off: boolean };

export type StepResult = { readonly next: ReleaseState; readonly summary: string; readonly warnings: readonly string[] } | { readonly refused: string };

export function nextState(s: ReleaseState, step: ReleaseStep): StepResult {
  const idle = otherColor(s.activeColor);
  switch (step.kind) {
    case "canary": {
      const w = step.percent;
      if (!(w >= 0 && w <= 100) || Math.round(w * 100) !== w * 100) return { refused: `canary ${w}: the weight is 0-100 with at most two decimals` };
      if (w === s.canaryPercent) return { refused: `${idle} already gets ${w} % of the requests` };
      return {
        next: { ...s, canaryPercent: w },
        summary: w === 0 ? `canary off: every request back on ${s.activeColor}` : `canary ${s.canaryPercent} → ${w} %: ${idle} gets ${w} % of the requests (exact, sticky per client)`,
        warnings: [],
      };
    }
    case "promote":
      // Promotion moves every request at once: only after canary 100, when the new colour already runs full.
      if (s.canaryPercent !== 100) return { refused: `promote needs canary 100 first (${idle} now gets ${s.canaryPercent} %): at 100 % it runs at full capacity, so promoting moves nothing but the names` };
      return { next: { activeColor: idle, canaryPercent: 0, idle: "full" }, summary: `promote ${idle}: it is the live colour; ${s.activeColor} stays full (the rollback window) until finish`, warnings: [] };
    case "rollback":
      if (s.canaryPercent > 0) return { next: { ...s, canaryPercent: 0 }, summary: `roll back the canary: every request back on ${s.activeColor}`, warnings: [] };
      return {
        next: { activeColor: idle, canaryPercent: 0, idle: "full" },
        summary: `roll back to ${idle}: every request on ${idle}; ${s.activeColor} stays full until finish`,
        warnings:
          s.idle === "full"
            ? []
            : [`${idle} is ${s.idle === "off" ? "off: its pods are created first" : "warm, not full: it starts on the autoscaling minimum and its HPA adds pods as the load arrives"} (the rollback window was finished)`],
      };
    case "finish": {
      if (s.canaryPercent > 0) return { refused: `finish ends a release, but a canary is running (${s.canaryPercent} %): promote or roll back first` };
      const target = step.off ? "off" : "warm";
      if (s.idle === target) return { refused: `${idle} is already ${target}` };
      return { next: { ...s, idle: target }, summary: `finish: ${idle} ${step.off ? "is removed (no Deployment)" : "goes back to warm (the autoscaling minimum)"}; the rollback window ends`, warnings: [] };
    }
  }
}

/** Parses `canary <N> | promote | rollback | finish [--off]`. */
export function parseStep(args: readonly string[]): ReleaseStep | string {
  const [kind, arg] = args;
  if (kind === "canary") {
    const n = Number(arg);
    return arg !== undefined && /^\d+(\.\d{1,2})?$/.test(arg) && n <= 100 ? { kind, percent: n } : `canary needs a weight 0-100 (at most two decimals), got ${arg ?? "nothing"}`;
  }
  if (kind === "promote" || kind === "rollback") return arg === undefined ? { kind } : `${kind} takes no argument`;
  if (kind === "finish") return arg === undefined || arg === "--off" ? { kind, off: arg === "--off" } : "finish takes only --off";
  return `unknown step ${kind ?? "(none)"}`;
}
