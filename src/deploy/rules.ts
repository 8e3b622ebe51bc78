import { Problem, unless, warnIf } from "../validation/problem";
import { intRange, known, listenPort, pinnedImage, rfc1035 } from "../validation/rules";
import { healthPathProblem } from "../platform/router-config";
import { BLUE_GREEN_DEFAULTS, type BlueGreenServiceOptions } from "./blue-green-service";
import { COLORS, otherColor } from "./private/replica-plan";

/** Service names are DNS labels of at most 42 characters, so `<name>-preview` and `<name>-config` fit everywhere. */
export const BLUE_GREEN_NAME_MAX = 42;

/** The Kubernetes objects a blue-green service `name` creates in its namespace, by kind (for name-clash checks). */
export function blueGreenObjectNames(name: string): { services: string[]; deployments: string[] } {
  return { services: [name, `${name}-active`, `${name}-preview`], deployments: COLORS.map((c) => `${name}-${c}`) };
}

export function blueGreenProblems(name: string, o: BlueGreenServiceOptions): Problem[] {
  const auto = { ...BLUE_GREEN_DEFAULTS.autoscaling, ...(o.autoscaling ?? {}) };
  const canary = o.canaryPercent ?? BLUE_GREEN_DEFAULTS.canaryPercent;
  const idleReplicas = o.idleReplicas ?? auto.minReplicas;
  const canaryReplicas = o.canaryReplicas ?? auto.maxReplicas;
  const minAvailable = o.minAvailable ?? BLUE_GREEN_DEFAULTS.minAvailable;
  const idle = COLORS.includes(o.activeColor) ? otherColor(o.activeColor) : undefined;
  const out: Problem[] = [
    ...rfc1035(["name"], name, BLUE_GREEN_NAME_MAX, "service name"),
    ...unless(COLORS.includes(o.activeColor), ["activeColor"], o.activeColor, `must be one of: ${COLORS.join(", ")}`),
    ...COLORS.flatMap((c) => pinnedImage([c, "image"], o[c]?.image)),
    ...listenPort(["containerPort"], o.containerPort),
    ...(o.healthPath === undefined ? [] : unless(healthPathProblem(o.healthPath) === undefined, ["healthPath"], o.healthPath, healthPathProblem(o.healthPath) ?? "")),
    ...intRange(["canaryPercent"], canary === undefined ? undefined : Math.round(canary * 100), 0, 10000).map((p) => ({ ...p, value: canary, rule: "must be 0-100" })),
    ...intRange(["autoscaling", "minReplicas"], auto.minReplicas, 1, 1000),
    ...intRange(["autoscaling", "maxReplicas"], auto.maxReplicas, 1, 1000),
    ...unless(!(auto.minReplicas > auto.maxReplicas), ["autoscaling", "minReplicas"], auto.minReplicas, `must be <= maxReplicas (${auto.maxReplicas})`),
    ...intRange(["autoscaling", "cpuPercent"], auto.cpuPercent, 1, 100),
    ...intRange(["autoscaling", "memoryPercent"], auto.memoryPercent, 1, 100),
    ...intRange(["minAvailable"], minAvailable, 0, 1000),
    ...unless(!(minAvailable >= auto.minReplicas), ["minAvailable"], minAvailable, `must be below autoscaling.minReplicas (${auto.minReplicas}), or the PDB blocks every node drain`),
    ...intRange(["idleReplicas"], idleReplicas, 0, auto.maxReplicas),
    ...intRange(["canaryReplicas"], canaryReplicas, 2, 100, "both colours need a pod"),
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
    out.push(...unless(idleReplicas !== 0, ["idleReplicas"], 0, `must be >= 1 while canaryPercent is ${canary}: you cannot scale down the colour you are switching to`));
  }
  out.push(
    ...warnIf(idleReplicas > 0 && idleReplicas < auto.minReplicas && canary === 0, ["idleReplicas"], idleReplicas, `is below autoscaling.minReplicas (${auto.minReplicas}): switching colours first runs on ${idleReplicas} pod(s) until the HPA adds the rest`, "keep it warm (leave idleReplicas out) or use 0, which Terraform waits for"),
  );
  return out;
}
