/**
 * Seed 002's access table as data, and what each cell means in concrete grants. Pure logic, no cdktf.
 */

export const ACCESS_ROLES = ["developer", "devops", "qa", "product-owner", "system-admin"] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];
export const ACCESS_AREAS = ["legacy", "frontend", "backend", "database", "monitoring"] as const;
export type AccessArea = (typeof ACCESS_AREAS)[number];
export const ACCESS_LEVELS = ["none", "read", "read-write"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** `group:`, `user:` or `serviceAccount:` followed by an e-mail address, as IAM writes members. */
export const MEMBER_PATTERN = /^(group|user|serviceAccount):[^@\s]+@[^@\s]+\.[a-z]{2,}$/;

/** One row of the table: who, and what they get per area. */
export interface AccessRoleSpec {
  readonly members: readonly string[];
  readonly grants: Readonly<Record<AccessArea, AccessLevel>>;
}

/** Verbs of a Kubernetes rule. Never "*". */
export const READ_VERBS = ["get", "list", "watch"] as const;
/** Write verbs, always scoped to named workloads (create cannot be scoped by name, so it is not granted). */
export const WRITE_VERBS = ["update", "patch", "delete"] as const;
/** Resources a reader sees in the namespace. Secrets are not among them. */
export const READ_RESOURCES: Record<string, string[]> = {
  "": ["pods", "pods/log", "services", "endpoints", "configmaps", "events"],
  apps: ["deployments", "replicasets"],
  autoscaling: ["horizontalpodautoscalers"],
  policy: ["poddisruptionbudgets"],
};
/** Resources a writer may change, by name. */
export const WRITE_RESOURCES: Record<string, string[]> = {
  "": ["configmaps", "services"],
  apps: ["deployments", "deployments/scale"],
  autoscaling: ["horizontalpodautoscalers"],
};

/** Project-level IAM roles per area and level. Primitive roles (owner/editor/viewer) never appear. */
export const IAM_ROLES: Record<AccessArea, Record<Exclude<AccessLevel, "none">, string[]>> = {
  // Kubernetes areas need credentials for the cluster; what they may do inside comes from RBAC.
  legacy: { read: ["roles/container.clusterViewer"], "read-write": ["roles/container.clusterViewer"] },
  frontend: { read: ["roles/container.clusterViewer"], "read-write": ["roles/container.clusterViewer"] },
  backend: { read: ["roles/container.clusterViewer"], "read-write": ["roles/container.clusterViewer"] },
  database: { read: ["roles/cloudsql.viewer"], "read-write": ["roles/cloudsql.client", "roles/cloudsql.instanceUser"] },
  monitoring: { read: ["roles/monitoring.viewer"], "read-write": ["roles/monitoring.editor"] },
};

/** The Kubernetes areas and the workloads (Deployments, Services, ConfigMaps by name) each covers. */
export type AreaWorkloads = Readonly<Record<"legacy" | "frontend" | "backend", readonly string[]>>;

/** One concrete grant, for the effective matrix. */
export interface EffectiveGrant {
  readonly role: AccessRole;
  readonly member: string;
  readonly area: AccessArea;
  readonly level: AccessLevel;
  /** Project IAM roles. */
  readonly iam: readonly string[];
  /** Kubernetes: verbs on what. */
  readonly kubernetes: readonly string[];
}

/** The effective matrix: who gets which concrete roles where. */
export function effectiveGrants(roles: Readonly<Partial<Record<AccessRole, AccessRoleSpec>>>, workloads: AreaWorkloads, namespace: string): EffectiveGrant[] {
  const out: EffectiveGrant[] = [];
  for (const role of ACCESS_ROLES) {
    const spec = roles[role];
    if (!spec) continue;
    for (const member of spec.members) {
      for (const area of ACCESS_AREAS) {
        const level = spec.grants[area];
        if (level === "none") continue;
        const kubernetes: string[] = [];
        if (area === "legacy" || area === "frontend" || area === "backend") {
          kubernetes.push(`${READ_VERBS.join("/")} in ${namespace}`);
          if (level === "read-write") kubernetes.push(`${WRITE_VERBS.join("/")} on ${workloads[area].join(", ")}`);
        }
        out.push({ role, member, area, level, iam: IAM_ROLES[area][level], kubernetes });
      }
      if (role === "system-admin") out.push({ role, member, area: "monitoring", level: spec.grants.monitoring, iam: [], kubernetes: ["cluster-admin (System Admin only)"] });
    }
  }
  return out;
}
