/**
 * Prints who gets which concrete grants where: `npm run access -- <env>`.
 * The grants come from `planAccess`, the same plan `AccessMatrix` synthesizes.
 */
import { AccessPlan, KUBERNETES_AREAS, KubernetesArea, planAccess } from "../src/access";
import { GcpEnvironmentConfig } from "../src/config";
import { accessWorkloads } from "../stacks/gcp-stack";
import { cliEnvironment } from "./lib/environment";

/** The plan for a cloud environment, from its config: what `GcpStack` passes to `AccessMatrix`, with names instead of references. */
export function environmentAccessPlan(config: GcpEnvironmentConfig): AccessPlan {
  return planAccess({
    project: config.gcp.project,
    roles: config.access.roles,
    workloads: accessWorkloads(config),
    namespaces: Object.fromEntries(KUBERNETES_AREAS.map((a) => [a, config.platform.namespace])) as Record<KubernetesArea, string>,
    databaseInstances: databaseInstances(config),
  });
}

/** The environment's Cloud SQL instances. CloudSqlDb names its replica <name>-replica; test/access checks this against the synthesized stack. */
export function databaseInstances(config: GcpEnvironmentConfig): string[] {
  const db = config.database.name;
  return config.database.readReplica ? [db, `${db}-replica`] : [db];
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function main(argv: string[]): number {
  const config = cliEnvironment(argv[0], "npm run access -- <env>");
  if (typeof config === "number") return config;
  if (config.target !== "gcp") {
    console.log(`${config.name} runs on one Docker host: it has no IAM or RBAC, so no access table applies (the table is in the cloud environments).`);
    return 0;
  }
  const plan = environmentAccessPlan(config);
  const out: string[] = [];
  out.push(`Effective access for ${config.name} (project ${config.gcp.project}, namespace ${config.platform.namespace})`, "");
  out.push(
    table(
      ["role", "members", "area", "level", "project IAM", "Kubernetes RBAC"],
      plan.rows.map((r) => [r.role, r.members.join(", "), r.area, r.level, r.iam.join(", ") || "-", r.kubernetes.join(", ") || "-"]),
    ),
  );
  out.push("", "Kubernetes Roles (never Secrets, never a wildcard):");
  for (const r of Object.values(plan.roles)) {
    out.push(`  ${r.name} in ${r.namespace}`);
    for (const rule of r.rules) {
      const group = rule.apiGroups[0] === "" ? "core" : rule.apiGroups[0];
      out.push(`    ${rule.verbs.join("/")} ${group}: ${rule.resources.join(", ")}${rule.resourceNames ? ` named ${rule.resourceNames.join(", ")}` : ""}`);
    }
  }
  out.push("", "Project IAM, role -> members (additive google_project_iam_member; primitive roles never):");
  for (const [role, members] of Object.entries(plan.iam)) out.push(`  ${role}: ${members.join(", ")}`);
  for (const [role, members] of Object.entries(plan.databaseIam)) out.push(`  ${role}*: ${members.join(", ")}`);
  if (Object.keys(plan.databaseIam).length > 0) out.push(`  * only on Cloud SQL instances ${databaseInstances(config).join(", ")} (IAM condition)`);
  for (const w of plan.warnings) out.push(`warning: ${w}`);
  console.log(out.join("\n"));
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
