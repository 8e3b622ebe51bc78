import { TerraformStack } from "cdktf";
import { Network, NetworkProps } from "../../src/network";

/** A valid network for construct tests; override any prop. */
export function testNetwork(stack: TerraformStack, overrides: Partial<NetworkProps> = {}): Network {
  return new Network(stack, "network", {
    project: "p-test",
    region: "europe-west1",
    name: "vpc",
    primaryCidr: "10.10.0.0/20",
    podsCidr: "10.20.0.0/14",
    servicesCidr: "10.24.0.0/20",
    privateServiceRanges: { sql: "10.30.0.0/20", redis: "10.31.0.0/24" },
    ...overrides,
  });
}
