import { App } from "cdktf";
import { EnvironmentConfig } from "../src/config";
import { DevStack } from "./dev-stack";
import { BootstrapStack } from "./bootstrap-stack";
import { GcpStack } from "./gcp-stack";

export { BootstrapStack, BOOTSTRAP_OUTPUTS } from "./bootstrap-stack";
export { DevStack } from "./dev-stack";
export { GcpStack } from "./gcp-stack";

/**
 * Adds one stack per environment; the stack id is the environment name (`cdktf deploy staging`). Each cloud
 * environment also gets `<env>-bootstrap` (state bucket and CI identities, run once before the first deploy).
 */
export function addEnvironmentStacks(app: App, configs: readonly EnvironmentConfig[]): void {
  for (const config of configs) {
    if (config.target === "docker") new DevStack(app, config.name, { config });
    else new BootstrapStack(app, `${config.name}-bootstrap`, { config, deploys: new GcpStack(app, config.name, { config }) });
  }
}
