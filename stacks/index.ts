import { App } from "cdktf";
import { EnvironmentConfig } from "../src/config";
import { DevStack } from "./dev-stack";
import { GcpStack } from "./gcp-stack";

export { DevStack } from "./dev-stack";
export { GcpStack } from "./gcp-stack";

/** Adds one stack per environment; the stack id is the environment name (`cdktf deploy staging`). */
export function addEnvironmentStacks(app: App, configs: readonly EnvironmentConfig[]): void {
  for (const config of configs) {
    if (config.target === "docker") new DevStack(app, config.name, { config });
    else new GcpStack(app, config.name, { config });
  }
}
