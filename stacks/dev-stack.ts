import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Aspects, LocalBackend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { TERRAFORM_REQUIRED_VERSION } from "../src/database";
import { DockerEnvironmentConfig } from "../src/config";
import { ParallelPlatform } from "../src/platform";
import { DeployReadiness } from "../src/policy";
import { platformProps } from "./platform-props";

/** Props for {@link DevStack}. */
export interface DevStackProps {
  readonly config: DockerEnvironmentConfig;
}

/**
 * `dev`: one machine with Docker. The new platform's containers run next to the legacy
 * containers; the legacy containers are never declared here, so Terraform can never change them.
 */
export class DevStack extends TerraformStack {
  readonly platform: ParallelPlatform;

  constructor(scope: Construct, id: string, props: DevStackProps) {
    super(scope, id);
    // Every stack runs on the Terraform the tier checks with (write-only attributes need 1.11).
    this.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);
    const { config } = props;
    if (config.state.backend === "local") {
      // Terraform runs in cdktf.out/stacks/<id>; keep the state file at the project root, portable across machines.
      new LocalBackend(this, { path: `../../../${config.state.path}` });
    }
    // Without a host in config, the provider does what the docker CLI does: DOCKER_HOST, else the local socket.
    new DockerProvider(this, "docker", config.docker?.host ? { host: config.docker.host } : {});
    this.platform = new ParallelPlatform(this, "platform", platformProps(config));
    Aspects.of(this).add(new DeployReadiness());
  }
}
