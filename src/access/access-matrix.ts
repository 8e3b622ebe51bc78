import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ClusterRoleBindingV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { Construct } from "constructs";
import { ACCESS_AREAS, ACCESS_ROLES, AccessRole, AccessRoleSpec, AreaWorkloads, IAM_ROLES, MEMBER_PATTERN, READ_RESOURCES, READ_VERBS, WRITE_RESOURCES, WRITE_VERBS } from "./grants";

/** Props for {@link AccessMatrix}. */
export interface AccessMatrixProps {
  readonly project: string;
  /** Namespace the new platform (frontend, backend, router) runs in. */
  readonly namespace: string;
  /** Seed 002's table: role -> members and a level per area. */
  readonly roles: Readonly<Partial<Record<AccessRole, AccessRoleSpec>>>;
  /** Workloads each Kubernetes area covers, by name: write access is scoped to these. */
  readonly workloads: AreaWorkloads;
  /**
   * GKE Google Groups for RBAC is on (`GkeCluster.rbacSecurityGroup`); without it, `group:` members
   * cannot be bound in Kubernetes.
   * @default false
   */
  readonly googleGroupsRbac?: boolean;
}

/**
 * The access table as grants: project IAM bindings (always additive `google_project_iam_member`, never the
 * authoritative `_iam_binding`/`_iam_policy` that would wipe other teams' grants) and Kubernetes RBAC
 * (Roles and RoleBindings in the platform's namespace). Least privilege: no primitive roles, no wildcard
 * verbs or resources, no Secrets, write access only on named workloads, cluster-admin for System Admin only.
 */
export class AccessMatrix extends Construct {
  /** Bindings in Fabric's shape: role -> members, as synthesized. */
  readonly iam: Record<string, string[]> = {};

  constructor(scope: Construct, id: string, props: AccessMatrixProps) {
    super(scope, id);
    this.validate(props);
    const ns = props.namespace;

    // Roles are shared by everyone at the same (area, level); bindings say who.
    const readRole = new RoleV1(this, "read", {
      metadata: { name: "tandem-read", namespace: ns },
      rule: Object.entries(READ_RESOURCES).map(([apiGroup, resources]) => ({ apiGroups: [apiGroup], resources, verbs: [...READ_VERBS] })),
    });
    const writeRoles: Partial<Record<keyof AreaWorkloads, RoleV1>> = {};
    for (const area of ["legacy", "frontend", "backend"] as const) {
      writeRoles[area] = new RoleV1(this, `write-${area}`, {
        metadata: { name: `tandem-${area}-write`, namespace: ns },
        rule: Object.entries(WRITE_RESOURCES).map(([apiGroup, resources]) => ({ apiGroups: [apiGroup], resources, verbs: [...WRITE_VERBS], resourceNames: [...props.workloads[area]] })),
      });
    }

    for (const role of ACCESS_ROLES) {
      const spec = props.roles[role];
      if (!spec || spec.members.length === 0) continue;
      const iamRoles = new Set<string>();
      for (const area of ACCESS_AREAS) {
        const level = spec.grants[area];
        if (level !== "none") IAM_ROLES[area][level].forEach((r) => iamRoles.add(r));
      }
      for (const iamRole of [...iamRoles].sort()) {
        for (const member of spec.members) {
          new ProjectIamMember(this, `${role}-${iamRole.replace(/^roles\//, "").replace(/\./g, "-")}-${slug(member)}`, { project: props.project, role: iamRole, member });
          (this.iam[iamRole] ??= []).push(member);
        }
      }
      const subjects = spec.members.map(subject);
      const k8sAreas = (["legacy", "frontend", "backend"] as const).filter((a) => spec.grants[a] !== "none");
      if (k8sAreas.length > 0) {
        new RoleBindingV1(this, `${role}-read`, {
          metadata: { name: `tandem-${role}-read`, namespace: ns },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: readRole.metadata.name },
          subject: subjects,
        });
      }
      for (const area of k8sAreas.filter((a) => spec.grants[a] === "read-write")) {
        new RoleBindingV1(this, `${role}-write-${area}`, {
          metadata: { name: `tandem-${role}-${area}-write`, namespace: ns },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: writeRoles[area]!.metadata.name },
          subject: subjects,
        });
      }
      if (role === "system-admin") {
        new ClusterRoleBindingV1(this, "system-admin-cluster-admin", {
          metadata: { name: "tandem-system-admin" },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
          subject: subjects,
        });
      }
    }
  }

  private validate(props: AccessMatrixProps): void {
    const where = this.node.path;
    for (const [role, spec] of Object.entries(props.roles)) {
      if (!(ACCESS_ROLES as readonly string[]).includes(role)) throw new Error(`${where}: roles.${role} is not a role of the access table (${ACCESS_ROLES.join(", ")}).`);
      for (const [area] of Object.entries(spec!.grants)) {
        if (!(ACCESS_AREAS as readonly string[]).includes(area)) throw new Error(`${where}: roles.${role}.grants.${area} is not an area (${ACCESS_AREAS.join(", ")}).`);
      }
      for (const member of spec!.members) {
        if (!MEMBER_PATTERN.test(member)) throw new Error(`${where}: roles.${role}.members has "${member}"; use group:, user: or serviceAccount: and an e-mail address.`);
        if (member.startsWith("group:") && !props.googleGroupsRbac && ["legacy", "frontend", "backend"].some((a) => spec!.grants[a as "legacy"] !== "none")) {
          throw new Error(`${where}: roles.${role}.members has ${member}, but Google Groups for RBAC is off; set the cluster's rbacSecurityGroup (gke.rbacSecurityGroup).`);
        }
      }
    }
  }
}

/** A Kubernetes RBAC subject for an IAM member: GKE sees Google groups as Groups and users and service accounts by e-mail. */
function subject(member: string): { kind: string; name: string; apiGroup: string } {
  const [kind, email] = member.split(":");
  return { kind: kind === "group" ? "Group" : "User", name: email, apiGroup: "rbac.authorization.k8s.io" };
}

function slug(member: string): string {
  return member.replace(/^(group|user|serviceAccount):/, "").replace(/[^a-zA-Z0-9]+/g, "-").toLowerCase();
}
