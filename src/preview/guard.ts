import { PlanSummary } from "./summarize";

/** Resource types whose destruction loses data. */
export const STATEFUL_RESOURCE_TYPES: readonly string[] = [
  "google_sql_database_instance",
  "google_sql_database",
  "google_redis_instance",
  "google_compute_disk",
  "google_compute_region_disk",
  "google_storage_bucket",
  "kubernetes_persistent_volume_claim",
  "kubernetes_persistent_volume_claim_v1",
  "kubernetes_persistent_volume",
  "kubernetes_persistent_volume_v1",
];

/** How the destroy guard treats each stack. */
export interface DestroyGuardPolicy {
  /** Stacks where destroying or replacing stateful resources fails the preview. @default ["production"] */
  readonly blockIn?: readonly string[];
  /** Stacks where it is flagged as a warning. @default ["staging"] */
  readonly warnIn?: readonly string[];
  /** The PR carries the explicit opt-in label: blocked findings become allowed (still listed). @default false */
  readonly allowStatefulDestroy?: boolean;
}

export interface GuardFinding {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly kind: "replace" | "destroy";
  readonly level: "block" | "warn" | "allowed" | "info";
}

export interface GuardResult {
  readonly findings: readonly GuardFinding[];
  /** True when the preview must fail (non-zero exit, red check). */
  readonly blocked: boolean;
}

/** Finds every destroy or replacement of a stateful resource and decides whether it blocks. */
export function checkDestroys(summaries: readonly PlanSummary[], policy: DestroyGuardPolicy = {}): GuardResult {
  const blockIn = policy.blockIn ?? ["production"];
  const warnIn = policy.warnIn ?? ["staging"];
  const findings: GuardFinding[] = [];
  for (const s of summaries) {
    for (const c of s.changes) {
      if ((c.kind !== "replace" && c.kind !== "destroy") || !STATEFUL_RESOURCE_TYPES.includes(c.type)) continue;
      const level = blockIn.includes(s.stack) ? (policy.allowStatefulDestroy ? "allowed" : "block") : warnIn.includes(s.stack) ? "warn" : "info";
      findings.push({ stack: s.stack, address: c.address, type: c.type, kind: c.kind, level });
    }
  }
  return { findings, blocked: findings.some((f) => f.level === "block") };
}
