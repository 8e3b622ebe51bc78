/**
 * Prints who gets which concrete grants where: `npm run access -- <env>`.
 */
import { environments } from "../environments";
import { effectiveGrants } from "../src/access";
import { ConfigError, loadEnvironment } from "../src/config";
import { accessWorkloads } from "../stacks/gcp-stack";

function main(argv: string[]): number {
  const env = argv[0];
  if (!env || !(env in environments)) {
    console.error(`usage: npm run access -- <${Object.keys(environments).join("|")}>`);
    return 2;
  }
  let config;
  try {
    config = loadEnvironment(env, environments[env as keyof typeof environments]);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
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
