/**
 * Prints an environment's port plan: `npm run ports -- <env> [--markdown]`. Exits 1 on a conflict.
 */
import { App, TerraformStack } from "cdktf";
import * as os from "node:os";
import { ParallelPlatform } from "../src/platform";
import { platformProps } from "../stacks/platform-props";
import { cliEnvironment } from "./lib/environment";

function main(argv: string[]): number {
  const env = argv.find((a) => !a.startsWith("--"));
  const markdown = argv.includes("--markdown");
  const config = cliEnvironment(env, "npm run ports -- <env> [--markdown]");
  if (typeof config === "number") return config;
  const platform = new ParallelPlatform(new TerraformStack(new App({ outdir: os.tmpdir() }), config.name), "platform", platformProps(config));
  if (!markdown) console.log(`Port plan for ${config.name} (strategy ${config.platform.ports.strategy}; legacy reserves ${Object.entries(config.legacy.reservedPorts).map(([k, v]) => `${k} ${v}`).join(", ")})\n`);
  process.stdout.write(platform.formatPlan(markdown));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
