import { environments } from "../../environments";
import { ConfigError, EnvironmentConfig, loadEnvironment } from "../../src/config";

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
