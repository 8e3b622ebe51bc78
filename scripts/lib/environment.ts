import { App } from "cdktf";
import * as os from "node:os";
import { environments } from "../../environments";
import { ConfigError, EnvironmentConfig, loadEnvironment } from "../../src/config";
import { addEnvironmentStacks, DevStack, GcpStack } from "../../stacks";

/**
 * The environment a CLI was asked about, validated; or the exit code after printing why not
 * (2: not an environment, 1: invalid config).
 */
export function cliEnvironment(name: string | undefined, usage: string): EnvironmentConfig | number {
  if (!name || !(name in environments)) {
    console.error(`usage: ${usage.replace("<env>", `<${Object.keys(environments).join("|")}>`)}`);
    return 2;
  }
  try {
    return loadEnvironment(name, environments[name as keyof typeof environments]);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    return 1;
  }
}

/**
 * The environment's stack, built exactly as the deploy builds it (not synthesized): CLIs read its constructs, so
 * what they print is what the stack creates. Exit code 1 after printing why when a construct refuses its props.
 */
export function cliStack(config: EnvironmentConfig): DevStack | GcpStack | number {
  const app = new App({ outdir: os.tmpdir(), stackTraces: false });
  try {
    addEnvironmentStacks(app, [config]);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  }
  return app.node.findChild(config.name) as DevStack | GcpStack;
}
