/**
 * The access table turned into concrete grants: project IAM members, Kubernetes Roles and bindings, and the
 * effective matrix a reviewer reads. Pure: `AccessMatrix` synthesizes exactly this plan and
 * `npm run access` prints it, so the two cannot disagree.
 */
import {
  ACCESS_AREAS,
  ACCESS_ROLES,
  AccessArea,
  AccessLevel,
  AccessRole,
  AccessRoles,
  AreaWorkloads,
  CLUSTER_ADMIN_ROLE,
  DATABASE_CONNECT_ROLES,
  IAM_ROLES,
  KUBERNETES_AREAS,
  KubernetesArea,
  NAMED_READ_RESOURCES,
  NAMESPACE_READ_RESOURCES,
  READ_VERBS,
  ResourcesByGroup,
  WRITE_RESOURCES,
  WRITE_VERBS,
} from "./grants";

/** Input of {@link planAccess}. */
export interface AccessPlanInput {
  /** The project the IAM members are granted on. */
  readonly project: string;
  /** The access table. */
  readonly roles: AccessRoles;
  /** The objects of each Kubernetes area, by name. */
  readonly workloads: AreaWorkloads;
  /** The namespace of each Kubernetes area. */
  readonly namespaces: Readonly<Record<KubernetesArea, string>>;
  /**
   * Cloud SQL instance names the database connect roles are limited to (IAM condition).
   * @default - not limited: the roles apply to every instance of the project
   */
  readonly databaseInstances?: readonly string[];
  /**
   * Further additive project bindings in Fabric's shape, role -> members.
   * @default {}
   */
  readonly iam?: Readonly<Record<string, readonly string[]>>;
}

/** An IAM condition. */
export interface IamConditionSpec {
  readonly title: string;
  readonly description: string;
  readonly expression: string;
}

/** One `google_project_iam_member`. */
export interface ProjectGrant {
  readonly role: string;
  readonly member: string;
  readonly condition?: IamConditionSpec;
  /** The table rows (or `iam`) that asked for it; one member in several rows gets one binding. */
  readonly requestedBy: readonly string[];
}

/** One rule of a Kubernetes Role. */
export interface PolicyRuleSpec {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** Absent for namespace-wide read rules; never empty (an empty list would mean every object). */
  readonly resourceNames?: readonly string[];
}

/** One Kubernetes Role. */
export interface KubernetesRoleSpec {
  readonly name: string;
  readonly namespace: string;
  readonly rules: readonly PolicyRuleSpec[];
}

/** A Kubernetes RBAC subject; GKE names Google groups as Groups and users and service accounts by e-mail. */
export interface RbacSubject {
  readonly kind: "Group" | "User";
  readonly name: string;
  readonly apiGroup: "rbac.authorization.k8s.io";
}

/** One RoleBinding (to a Role of the plan) or ClusterRoleBinding (to a ClusterRole). */
export interface KubernetesBindingSpec {
  readonly name: string;
  /** Absent for ClusterRoleBindings. */
  readonly namespace?: string;
  /** Id of the plan's Role, for RoleBindings. */
  readonly roleId?: string;
  /** The ClusterRole, for ClusterRoleBindings. */
  readonly clusterRole?: string;
  readonly subjects: readonly RbacSubject[];
  readonly accessRole: AccessRole;
}

/** One line of the effective matrix. */
export interface AccessRow {
  readonly role: AccessRole;
  readonly members: readonly string[];
  readonly area: AccessArea | "cluster";
  readonly level: AccessLevel | "admin";
  /** Project IAM roles; a trailing `*` marks one limited to the database instances by an IAM condition. */
  readonly iam: readonly string[];
  /** Kubernetes Roles bound, as `<Role> in <namespace>`. */
  readonly kubernetes: readonly string[];
}

