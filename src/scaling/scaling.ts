/**
 * How many pods a serving workload runs on Kubernetes, defined once for the platform's services, the migration
 * router and the blue-green colours: an HPA between two bounds (seed 003) or a fixed count, and the rules both obey.
 */
import { Problem, unless, warnIf, type ProblemPath } from "../validation/problem";
import { intRange } from "../validation/rules";

/** Autoscaling of a serving workload (HPA v2 on CPU and memory; seed 003). */
export interface AutoscalingSpec {
  /** @default 3 */
  readonly minReplicas?: number;
  /** @default 10 */
  readonly maxReplicas?: number;
  /** Target average CPU utilisation, % of requests. @default 70 */
  readonly cpuPercent?: number;
  /** Target average memory utilisation, % of requests. @default 80 */
  readonly memoryPercent?: number;
}

/** Seed 003's autoscaling: 3-10 replicas on CPU 70 % and memory 80 %. Every `AutoscalingSpec` default is read here. */
export const AUTOSCALING_DEFAULTS = { minReplicas: 3, maxReplicas: 10, cpuPercent: 70, memoryPercent: 80 } as const satisfies Required<AutoscalingSpec>;

/** What a workload's `replicas` / `autoscaling` resolve to. */
export type ServingScale =
  | { readonly kind: "fixed"; readonly replicas: number }
  | ({ readonly kind: "autoscaled" } & Required<AutoscalingSpec>);

/** `autoscaling` with seed 003's defaults filled in. */
export function resolveAutoscaling(spec: AutoscalingSpec | undefined): Required<AutoscalingSpec> {
  const out: Record<string, number> = { ...AUTOSCALING_DEFAULTS };
  for (const [k, v] of Object.entries(spec ?? {})) if (v !== undefined) out[k] = v;
  return out as Required<AutoscalingSpec>;
}

/** An HPA when `autoscaling` is set, else the fixed `replicas` (or `defaultReplicas`). */
export function resolveScale(replicas: number | undefined, autoscaling: AutoscalingSpec | undefined, defaultReplicas: number): ServingScale {
  if (autoscaling !== undefined) return { kind: "autoscaled", ...resolveAutoscaling(autoscaling) };
  return { kind: "fixed", replicas: replicas ?? defaultReplicas };
}

/** The fewest pods the workload runs: the HPA's minimum or the fixed count. */
export function scaleFloor(scale: ServingScale): number {
  return scale.kind === "fixed" ? scale.replicas : scale.minReplicas;
}

/** The rules of an `autoscaling` block (`path` is where the block is). */
export function autoscalingProblems(path: ProblemPath, spec: AutoscalingSpec | undefined, maxLimit = 1000): Problem[] {
  if (spec === undefined) return [];
  const auto = resolveAutoscaling(spec);
  return [
    ...intRange([...path, "minReplicas"], auto.minReplicas, 1, maxLimit),
    ...intRange([...path, "maxReplicas"], auto.maxReplicas, 1, maxLimit),
    ...unless(!(auto.minReplicas > auto.maxReplicas), [...path, "minReplicas"], auto.minReplicas, `must be <= maxReplicas (${auto.maxReplicas})`),
    ...intRange([...path, "cpuPercent"], auto.cpuPercent, 1, 100),
    ...intRange([...path, "memoryPercent"], auto.memoryPercent, 1, 100),
  ];
}

/** What a single-pod floor on Kubernetes is: advice, an error (a workload everything goes through), or fine (Docker). */
export type SinglePod = "warning" | "error" | "allowed";

/**
 * The rules of a workload's `replicas` and `autoscaling` (`path` is the workload's): one or the other, each in range,
 * and a single pod, which every node drain and upgrade interrupts (its PDB lets it go rather than block them).
 */
export function scaleProblems(path: ProblemPath, replicas: number | undefined, autoscaling: AutoscalingSpec | undefined, maxLimit: number, what: string, singlePod: SinglePod): Problem[] {
  const floor = autoscaling !== undefined ? resolveAutoscaling(autoscaling).minReplicas : replicas;
  const floorPath = autoscaling !== undefined ? [...path, "autoscaling", "minReplicas"] : [...path, "replicas"];
  const single = `runs ${what} as a single pod on Kubernetes: every node drain or upgrade interrupts it`;
  return [
    ...unless(!(replicas !== undefined && autoscaling !== undefined), [...path, "replicas"], replicas, "is set together with autoscaling; an HPA owns the replica count", "set either replicas (a fixed count) or autoscaling, not both"),
    ...intRange([...path, "replicas"], replicas, 1, maxLimit),
    ...autoscalingProblems([...path, "autoscaling"], autoscaling, maxLimit),
    ...(singlePod === "error" ? unless(floor !== 1, floorPath, floor, single, "run at least 2") : []),
    ...warnIf(singlePod === "warning" && floor === 1, floorPath, floor, single, "run at least 2"),
  ];
}
