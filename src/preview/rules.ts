/**
 * The guard's vocabulary and built-in rules: what in Tandem's stacks must not be destroyed or replaced unnoticed.
 * Levels say what would happen; the policy (policy.ts) says what each level does in each stack.
 */

/** What the change would do: lose data, take something down, or fail at apply. */
export const GUARD_LEVELS = ["data-loss", "outage", "will-fail"] as const;
export type GuardLevel = (typeof GUARD_LEVELS)[number];

/** What a finding does to the check: `block` fails it (until acknowledged), `warn` and `info` only list. */
export type GuardAction = "block" | "warn" | "info";

/** Which changes a rule catches. `delete-first-replace`: only replacements without create_before_destroy. */
export type GuardKind = "destroy" | "replace" | "delete-first-replace";

export interface GuardRule {
  readonly id: string;
  readonly types: readonly string[];
  /** @default ["destroy", "replace"] */
  readonly kinds: readonly GuardKind[];
  readonly level: GuardLevel;
  /** Why, in a few words, for the comment. */
  readonly reason: string;
}

const both: readonly GuardKind[] = ["destroy", "replace"];

/** Built-in rules, by id (the policy's `disableRules` turns one off). */
export const BUILTIN_RULES: readonly GuardRule[] = [
  { id: "sql-instance", types: ["google_sql_database_instance"], kinds: both, level: "data-loss", reason: "deletes the Cloud SQL instance, its data and its backups" },
  { id: "sql-database", types: ["google_sql_database"], kinds: both, level: "data-loss", reason: "drops the database and every table in it" },
  { id: "sql-user", types: ["google_sql_user"], kinds: both, level: "outage", reason: "drops the database login the application uses" },
  { id: "redis", types: ["google_redis_instance"], kinds: both, level: "data-loss", reason: "deletes the Memorystore instance and its data; clients get a new host and AUTH string" },
  { id: "secret", types: ["google_secret_manager_secret"], kinds: both, level: "data-loss", reason: "deletes the secret with every version of it" },
  {
    id: "disk-bucket",
    types: ["google_compute_disk", "google_compute_region_disk", "google_storage_bucket"],
    kinds: both,
    level: "data-loss",
    reason: "deletes the disk or bucket and its contents",
  },
  {
    id: "volume",
    types: ["kubernetes_persistent_volume_claim", "kubernetes_persistent_volume_claim_v1", "kubernetes_persistent_volume", "kubernetes_persistent_volume_v1"],
    kinds: both,
    level: "data-loss",
    reason: "deletes the volume (and, with the usual Delete reclaim policy, its disk)",
  },
  { id: "psa-peering", types: ["google_service_networking_connection"], kinds: both, level: "outage", reason: "removes private service access: Cloud SQL and Memorystore go off the network" },
  { id: "gke-cluster", types: ["google_container_cluster"], kinds: both, level: "outage", reason: "deletes the GKE cluster and every workload on it" },
  { id: "gke-node-pool", types: ["google_container_node_pool"], kinds: both, level: "outage", reason: "drains and deletes the pool's nodes; its pods wait for new ones" },
  { id: "network", types: ["google_compute_network", "google_compute_subnetwork"], kinds: both, level: "outage", reason: "deletes the network everything else runs in" },
  { id: "namespace", types: ["kubernetes_namespace_v1", "kubernetes_namespace"], kinds: both, level: "outage", reason: "deletes every workload, Service, Secret and volume claim in the namespace" },
];

/** The one rule that is not about a type: the prior state has deletion protection on, so the delete will fail. */
export const DELETION_PROTECTION_RULE = "deletion-protection";
