import { Problem, unless, warnIf } from "../validation/problem";
import { intRange, known, listenPort, pinnedImage, rfc1035 } from "../validation/rules";
import { healthPathProblem, routePathProblem } from "../platform/router-config";
import { BLUE_GREEN_DEFAULTS, type BlueGreenServiceOptions } from "./blue-green-service";
import { COLORS, IDLE_MODES, otherColor } from "./private/capacity-plan";
import { autoscalingProblems, resolveAutoscaling } from "../scaling/scaling";

/** Service names are DNS labels of at most 42 characters, so `<name>-preview` and `<name>-config` fit everywhere. */
export const BLUE_GREEN_NAME_MAX = 42;

/** The Kubernetes objects a blue-green service `name` creates in its namespace, by kind (for name-clash checks). */
export function blueGreenObjectNames(name: string): { services: string[]; deployments: string[] } {
  return { services: [name, `${name}-active`, `${name}-preview`, ...COLORS.map((c) => `${name}-${c}`)], deployments: COLORS.map((c) => `${name}-${c}`) };
}

export function blueGreenProblems(name: string, o: BlueGreenServiceOptions): Problem[] {
  const auto = resolveAutoscaling(o.autoscaling);
  const canary = o.canaryPercent ?? BLUE_GREEN_DEFAULTS.canaryPercent;
  const idleMode = o.idle ?? BLUE_GREEN_DEFAULTS.idle;
  const minAvailable = o.minAvailable ?? BLUE_GREEN_DEFAULTS.minAvailable;
  const idle = COLORS.includes(o.activeColor) ? otherColor(o.activeColor) : undefined;
  const out: Problem[] = [
    ...rfc1035(["name"], name, BLUE_GREEN_NAME_MAX, "service name"),
    ...unless(COLORS.includes(o.activeColor), ["activeColor"], o.activeColor, `must be one of: ${COLORS.join(", ")}`),
    ...COLORS.flatMap((c) => pinnedImage([c, "image"], o[c]?.image)),
    ...listenPort(["containerPort"], o.containerPort),
    ...(o.healthPath === undefined ? [] : unless(healthPathProblem(o.healthPath) === undefined, ["healthPath"], o.healthPath, healthPathProblem(o.healthPath) ?? "")),
    ...(o.routePath === undefined ? [] : unless(routePathProblem(o.routePath) === undefined, ["routePath"], o.routePath, routePathProblem(o.routePath) ?? "")),
    ...intRange(["canaryPercent"], canary === undefined ? undefined : Math.round(canary * 100), 0, 10000).map((p) => ({ ...p, value: canary, rule: "must be 0-100" })),
    ...unless(typeof canary !== "number" || Math.abs(Math.round(canary * 100) - canary * 100) < 1e-6, ["canaryPercent"], canary, "must have at most two decimals (the router's split is in hundredths of a percent)"),
    ...unless((IDLE_MODES as readonly string[]).includes(idleMode), ["idle"], o.idle, `must be one of: ${IDLE_MODES.join(", ")}`),
    ...autoscalingProblems(["autoscaling"], o.autoscaling),
    ...intRange(["minAvailable"], minAvailable, 0, 1000),
    ...unless(!(minAvailable >= auto.minReplicas), ["minAvailable"], minAvailable, `must be below autoscaling.minReplicas (${auto.minReplicas}), or the PDB blocks every node drain`),
    ...intRange(["preStopSleepSeconds"], o.preStopSleepSeconds, 0, 120),
    ...Object.keys(o.env ?? {}).flatMap((k) => unless(/^[A-Z_][A-Z0-9_]*$/.test(k), ["env", k], k, "env names must be upper-case letters, digits and '_'")),
    ...Object.entries(o.secrets ?? {}).flatMap(([file, id]) => [
      ...unless(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(file), ["secrets", file], file, "file names are plain (letters, digits, . _ -), not starting with '.'"),
      ...unless(!known(id) || /^[A-Za-z0-9_-]{1,255}$/.test(id), ["secrets", file], id, "must be a Secret Manager secret id (letters, digits, _ -)"),
    ]),
  ];
  if (COLORS.includes(o.activeColor)) {
    out.push(...unless(Boolean(o[o.activeColor]?.image), [o.activeColor, "image"], undefined, `is missing, but ${o.activeColor} is the active colour`, "set its image before making it active"));
  }
  if (idle && canary > 0) {
    out.push(...unless(Boolean(o[idle]?.image), [idle, "image"], undefined, `is missing, but a canary runs the idle colour (${idle})`));
    // The split is the router's: without a route nothing would send the canary a request.
    out.push(...unless(o.routePath !== undefined, ["canaryPercent"], canary, "needs routePath: the migration router carries out the canary (exact, per request)", "set routePath, e.g. \"/api/v3/\""));
    out.push(...warnIf(idleMode === "off", ["idle"], "off", `does nothing while canaryPercent is ${canary}: both colours run during a canary`));
  }
  return out;
}
