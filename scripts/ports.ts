/**
 * Prints an environment's port plan: `npm run ports -- <env> [--markdown]`. Exits 1 on a conflict.
 */
import { App, TerraformStack } from "cdktf";
import * as os from "node:os";
import { environments } from "../environments";
import { ConfigError, loadEnvironment } from "../src/config";
import { ParallelPlatform } from "../src/platform";

function main(argv: string[]): number {
  const env = argv.find((a) => !a.startsWith("--"));
  const markdown = argv.includes("--markdown");
  if (!env || !(env in environments)) {
    console.error(`usage: npm run ports -- <${Object.keys(environments).join("|")}> [--markdown]`);
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
  const stack = new TerraformStack(new App({ outdir: os.tmpdir() }), env);
  const platform = new ParallelPlatform(stack, "platform", {
    name: config.platform.name,
    legacy: config.legacy,
    services: config.platform.services,
    ports: config.platform.ports,
    router: config.platform.router,
    target: config.target === "docker" ? { kind: "docker" } : { kind: "kubernetes", namespace: config.platform.namespace },
  });
  if (!markdown) console.log(`Port plan for ${env} (strategy ${config.platform.ports.strategy}; legacy reserves ${Object.entries(config.legacy.reservedPorts).map(([k, v]) => `${k} ${v}`).join(", ")})\n`);
  process.stdout.write(platform.formatPlan(markdown));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
