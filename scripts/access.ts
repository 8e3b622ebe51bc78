/**
 * Prints who gets which concrete grants where: `npm run access -- <env>`.
 * The grants come from `planAccess`, the same plan `AccessMatrix` synthesizes.
 */
import { GcpStack } from "../stacks";
import { cliEnvironment, cliStack } from "./lib/environment";

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
  const stack = cliStack(config);
  if (typeof stack === "number") return stack;
  // The plan the stack's AccessMatrix synthesizes, with its real object names and instances.
  const plan = (stack as GcpStack).access.plan;
  const instances = (stack as GcpStack).database.instanceNames;
  const out: string[] = [];
  out.push(`Effective access for ${config.name} (project ${config.gcp.project}, namespace ${(stack as GcpStack).platform.plan.namespace})`, "");
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
  if (Object.keys(plan.databaseIam).length > 0) out.push(`  * only on Cloud SQL instances ${instances.join(", ")} (IAM condition)`);
  for (const w of plan.warnings) out.push(`warning: ${w}`);
  // Namespaces are references to the namespace resource (so RBAC is created after it); print the name it resolves to.
  const platform = (stack as GcpStack).platform;
  console.log(out.join("\n").split(platform.namespaceRef).join(platform.plan.namespace));
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
