/**
 * Seed 002's access table as data, and what each cell means in concrete grants. Pure logic, no cdktf.
 */

export const ACCESS_ROLES = ["developer", "devops", "qa", "product-owner", "system-admin"] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];
export const ACCESS_AREAS = ["legacy", "frontend", "backend", "database", "monitoring"] as const;
export type AccessArea = (typeof ACCESS_AREAS)[number];
export const ACCESS_LEVELS = ["none", "read", "read-write"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/**
 * The areas that live in the cluster, where access is Kubernetes RBAC. "legacy" is the cluster's side of the
 * legacy system: the migration router that decides how much traffic legacy gets and the `legacy` Service that
 * points at it. The legacy hosts themselves are not managed here.
 */
export const KUBERNETES_AREAS = ["legacy", "frontend", "backend"] as const;
export type KubernetesArea = (typeof KUBERNETES_AREAS)[number];

/** `group:`, `user:` or `serviceAccount:` followed by an e-mail address, as IAM writes members. */
export const MEMBER_PATTERN = /^(group|user|serviceAccount):[^@\s:]+@[^@\s]+\.[a-z]{2,}$/;

/** One row of the table: who, and what they get per area. */
export interface AccessRoleSpec {
  readonly members: readonly string[];
  readonly grants: Readonly<Record<AccessArea, AccessLevel>>;
}

/** The access table: role -> row. */
export type AccessRoles = Readonly<Partial<Record<AccessRole, AccessRoleSpec>>>;

/** The objects (Deployments, Services, ConfigMaps, HPAs, PDBs) each Kubernetes area covers, by name. */
export type AreaWorkloads = Readonly<Record<KubernetesArea, readonly string[]>>;

/** Verbs of a read rule. Never "*". */
export const READ_VERBS = ["get", "list", "watch"] as const;
/**
 * Verbs of a write rule, always scoped to named objects: enough for `kubectl rollout restart`, `scale`,
 * `set image` and config edits. No `create` (RBAC cannot scope it by name) and no `delete`: the objects are
 * declared in Terraform, so deleting one is an outage the next deploy reverts, not a change.
 */
export const WRITE_VERBS = ["update", "patch"] as const;

/** API group -> resources. */
export type ResourcesByGroup = Readonly<Record<string, readonly string[]>>;

/**
 * What a role that reads every area of a namespace sees there: the named objects plus what has no stable name
 * (pods, their logs, replica sets, events). Secrets are never among them.
 */
export const NAMESPACE_READ_RESOURCES: ResourcesByGroup = {
  "": ["pods", "pods/log", "services", "endpoints", "configmaps", "events"],
  apps: ["deployments", "replicasets"],
  autoscaling: ["horizontalpodautoscalers"],
  policy: ["poddisruptionbudgets"],
};
/** What a reader of one area sees when the namespace holds areas it may not read: that area's objects, by name. */
export const NAMED_READ_RESOURCES: ResourcesByGroup = {
  "": ["services", "endpoints", "configmaps"],
  apps: ["deployments", "deployments/scale"],
  autoscaling: ["horizontalpodautoscalers"],
  policy: ["poddisruptionbudgets"],
};
/** What a writer of an area may change, by name. */
export const WRITE_RESOURCES: ResourcesByGroup = {
  "": ["configmaps", "services"],
  apps: ["deployments", "deployments/scale"],
  autoscaling: ["horizontalpodautoscalers"],
};

/**
 * Credentials for the cluster and nothing else (`container.clusters.get/list`, what `gcloud container clusters
 * get-credentials` needs). Not `roles/container.viewer`/`developer`: those act on every namespace and bypass
 * the namespace RBAC below (and `developer` reads Secrets).
 */
export const CLUSTER_CREDENTIALS_ROLE = "roles/container.clusterViewer";
/**
 * Connecting to and logging in to Cloud SQL (Auth Proxy / connectors, IAM database authentication). Granted
 * with an IAM condition on the environment's instances when they are known, so they reach no other instance.
 */
export const DATABASE_CONNECT_ROLES = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"] as const;

/** Project IAM roles per area and level. Primitive roles (owner/editor/viewer) never appear. */
export const IAM_ROLES: Readonly<Record<AccessArea, Readonly<Record<Exclude<AccessLevel, "none">, readonly string[]>>>> = {
  // Kubernetes areas need credentials for the cluster; what they may do inside comes from RBAC.
  legacy: { read: [CLUSTER_CREDENTIALS_ROLE], "read-write": [CLUSTER_CREDENTIALS_ROLE] },
  frontend: { read: [CLUSTER_CREDENTIALS_ROLE], "read-write": [CLUSTER_CREDENTIALS_ROLE] },
  backend: { read: [CLUSTER_CREDENTIALS_ROLE], "read-write": [CLUSTER_CREDENTIALS_ROLE] },
  // Read: the instances' metadata, state, backups and operations, no connection. Data read-only for humans is a
  // PostgreSQL grant, which this stack does not manage; read-write is the right to connect.
  database: { read: ["roles/cloudsql.viewer"], "read-write": [...DATABASE_CONNECT_ROLES] },
  monitoring: { read: ["roles/monitoring.viewer"], "read-write": ["roles/monitoring.editor"] },
};

/** Basic roles: they span every service of the project, so they are never granted. */
export const PRIMITIVE_ROLES = ["roles/owner", "roles/editor", "roles/viewer"] as const;

/** The role that may hold `cluster-admin`, and only when its row is read-write everywhere. */
export const CLUSTER_ADMIN_ROLE: AccessRole = "system-admin";
