import { Problem, unless } from "../validation/problem";
import { duplicates, known } from "../validation/rules";
import { ACCESS_AREAS, ACCESS_LEVELS, ACCESS_ROLES, AccessRoles, KUBERNETES_AREAS, MEMBER_PATTERN, PRIMITIVE_ROLES } from "./grants";

/** Seed 002's table as given: a known role, every area with a known level, members IAM can grant to. */
export function accessRolesProblems(roles: AccessRoles | undefined, options: { readonly googleGroupsRbac: boolean }): Problem[] {
  const out: Problem[] = [];
  const entries = Object.entries(roles ?? {}) as [string, AccessRoles[keyof AccessRoles]][];
  out.push(...unless(entries.length > 0, ["roles"], roles, `must name at least one role (${ACCESS_ROLES.join(", ")})`));
  for (const [role, spec] of entries) {
    const at = (...p: (string | number)[]) => ["roles", role, ...p];
    if (!(ACCESS_ROLES as readonly string[]).includes(role)) {
      out.push({ path: at(), value: role, rule: `is not a role of the access table; use one of: ${ACCESS_ROLES.join(", ")}` });
      continue;
    }
    if (!spec) continue;
    for (const [area, level] of Object.entries(spec.grants ?? {})) {
      if (!(ACCESS_AREAS as readonly string[]).includes(area)) out.push({ path: at("grants", area), value: area, rule: `is not an area; use one of: ${ACCESS_AREAS.join(", ")}` });
      else out.push(...unless((ACCESS_LEVELS as readonly string[]).includes(level), at("grants", area), level, `must be one of: ${ACCESS_LEVELS.join(", ")}`));
    }
    for (const area of ACCESS_AREAS) out.push(...unless(area in (spec.grants ?? {}), at("grants", area), undefined, `every area needs a level (${ACCESS_LEVELS.join(", ")}); write "none" for no access`));
    const inCluster = KUBERNETES_AREAS.some((a) => spec.grants?.[a] !== undefined && spec.grants[a] !== "none");
    (spec.members ?? []).forEach((member, i) => {
      if (!known(member)) {
        out.push(...unless(!inCluster, at("members", i), member, "members with Kubernetes access must be literal strings: the RBAC subject is derived from them at synth time"));
        return;
      }
      out.push(...unless(MEMBER_PATTERN.test(member), at("members", i), member, "must be group:, user: or serviceAccount: followed by an e-mail address"));
      out.push(
        ...unless(!(member.startsWith("group:") && inCluster && !options.googleGroupsRbac), at("members", i), member, "Google groups can be bound in Kubernetes only with GKE Google Groups for RBAC", "set the cluster's rbacSecurityGroup (config gke.rbacSecurityGroup), or use user: members"),
      );
    });
    for (const dup of duplicates(spec.members ?? [])) out.push({ path: at("members"), value: dup, rule: "must not list a member twice" });
  }
  return out;
}

/** Extra project bindings in Fabric's `iam` shape: predefined or custom roles only, members IAM can grant to. */
export function iamBindingsProblems(iam: Readonly<Record<string, readonly string[]>> | undefined): Problem[] {
  return Object.entries(iam ?? {}).flatMap(([role, members]) => [
    ...unless(!(PRIMITIVE_ROLES as readonly string[]).includes(role), ["iam", role], members, "primitive roles span every service of the project", "grant a predefined or custom role instead"),
    ...unless(/^(roles\/[a-zA-Z0-9_.]+|(projects|organizations)\/[^/]+\/roles\/[a-zA-Z0-9_.]+)$/.test(role), ["iam", role], role, "is not an IAM role name (roles/<name>, projects/<p>/roles/<name> or organizations/<o>/roles/<name>)"),
    ...members.flatMap((m, i) => unless(!known(m) || MEMBER_PATTERN.test(m), ["iam", role, i], m, "must be group:, user: or serviceAccount: followed by an e-mail address")),
  ]);
}
