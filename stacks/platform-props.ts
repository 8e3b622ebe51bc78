import type { ITerraformDependable } from "cdktf";
import { EnvironmentConfig } from "../src/config";
import { ParallelPlatformProps } from "../src/platform";

/** ParallelPlatform props from an environment's config: Docker for `dev`, Kubernetes for the cloud. */
export function platformProps(config: EnvironmentConfig, dependsOn: ITerraformDependable[] = []): ParallelPlatformProps {
  return {
    ...config.platform,
    legacy: config.legacy,
    target:
      config.target === "docker"
        ? { kind: "docker" }
        : {
            kind: "kubernetes",
            dependsOn,
            // Workloads may reach Cloud SQL and Memorystore, nothing else in the VPC.
            egressCidrs: Object.values(config.network.privateServiceRanges),
          },
    labels: config.labels,
  };
}
