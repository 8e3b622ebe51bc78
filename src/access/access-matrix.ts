import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ClusterRoleBindingV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { applyProblems, unless } from "../validation/problem";
import { AccessRoles, AreaWorkloads, KUBERNETES_AREAS, KubernetesArea } from "./grants";
import { AccessPlan, isKubernetesArea, planAccess } from "./plan";
import { accessRolesProblems, iamBindingsProblems } from "./rules";

/** What an {@link AccessMatrix} is made of; an environment's `access` section has exactly this shape. */
export interface AccessMatrixOptions {
  /** Seed 002's table: role -> members and a level per area. */
  readonly roles: AccessRoles;
  /**
   * Further project bindings in Fabric's shape, role -> members (a CI deployer, a break-glass group). Additive like the rest.
   * @default {}
   */
  readonly iam?: Readonly<Record<string, readonly string[]>>;
}

/** Props for {@link AccessMatrix}. */
export interface AccessMatrixProps extends AccessMatrixOptions {
  /** The project the IAM members are granted on. */
  readonly project: string;
  /** Namespace of the new platform (router, frontend, backend): where every Kubernetes area lives unless `namespaces` moves it. */
  readonly namespace: string;
  /**
   * A namespace per Kubernetes area, for platforms that split them.
   * @default - every area in `namespace`
   */
  readonly namespaces?: Readonly<Partial<Record<KubernetesArea, string>>>;
  /** The objects each Kubernetes area covers, by name (Deployments, Services, ConfigMaps, HPAs, PDBs). */
  readonly workloads: AreaWorkloads;
  /**
   * GKE Google Groups for RBAC is on (`GkeCluster.rbacSecurityGroup`); without it, `group:` members cannot be bound in Kubernetes.
   * @default false
   */
  readonly googleGroupsRbac?: boolean;
  /**
   * The Cloud SQL instances (primary, replica) the database connect roles are limited to, by an IAM condition.
   * @default - not limited: `roles/cloudsql.client` and `instanceUser` reach every instance of the project
   */
  readonly databaseInstances?: readonly string[];
}

/**
 * The access table as grants: project IAM members (always additive `google_project_iam_member`, never the
 * authoritative `_iam_binding`/`_iam_policy` that would wipe other teams' grants) and Kubernetes RBAC (Roles
 * and RoleBindings in the platform's namespaces). Least privilege: no primitive roles, no wildcards, no
 * Secrets, writes only on named objects, cluster-admin for System Admin only. What it creates is
 * {@link planAccess}'s plan, the same one `npm run access` prints.
 */
export class AccessMatrix extends Construct {
  /** The plan this construct synthesized. */
  readonly plan: AccessPlan;
  /** Unconditional project bindings in Fabric's shape, role -> members. */
  readonly iam: Readonly<Record<string, readonly string[]>>;
  /** Project bindings limited to `databaseInstances` by an IAM condition, role -> members. */
  readonly databaseIam: Readonly<Record<string, readonly string[]>>;
  readonly projectIamMembers: Record<string, ProjectIamMember> = {};
  readonly roles: Record<string, RoleV1> = {};
  readonly roleBindings: Record<string, RoleBindingV1> = {};
  readonly clusterRoleBindings: Record<string, ClusterRoleBindingV1> = {};

  constructor(scope: Construct, id: string, props: AccessMatrixProps) {
    super(scope, id);
    this.validate(props);
    const namespaces = Object.fromEntries(KUBERNETES_AREAS.map((a) => [a, props.namespaces?.[a] ?? props.namespace])) as Record<KubernetesArea, string>;
    this.plan = planAccess({ project: props.project, roles: props.roles, workloads: props.workloads, namespaces, databaseInstances: props.databaseInstances, iam: props.iam });
    this.iam = this.plan.iam;
    this.databaseIam = this.plan.databaseIam;
    for (const warning of this.plan.warnings) Annotations.of(this).addWarning(warning);

    for (const [grantId, g] of Object.entries(this.plan.projectGrants)) {
      this.projectIamMembers[grantId] = new ProjectIamMember(this, grantId, { project: props.project, role: g.role, member: g.member, condition: g.condition });
    }
    const labels = { "app.kubernetes.io/managed-by": "terraform", "app.kubernetes.io/part-of": "tandem-access" };
    for (const [roleId, r] of Object.entries(this.plan.roles)) {
      this.roles[roleId] = new RoleV1(this, roleId, {
        metadata: { name: r.name, namespace: r.namespace, labels },
        rule: r.rules.map((rule) => ({ apiGroups: [...rule.apiGroups], resources: [...rule.resources], verbs: [...rule.verbs], resourceNames: rule.resourceNames ? [...rule.resourceNames] : undefined })),
      });
    }
    for (const [bindingId, b] of Object.entries(this.plan.roleBindings)) {
      this.roleBindings[bindingId] = new RoleBindingV1(this, bindingId, {
        metadata: { name: b.name, namespace: b.namespace, labels: { ...labels, "tandem.dev/access-role": b.accessRole } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: this.roles[b.roleId!].metadata.name },
        subject: b.subjects.map((s) => ({ ...s })),
      });
    }
    for (const [bindingId, b] of Object.entries(this.plan.clusterRoleBindings)) {
      this.clusterRoleBindings[bindingId] = new ClusterRoleBindingV1(this, bindingId, {
        metadata: { name: b.name, labels: { ...labels, "tandem.dev/access-role": b.accessRole } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: b.clusterRole! },
        subject: b.subjects.map((s) => ({ ...s })),
      });
    }
  }

  private validate(props: AccessMatrixProps): void {
    applyProblems(this, [
      ...accessRolesProblems(props.roles, { googleGroupsRbac: props.googleGroupsRbac ?? false }),
      ...iamBindingsProblems(props.iam),
      ...unless(!(props.databaseInstances && props.databaseInstances.length === 0), ["databaseInstances"], [], "must name at least one instance, or be left out to grant on the whole project"),
      ...KUBERNETES_AREAS.flatMap((area) => unless(props.workloads[area].every((n) => n.length > 0), ["workloads", area], props.workloads[area], "object names must not be empty (an empty name in a Role matches nothing, an empty list everything)")),
      ...Object.keys(props.namespaces ?? {}).flatMap((area) => unless(isKubernetesArea(area), ["namespaces", area], area, `is not a Kubernetes area; use one of: ${KUBERNETES_AREAS.join(", ")}`)),
    ]);
  }
}
