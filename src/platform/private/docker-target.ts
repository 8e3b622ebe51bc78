import { Container } from "@cdktf/provider-docker/lib/container";
import { DataDockerNetwork } from "@cdktf/provider-docker/lib/data-docker-network";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Construct } from "constructs";
import { DEFAULT_RUN_AS_USER } from "../pod-security";
import type { ParallelPlatformProps } from "../parallel-platform";

export interface TargetProps {
  readonly props: ParallelPlatformProps;
  readonly port: (service: string) => number;
  readonly routerConfig: string;
  readonly routerConfigHash: string;
  readonly routerPort: number;
}

import { DEFAULT_ROUTER_IMAGE, ROUTER_CONTAINER_PORT } from "../router-defaults";

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
        tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
        securityOpts: ["no-new-privileges:true"],
        capabilities: { drop: ["ALL"] },
        memory: s.memoryMb ?? 512,
        cpus: String((s.cpuMillis ?? 500) / 1000),
        env: Object.entries({
          ...(s.env ?? {}),
          PORT: String(s.containerPort),
          ...(s.bridgeToLegacy ? { LEGACY_URL: props.legacy.baseUrl, MIGRATION_MODE: "parallel", MIGRATION_PHASE: props.router.phase } : {}),
        }).map(([k, v]) => `${k}=${v}`),
        ports: [{ internal: s.containerPort, external: t.port(name), ip: s.public ? "0.0.0.0" : "127.0.0.1", protocol: "tcp" }],
        healthcheck: {
          test: ["CMD-SHELL", `wget -q -O /dev/null http://127.0.0.1:${s.containerPort}${s.healthPath ?? "/health"} || exit 1`],
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
    this.router = new Container(this, "router", {
      name: `${props.name}-router`,
      image: image(props.router.image ?? DEFAULT_ROUTER_IMAGE).imageId,
      restart: "unless-stopped",
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