/** What {@link planAccess} returns; every collection is keyed by its construct id. */
export interface AccessPlan {
  readonly projectGrants: Readonly<Record<string, ProjectGrant>>;
  readonly roles: Readonly<Record<string, KubernetesRoleSpec>>;
  readonly roleBindings: Readonly<Record<string, KubernetesBindingSpec>>;
  readonly clusterRoleBindings: Readonly<Record<string, KubernetesBindingSpec>>;
  /** Unconditional project bindings in Fabric's shape, role -> members. */
  readonly iam: Readonly<Record<string, readonly string[]>>;
  /** Bindings limited to the database instances by an IAM condition, role -> members. */
  readonly databaseIam: Readonly<Record<string, readonly string[]>>;
  readonly rows: readonly AccessRow[];
  /** Cells that grant nothing because their area has no objects (advice, not an error). */
  readonly warnings: readonly string[];
}

const RBAC = "rbac.authorization.k8s.io";

/** Plans the grants of an access table. Assumes the input is valid (see `AccessMatrix` and `accessSchema`). */
export function planAccess(input: AccessPlanInput): AccessPlan {
  const grants = new Map<string, { role: string; member: string; condition?: IamConditionSpec; requestedBy: string[] }>();
  const roles: Record<string, KubernetesRoleSpec> = {};
  const roleBindings: Record<string, KubernetesBindingSpec> = {};
  const clusterRoleBindings: Record<string, KubernetesBindingSpec> = {};
  const rows: AccessRow[] = [];
  const warnings: string[] = [];
  const condition = input.databaseInstances?.length ? instanceCondition(input.project, input.databaseInstances) : undefined;
  const conditioned = (role: string) => condition !== undefined && (DATABASE_CONNECT_ROLES as readonly string[]).includes(role);

  const grant = (role: string, member: string, requestedBy: string): void => {
    const c = conditioned(role) ? condition : undefined;
    const id = `${slug(role.replace(/^roles\//, ""))}-${slug(member)}${c ? "-instances" : ""}`;
    const existing = grants.get(id);
    if (existing) {
      if (!existing.requestedBy.includes(requestedBy)) existing.requestedBy.push(requestedBy);
    } else {
      grants.set(id, { role, member, condition: c, requestedBy: [requestedBy] });
    }
  };

  // Namespaces by the areas in them; a namespace is keyed by its first area, so keys never depend on tokens.
  const areasIn = new Map<string, KubernetesArea[]>();
  for (const area of KUBERNETES_AREAS) {
    const ns = input.namespaces[area];
    areasIn.set(ns, [...(areasIn.get(ns) ?? []), area]);
  }
  const namespaceKey = (area: KubernetesArea) => areasIn.get(input.namespaces[area])![0];

  const role = (id: string, spec: KubernetesRoleSpec): string => {
    roles[id] ??= spec;
    return id;
  };
  const namespaceReadRole = (key: KubernetesArea) =>
    role(`namespace-read-${key}`, { name: "tandem-namespace-read", namespace: input.namespaces[key], rules: rules(NAMESPACE_READ_RESOURCES, READ_VERBS) });
  const areaRole = (area: KubernetesArea, level: "read" | "write") =>
    role(`${level}-${area}`, {
      name: `tandem-${area}-${level}`,
      namespace: input.namespaces[area],
      rules: level === "read" ? rules(NAMED_READ_RESOURCES, READ_VERBS, input.workloads[area]) : rules(WRITE_RESOURCES, WRITE_VERBS, input.workloads[area]),
    });

  for (const accessRole of ACCESS_ROLES) {
    const spec = input.roles[accessRole];
    if (!spec || spec.members.length === 0) continue;
    const members = [...new Set(spec.members)];
    const subjects = members.map(subject);
    const bind = (id: string, name: string, roleId: string): string => {
      roleBindings[id] = { name, namespace: roles[roleId].namespace, roleId, subjects, accessRole };
      return `${roles[roleId].name} in ${roles[roleId].namespace}`;
    };
    // Readers of every area in a namespace see all of it (pods and logs included); the others only their areas' objects by name.
    const readsAll = (area: KubernetesArea) => areasIn.get(input.namespaces[area])!.every((a) => spec.grants[a] !== "none");

    for (const area of ACCESS_AREAS) {
      const level = spec.grants[area];
      if (level === "none") continue;
      const iam = IAM_ROLES[area][level];
      for (const r of iam) for (const m of members) grant(r, m, accessRole);
      const kubernetes: string[] = [];
      if (isKubernetesArea(area)) {
        const key = namespaceKey(area);
        if (readsAll(area)) {
          kubernetes.push(bind(`${accessRole}-namespace-read-${key}`, `tandem-${accessRole}-read`, namespaceReadRole(key)));
        } else if (input.workloads[area].length > 0) {
          kubernetes.push(bind(`${accessRole}-read-${area}`, `tandem-${accessRole}-${area}-read`, areaRole(area, "read")));
        } else {
          warnings.push(`${accessRole} may read ${area}, but ${area} has no objects and its namespace holds areas ${accessRole} may not read: nothing is granted.`);
        }
        if (level === "read-write") {
          if (input.workloads[area].length > 0) {
            kubernetes.push(bind(`${accessRole}-write-${area}`, `tandem-${accessRole}-${area}-write`, areaRole(area, "write")));
          } else {
            warnings.push(`${accessRole} may write ${area}, but ${area} has no objects: no write access is granted.`);
          }
        }
      }
      rows.push({ role: accessRole, members, area, level, iam: iam.map((r) => (conditioned(r) ? `${r}*` : r)), kubernetes });
    }

    // The one cluster-wide grant: System Admin's, and only while config gives System Admin read-write everywhere.
    if (accessRole === CLUSTER_ADMIN_ROLE && ACCESS_AREAS.every((a) => spec.grants[a] === "read-write")) {
      clusterRoleBindings[`${accessRole}-cluster-admin`] = { name: `tandem-${accessRole}`, clusterRole: "cluster-admin", subjects, accessRole };
      rows.push({ role: accessRole, members, area: "cluster", level: "admin", iam: [], kubernetes: [`cluster-admin (ClusterRoleBinding tandem-${accessRole})`] });
    }
  }

  for (const [iamRole, members] of Object.entries(input.iam ?? {})) for (const m of members) grant(iamRole, m, "iam");

  const projectGrants: Record<string, ProjectGrant> = {};
  const iam: Record<string, string[]> = {};
  const databaseIam: Record<string, string[]> = {};
  for (const [id, g] of [...grants.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    projectGrants[id] = g;
    const shape = g.condition ? databaseIam : iam;
    (shape[g.role] ??= []).push(g.member);
  }
  return { projectGrants, roles, roleBindings, clusterRoleBindings, iam, databaseIam, rows, warnings };
}

/** `resource.name == ...` for each instance: what Cloud SQL's IAM conditions are documented to match. */
function instanceCondition(project: string, instances: readonly string[]): IamConditionSpec {
  const names = instances.map((i) => `resource.name == 'projects/${project}/instances/${i}'`).join(" || ");
  return {
    title: "tandem-database-instances",
    description: "Only this environment's Cloud SQL instances",
    expression: `resource.type == 'sqladmin.googleapis.com/Instance' && (${names})`,
  };
}

function rules(resources: ResourcesByGroup, verbs: readonly string[], resourceNames?: readonly string[]): PolicyRuleSpec[] {
  return Object.entries(resources).map(([apiGroup, r]) => ({ apiGroups: [apiGroup], resources: r, verbs, ...(resourceNames ? { resourceNames } : {}) }));
}

/** The RBAC subject GKE matches for an IAM member. */
export function subject(member: string): RbacSubject {
  const [kind, email] = member.split(":");
  return { kind: kind === "group" ? "Group" : "User", name: email, apiGroup: RBAC };
}

export function isKubernetesArea(area: string): area is KubernetesArea {
  return (KUBERNETES_AREAS as readonly string[]).includes(area);
}

function slug(s: string): string {
  return s
    .replace(/[^a-zA-Z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
}
