/**
 * Prints an environment's port plan: `npm run ports -- <env> [--markdown]`.
 * Exit codes: 0 the plan, 1 a conflict or an invalid config (the message names both claimants), 2 usage.
 */
import { App, TerraformStack } from "cdktf";
import * as os from "node:os";
import { ParallelPlatform } from "../src/platform";
import { platformProps } from "../stacks/platform-props";
import { cliEnvironment } from "./lib/environment";

export function ports(argv: readonly string[]): number {
  const env = argv.find((a) => !a.startsWith("--"));
  const markdown = argv.includes("--markdown");
  const config = cliEnvironment(env, "npm run ports -- <env> [--markdown]");
  if (typeof config === "number") return config;
  let platform: ParallelPlatform;
  try {
    platform = new ParallelPlatform(new TerraformStack(new App({ outdir: os.tmpdir() }), config.name), "platform", platformProps(config));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  }
  if (!markdown) {
    const legacy = Object.entries(config.legacy.reservedPorts).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(`Port plan for ${config.name} (strategy ${config.platform.ports.strategy}; legacy reserves ${legacy}; avoided: ${config.platform.ports.avoid.join(", ") || "none"})\n`);
  }
  process.stdout.write(platform.formatPlan(markdown));
  return 0;
}

if (require.main === module) process.exitCode = ports(process.argv.slice(2));
