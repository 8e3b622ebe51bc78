import type { ITerraformDependable } from "cdktf";
import { EnvironmentConfig } from "../src/config";
import type { FrontDoor } from "../src/edge";
import { ParallelPlatformProps } from "../src/platform";

/** ParallelPlatform props from an environment's config: Docker for `dev`, Kubernetes for the cloud. */
export function platformProps(config: EnvironmentConfig, dependsOn: ITerraformDependable[] = [], frontDoor?: FrontDoor): ParallelPlatformProps {
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
            // Behind the front door: its NodePort, and X-Forwarded-* believed from its front ends and address only.
            ...(frontDoor ? { routerNodePort: frontDoor.nodePort, trustedProxies: frontDoor.trustedProxyRanges, trustedProxyAddresses: [frontDoor.address] } : {}),
          },
    labels: config.labels,
  };
}
