/**
 * Prints an environment's port plan: `npm run ports -- <env> [--markdown]`.
 * Exit codes: 0 the plan, 1 a conflict or an invalid config (the message names both claimants), 2 usage.
 */
import { PORT_DEFAULTS } from "../src/platform";
import { cliEnvironment, cliStack } from "./lib/environment";

export function ports(argv: readonly string[]): number {
  const env = argv.find((a) => !a.startsWith("--"));
  const markdown = argv.includes("--markdown");
  const config = cliEnvironment(env, "npm run ports -- <env> [--markdown]");
  if (typeof config === "number") return config;
  const stack = cliStack(config);
  if (typeof stack === "number") return stack;
  const platform = stack.platform;
  if (!markdown) {
    const legacy = Object.entries(config.legacy.reservedPorts).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(`Port plan for ${config.name} (strategy ${config.platform.ports.strategy}; legacy reserves ${legacy}; avoided: ${(config.platform.ports.avoid ?? PORT_DEFAULTS.avoid).join(", ") || "none"})\n`);
  }
  process.stdout.write(platform.formatPlan(markdown));
  return 0;
}

if (require.main === module) process.exitCode = ports(process.argv.slice(2));
