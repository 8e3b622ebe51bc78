import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Aspects, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Bootstrap } from "../src/bootstrap";
import { GcpEnvironmentConfig } from "../src/config";
import { TERRAFORM_REQUIRED_VERSION } from "../src/database";
import { DeployReadiness } from "../src/policy";
import { EnableApis } from "../src/project/apis";

/** Props for {@link BootstrapStack}. */
export interface BootstrapStackProps {
  readonly config: GcpEnvironmentConfig;
  /** The environment's stack: the deployer's roles come from it. */
  readonly deploys: TerraformStack;
}

/** What `terraform output` of a bootstrap stack gives the workflows (repository variables). */
export const BOOTSTRAP_OUTPUTS = {
  stateBucket: "state_bucket",
  workloadIdentityProvider: "workload_identity_provider",
  planner: "planner_service_account",
  deployer: "deployer_service_account",
} as const;

/**
 * `<env>-bootstrap`: run once per cloud environment, by a person, before the environment's first deploy. Its state
 * is local (the bucket it creates cannot hold the state of its own creation): `bootstrap/<env>.tfstate`, which the
 * README says how to keep.
 */
export class BootstrapStack extends TerraformStack {
  readonly bootstrap: Bootstrap;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    this.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);
    const { config } = props;
    const { project, region } = config.gcp;
    if (config.state.backend !== "gcs") throw new Error(`${id}: a bootstrap stack creates the GCS state bucket; state.backend is "${config.state.backend}"`);
    // Terraform runs in cdktf.out/stacks/<id>: the state lives at the project root, where a synth never touches it.
    new LocalBackend(this, { path: `../../../bootstrap/${config.name}.tfstate` });
    new GoogleProvider(this, "google", { project, region, defaultLabels: config.labels });
    Aspects.of(this).add(new EnableApis({ project }));
    Aspects.of(this).add(new DeployReadiness());

    this.bootstrap = new Bootstrap(this, "bootstrap", { ...config.ci, environment: config.name, project, region, stateBucket: config.state.bucket, deploys: props.deploys, labels: config.labels });

    const b = this.bootstrap;
    new TerraformOutput(this, BOOTSTRAP_OUTPUTS.stateBucket, { value: b.stateBucket.name, description: "The environment stack's GCS backend bucket" });
    new TerraformOutput(this, BOOTSTRAP_OUTPUTS.workloadIdentityProvider, { value: b.workloadIdentityProvider, description: "google-github-actions/auth workload_identity_provider" });
    new TerraformOutput(this, BOOTSTRAP_OUTPUTS.planner, { value: b.planner.email, description: "The PR preview's planner (read-only), for the <env>-plan GitHub environment" });
    new TerraformOutput(this, BOOTSTRAP_OUTPUTS.deployer, { value: b.deployer.email, description: "The deployer, for the <env> GitHub environment" });
  }
}
