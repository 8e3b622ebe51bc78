/** The two colours of a blue-green service. */
export const COLORS = ["blue", "green"] as const;
export type Color = (typeof COLORS)[number];

/** The colour that is not `color`. */
export function otherColor(color: Color): Color {
  return color === "blue" ? "green" : "blue";
}

/**
 * What the colour that serves no traffic keeps running:
 * - `warm`: the autoscaling minimum (a rollback starts on that many pods while its HPA adds the rest);
 * - `full`: the autoscaling maximum, the rollback window after a promotion (Argo Rollouts' `scaleDownDelaySeconds`,
 *   ended by an explicit `finish` step, since Terraform has no timer): a rollback is instant and at full capacity;
 * - `off`: no Deployment at all (a rollback creates it first).
 */
export const IDLE_MODES = ["warm", "full", "off"] as const;
/** One of {@link IDLE_MODES}. */
export type IdleMode = (typeof IDLE_MODES)[number];

/** What decides the capacity plan; every number already defaulted and validated. */
export interface CapacityPlanInput {
  /** The live colour. */
  readonly activeColor: Color;
  /** Which colours have an image (a colour without one is not deployed). */
  readonly hasImage: Record<Color, boolean>;
  /** Share of the requests on the idle colour, 0-100. */
  readonly canaryPercent: number;
  /** What the colour serving nothing keeps. */
  readonly idle: IdleMode;
  /** The autoscaling bounds. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/** Why a colour runs what it runs. */
export type ColorRole = "live" | "canary" | "rollback" | "idle" | "none";

/** One colour's part of the plan. */
export interface ColorPlan {
  /** Share of the route's requests the router sends it, 0-100 (exact, per request, sticky per client). */
  readonly weightPercent: number;
  /**
   * Its HPA's `minReplicas`: the capacity it keeps whatever its load; the HPA scales it from there up to
   * `maxReplicas`. 0: no Deployment (no image, or `idle: "off"`).
   */
  readonly floor: number;
  /** Why it runs what it runs. */
  readonly role: ColorRole;
}

/** Each colour's share of the requests and capacity. */
export interface CapacityPlan {
  readonly colors: Record<Color, ColorPlan>;
  /** The colours the router sends requests to, the live colour first. */
  readonly serving: readonly Color[];
}

/**
 * Who gets which share of the requests, and what capacity each colour holds. Both colours autoscale whenever they
 * run (HPA floor..maxReplicas); the plan only moves the floors, so no step ever takes capacity away from traffic:
 *
 * - no canary: the active colour serves everything at the autoscaling minimum floor; the idle colour keeps what
 *   `idle` says (`warm`: the minimum, `full`: the maximum, `off`: nothing);
 * - canary 0 < w < 100: the router sends w % of the requests to the idle colour, whose floor is raised to its share of
 *   the maximum, max(minReplicas, ceil(maxReplicas x w / 100)), before the traffic moves; the live colour autoscales;
 * - canary 100: all requests on the new colour at a floor of maxReplicas; the old colour, serving nothing, is held at
 *   maxReplicas too (the rollback window), so aborting sends the traffic back to full capacity.
 */
export function planCapacity(input: CapacityPlanInput): CapacityPlan {
  const active = input.activeColor;
  const idle = otherColor(active);
  const w = input.canaryPercent;
  const { minReplicas: min, maxReplicas: max } = input;
  const deployed = (color: Color, floor: number) => (input.hasImage[color] ? floor : 0);
  if (w <= 0) {
    const idleFloor = input.idle === "full" ? max : input.idle === "warm" ? min : 0;
    return byColor(active, { weightPercent: 100, floor: min, role: "live" }, { weightPercent: 0, floor: deployed(idle, idleFloor), role: input.hasImage[idle] && idleFloor > 0 ? "idle" : "none" });
  }
  if (w >= 100) return byColor(active, { weightPercent: 0, floor: max, role: "rollback" }, { weightPercent: 100, floor: max, role: "canary" });
  return byColor(active, { weightPercent: round2(100 - w), floor: min, role: "live" }, { weightPercent: w, floor: canaryFloor(w, min, max), role: "canary" });
}

/** The floor of a colour that takes w % of the requests: its share of the maximum, never below the minimum. */
export function canaryFloor(w: number, min: number, max: number): number {
  // In hundredths of a percent, so 33.33 % of 10 pods is computed without binary fractions.
  return Math.min(max, Math.max(min, Math.ceil((max * Math.round(w * 100)) / 10000)));
}

function byColor(active: Color, forActive: ColorPlan, forIdle: ColorPlan): CapacityPlan {
  const colors = active === "blue" ? { blue: forActive, green: forIdle } : { blue: forIdle, green: forActive };
  const idle = otherColor(active);
  return { colors, serving: [active, idle].filter((c) => colors[c].weightPercent > 0) };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
