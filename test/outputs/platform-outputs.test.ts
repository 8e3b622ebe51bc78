import { Testing, TerraformOutput, TerraformStack } from "cdktf";
import { environments } from "../../environments";
import { loadEnvironment } from "../../src/config";
import { PLATFORM_OUTPUTS, PlatformOutputs } from "../../src/outputs";
import { addEnvironmentStacks } from "../../stacks";
import { TerraformJson } from "../helpers";

describe("PlatformOutputs", () => {
  test("reads the environment's GCS state with the default prefix", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "consumer");
    const platform = PlatformOutputs.fromRemoteState(stack, "platform", { environment: "staging", bucket: "tandem-tfstate-staging" });
    new TerraformOutput(stack, "db", { value: platform.databaseConnectionName });
    new TerraformOutput(stack, "port", { value: platform.cachePort });
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    const state = Object.values(json.data?.terraform_remote_state ?? {})[0];
    expect(state).toMatchObject({ backend: "gcs", config: { bucket: "tandem-tfstate-staging", prefix: "tandem/staging" } });
    expect(json.output?.db.value).toMatch(/^\$\{data\.terraform_remote_state\.platform_state_\w+\.outputs\.database_connection_name\}$/);
    expect(json.output?.port.value).toMatch(/outputs\.cache_port\}$/);
  });

  test("every output name it reads is published by the cloud stacks", () => {
    const app = Testing.app();
    addEnvironmentStacks(app, [loadEnvironment("staging", environments.staging)]);
    const staging = app.node.findChild("staging") as TerraformStack;
    const published = Object.keys((JSON.parse(Testing.synth(staging)) as TerraformJson).output ?? {});
    expect(published).toEqual(expect.arrayContaining(Object.values(PLATFORM_OUTPUTS)));
  });

  test("rejects an environment that is not a stack id", () => {
    const stack = new TerraformStack(Testing.app(), "consumer");
    expect(() => PlatformOutputs.fromRemoteState(stack, "platform", { environment: "Staging!", bucket: "b" })).toThrow(/environment is "Staging!"/);
  });
});
