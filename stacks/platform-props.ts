import type { ITerraformDependable } from "cdktf";
import { EnvironmentConfig } from "../src/config";
import { IConnectable } from "../src/connections";
import type { FrontDoor } from "../src/edge";
import { ParallelPlatformProps, WorkloadIdentity } from "../src/platform";

/** What the cloud stack wires into the platform's Kubernetes target: constructs, not ids rebuilt from config. */
export interface KubernetesWiring {
  /** What the namespace, and so every workload, waits for. */
  readonly dependsOn: ITerraformDependable[];
  /** What each service uses, by service name. */
  readonly connections: Readonly<Record<string, readonly IConnectable[]>>;
  readonly workloadIdentity: WorkloadIdentity;
  /** The front door the router sits behind, if any. */
  readonly frontDoor?: FrontDoor;
}

/** ParallelPlatform props from an environment's config: Docker for `dev`, Kubernetes for the cloud. */
export function platformProps(config: EnvironmentConfig, wiring?: KubernetesWiring): ParallelPlatformProps {
  const frontDoor = wiring?.frontDoor;
  return {
    ...config.platform,
    legacy: config.legacy,
    // Services reach DNS, each other, legacy when they bridge to it, and what they connect to: nothing hand-written.
    target:
      config.target === "docker"
        ? { kind: "docker" }
        : {
            kind: "kubernetes",
            dependsOn: wiring?.dependsOn ?? [],
            connections: wiring?.connections ?? {},
            workloadIdentity: wiring?.workloadIdentity,
            // Behind the front door: its NodePort, and X-Forwarded-* believed from its front ends and address only.
            ...(frontDoor ? { routerNodePort: frontDoor.nodePort, trustedProxies: frontDoor.trustedProxyRanges, trustedProxyAddresses: [frontDoor.address] } : {}),
          },
    labels: config.labels,
  };
}
