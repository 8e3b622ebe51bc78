import { EnvironmentConfig } from "../src/config";
import { ParallelPlatformProps } from "../src/platform";

/** ParallelPlatform props from an environment's config: Docker for `dev`, Kubernetes for the cloud. */
export function platformProps(config: EnvironmentConfig): ParallelPlatformProps {
  return {
    name: config.platform.name,
    legacy: config.legacy,
    services: config.platform.services,
    ports: config.platform.ports,
    router: config.platform.router,
    target:
      config.target === "docker"
        ? { kind: "docker" }
        : {
            kind: "kubernetes",
            namespace: config.platform.namespace,
            // Workloads may reach Cloud SQL and Memorystore, nothing else in the VPC.
            egressCidrs: [config.network.privateServiceAccessCidr, config.cache.reservedCidr],
          },
    labels: config.labels,
  };
}
