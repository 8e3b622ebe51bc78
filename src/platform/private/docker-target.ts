import { Container } from "@cdktf/provider-docker/lib/container";
import { DataDockerNetwork } from "@cdktf/provider-docker/lib/data-docker-network";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Construct } from "constructs";
import type { LegacyEndpoint, ParallelPlatformProps, PlatformService } from "../parallel-platform";
import { DEFAULT_RUN_AS_USER } from "../pod-security";
import { DEFAULT_ROUTER_IMAGE, ROUTER_CONTAINER_PORT, ROUTER_RUN_AS_USER } from "../router-defaults";

export interface TargetProps {
  readonly props: ParallelPlatformProps;
  readonly port: (service: string) => number;
  readonly legacy: LegacyEndpoint;
  readonly routerConfig: string;
  readonly routerConfigHash: string;
  readonly routerPort: number;
}

/** Scratch space on a read-only root: /tmp plus the service's writable paths, each a tmpfs. */
function tmpfsFor(s: Pick<PlatformService, "writablePaths">): Record<string, string> {
  const mounts: Record<string, string> = { "/tmp": "rw,noexec,nosuid,size=64m" };
  for (const path of s.writablePaths ?? []) mounts[path] = "rw,nosuid,size=256m";
  return mounts;
}

/**
 * Docker target (dev): a bridge network of the new platform's own, the legacy network joined by name only
 * for bridge services and the router, one hardened container per service, and the router container.
 * The legacy containers are never declared, so Terraform can never change or remove them.
 */
export class DockerTarget extends Construct {
  readonly network: Network;
  readonly legacyNetwork?: DataDockerNetwork;
  readonly containers: Record<string, Container> = {};
  readonly router: Container;

  constructor(scope: Construct, id: string, t: TargetProps) {
    super(scope, id);
    const { props } = t;
    const labels = Object.entries({ ...(props.labels ?? {}), "tandem.platform": props.name }).map(([label, value]) => ({ label, value }));
    this.network = new Network(this, "network", { name: props.name, driver: "bridge", labels });
    if (props.legacy.dockerNetwork) {
      this.legacyNetwork = new DataDockerNetwork(this, "legacy-network", { name: props.legacy.dockerNetwork });
    }
    const images: Record<string, Image> = {};
    // One image resource per distinct image, keyed by its name so ids stay stable.
    const image = (name: string) => (images[name] ??= new Image(this, `image-${name.replace(/[^a-z0-9]+/gi, "-")}`, { name, keepLocally: true }));

    for (const [name, s] of Object.entries(props.services)) {
      const networks = [{ name: this.network.name, aliases: [name] }];
      if (s.bridgeToLegacy && this.legacyNetwork) networks.push({ name: this.legacyNetwork.name, aliases: [] });
      this.containers[name] = new Container(this, `svc-${name}`, {
        name: `${props.name}-${name}`,
        image: image(s.image).imageId,
        restart: "unless-stopped",
        user: `${s.runAsUser ?? DEFAULT_RUN_AS_USER}:${s.runAsUser ?? DEFAULT_RUN_AS_USER}`,
        readOnly: true,
        tmpfs: tmpfsFor(s),
        securityOpts: ["no-new-privileges:true"],
        capabilities: { drop: ["ALL"] },
        memory: s.memoryMb ?? 512,
        cpus: String((s.cpuMillis ?? 500) / 1000),
        env: Object.entries({
          ...(s.env ?? {}),
          PORT: String(s.containerPort),
          // The legacy container by its name on the legacy network (localhost would be this container).
          ...(s.bridgeToLegacy ? { LEGACY_URL: t.legacy.url, MIGRATION_MODE: "parallel", MIGRATION_PHASE: props.router.phase } : {}),
        }).map(([k, v]) => `${k}=${v}`),
        ports: [{ internal: s.containerPort, external: t.port(name), ip: s.public ? "0.0.0.0" : "127.0.0.1", protocol: "tcp" }],
        healthcheck: {
          test: s.healthCommand ? ["CMD", ...s.healthCommand] : ["CMD-SHELL", `wget -q -O /dev/null http://127.0.0.1:${s.containerPort}${s.healthPath ?? "/health"} || exit 1`],
          interval: "10s",
          timeout: "3s",
          retries: 3,
          startPeriod: "20s",
        },
        networksAdvanced: networks,
        labels: [...labels, { label: "tandem.service", value: name }],
      });
    }

    const routerNetworks = [{ name: this.network.name, aliases: ["router"] }];
    if (this.legacyNetwork) routerNetworks.push({ name: this.legacyNetwork.name, aliases: [] });
    // nginx resolves upstream names when it starts, so the services' containers must exist first.
    // A phase change replaces this container (Docker cannot change an uploaded file in place): a few seconds
    // without the router on dev; the Kubernetes target rolls instead.
    this.router = new Container(this, "router", {
      name: `${props.name}-router`,
      image: image(props.router.image ?? DEFAULT_ROUTER_IMAGE).imageId,
      restart: "unless-stopped",
      user: `${props.router.runAsUser ?? ROUTER_RUN_AS_USER}:${props.router.runAsUser ?? ROUTER_RUN_AS_USER}`,
      dependsOn: Object.values(this.containers),
      readOnly: true,
      tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
      securityOpts: ["no-new-privileges:true"],
      capabilities: { drop: ["ALL"] },
      memory: 128,
      upload: [{ file: "/etc/nginx/nginx.conf", content: t.routerConfig }],
      ports: [{ internal: ROUTER_CONTAINER_PORT, external: t.routerPort, ip: "127.0.0.1", protocol: "tcp" }],
      healthcheck: { test: ["CMD-SHELL", `wget -q -O /dev/null http://127.0.0.1:${ROUTER_CONTAINER_PORT}/tandem/health/router || exit 1`], interval: "10s", timeout: "3s", retries: 3 },
      networksAdvanced: routerNetworks,
      labels: [...labels, { label: "tandem.service", value: "router" }, { label: "tandem.config-hash", value: t.routerConfigHash }],
    });
  }
}
