/**
 * Prints who gets which concrete grants where: `npm run access -- <env>`.
 */
import { effectiveGrants } from "../src/access";
import { cliEnvironment } from "./lib/environment";
import { accessWorkloads } from "../stacks/gcp-stack";

function main(argv: string[]): number {
  const config = cliEnvironment(argv[0], "npm run access -- <env>");
  if (typeof config === "number") return config;
  const env = config.name;
  if (config.target !== "gcp") {
    console.error(`${env} runs on one Docker host: there is no IAM or RBAC to grant; the access table applies to cloud environments.`);
    return 2;
  }
  const ns = config.platform.namespace;
  const rows = effectiveGrants(config.access.roles, accessWorkloads(config), ns).map((g) => [
    g.role,
    g.member,
    g.area,
    g.level,
    g.iam.join(", ") || "-",
    g.kubernetes.join("; ") || "-",
  ]);
  const header = ["role", "member", "area", "level", `IAM on project ${config.gcp.project}`, "Kubernetes RBAC"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  console.log(`Effective access for ${env} (namespace ${ns}); every IAM grant is additive (google_project_iam_member)\n`);
  console.log([line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
