/**
 * A line of intent from the plan's changes to resources Tandem knows, so a reviewer reads what the PR means
 * before what it touches: `router weighted 25 % → cutover`, `api: promote green`, `database tier a → b`.
 * Read from the plan itself (the config diff is not at hand where the preview runs): the router's nginx.conf
 * header names the migration phase, blue-green Services select a colour by `tandem.dev/color`.
 */
import { PlanResourceChange, Plan } from "./plan";

/** The first line of every nginx.conf ParallelPlatform generates. */
const PHASE_HEADER = /migration phase "([a-z-]+)"(?: \(([\d.]+)% to new\))?/;
const COLOR_LABEL = "tandem.dev/color";

/** Intent lines of one plan, in a stable order, without repeats. */
export function intentOf(plan: Plan): string[] {
  const lines: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed" || !rc.change.actions.some((a) => a === "update" || a === "create")) continue;
    for (const line of [routerPhase(rc), colorSwitch(rc), sqlTier(rc), imageBump(rc)]) if (line && !lines.includes(line)) lines.push(line);
  }
  return lines;
}

/** `router weighted 25 % → cutover`, from the phase header in any string of the resource (ConfigMap, container env). */
export function routerPhase(rc: PlanResourceChange): string | undefined {
  const before = phaseIn(rc.change.before);
  const after = phaseIn(rc.change.after);
  return before && after && before !== after ? `router ${before} → ${after}` : undefined;
}

/** `api: promote green` when the `<name>-active` Service's colour changes; canary start and end on `<name>`. */
export function colorSwitch(rc: PlanResourceChange): string | undefined {
  if (rc.type !== "kubernetes_service_v1" && rc.type !== "kubernetes_service") return undefined;
  const name = get(rc.change.after, ["metadata", 0, "name"]);
  const before = get(rc.change.before, ["spec", 0, "selector", COLOR_LABEL]);
  const after = get(rc.change.after, ["spec", 0, "selector", COLOR_LABEL]);
  if (typeof name !== "string" || before === after) return undefined;
  if (name.endsWith("-active") && typeof after === "string") return `${name.slice(0, -"-active".length)}: promote ${after}`;
  if (name.endsWith("-active") || name.endsWith("-preview")) return undefined;
  if (typeof before === "string" && after === undefined) return `${name}: canary (both colours serve)`;
  if (before === undefined && typeof after === "string") return `${name}: canary over, ${after} serves`;
  return undefined;
}

/** `database tier db-custom-2-7680 → db-custom-4-16384`. */
export function sqlTier(rc: PlanResourceChange): string | undefined {
  if (rc.type !== "google_sql_database_instance") return undefined;
  const before = get(rc.change.before, ["settings", 0, "tier"]);
  const after = get(rc.change.after, ["settings", 0, "tier"]);
  const name = get(rc.change.after, ["name"]);
  return typeof before === "string" && typeof after === "string" && before !== after ? `${typeof name === "string" ? name : "database"} tier ${before} → ${after}` : undefined;
}

/** `api-green: image api:1.5.0 → api:1.6.0` for a Deployment whose only container image changes. */
export function imageBump(rc: PlanResourceChange): string | undefined {
  if (rc.type !== "kubernetes_deployment_v1" && rc.type !== "kubernetes_deployment") return undefined;
  const path = ["spec", 0, "template", 0, "spec", 0, "container", 0, "image"];
  const before = get(rc.change.before, path);
  const after = get(rc.change.after, path);
  const name = get(rc.change.after, ["metadata", 0, "name"]);
  if (typeof before !== "string" || typeof after !== "string" || before === after) return undefined;
  const short = (image: string) => image.slice(image.lastIndexOf("/") + 1);
  return `${typeof name === "string" ? name : rc.name}: image ${short(before)} → ${short(after)}`;
}

function phaseIn(value: unknown): string | undefined {
  for (const s of strings(value)) {
    const m = PHASE_HEADER.exec(s);
    if (m) return m[2] ? `${m[1]} ${m[2]} %` : m[1];
  }
  return undefined;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

function get(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}
