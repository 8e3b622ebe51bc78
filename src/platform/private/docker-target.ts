import { Container } from "@cdktf/provider-docker/lib/container";
import { DataDockerNetwork } from "@cdktf/provider-docker/lib/data-docker-network";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Construct } from "constructs";
import type { ParallelPlatformProps } from "../options";
import type { PlatformPlan, ResolvedService } from "../plan";
import { ROUTER_HEALTH_PATH } from "../router-config";
import { ROUTER_CONTAINER_PORT } from "../router-defaults";

/** Where the router reads its nginx.conf (the config volume, read-only). */
export const ROUTER_CONFIG_DIR = "/etc/tandem";
const CONFIG_ENV = "TANDEM_NGINX_CONF";

/** The writer: check the new config with nginx itself, then swap it in with one rename. */
const WRITE_ROUTER_CONFIG = [
  "set -e",
  "umask 022",
  `printf '%s' "$${CONFIG_ENV}" > /config/.nginx.conf.new`,
  // user root: nginx -t as uid 0 would otherwise chown its temp dirs to nobody, which needs a capability.
  `nginx -e stderr -t -q -c /config/.nginx.conf.new -g 'user root;'`,
  "mv -f /config/.nginx.conf.new /config/nginx.conf",
].join("\n");

/**
 * The router: wait for the config, run nginx, and reload it when the file changes (after nginx -t accepts the new
 * one; a rejected config keeps the running one and says so). SIGTERM stops nginx gracefully.
 */
const RUN_ROUTER = [
  `c=${ROUTER_CONFIG_DIR}/nginx.conf`,
  "i=0",
  'until [ -s "$c" ]; do i=$((i+1)); if [ "$i" -gt 600 ]; then echo "tandem: no router config at $c" >&2; exit 1; fi; sleep 0.1; done',
  'nginx -e stderr -c "$c" -g "daemon off;" & pid=$!',
  "trap 'kill -QUIT $pid; wait $pid; exit 0' TERM INT",
  'last=$(md5sum "$c")',
  'while kill -0 "$pid" 2>/dev/null; do',
  "  sleep 1 & wait $!",
  '  now=$(md5sum "$c")',
  '  if [ "$now" != "$last" ]; then',
  '    last=$now',
  '    if nginx -e stderr -t -q -c "$c"; then nginx -e stderr -s reload -c "$c" && echo "tandem: router config reloaded" >&2; else echo "tandem: new router config rejected; the running one stays" >&2; fi',
  "  fi",
  "done",
  'wait "$pid"',
].join("\n");

/** Memory limit without swap (Docker would otherwise allow as much swap again, and report it as drift). */
function memoryLimit(mb: number): { memory: number; memorySwap: number } {
  return { memory: mb, memorySwap: mb };
}

/** CPU limit as a CFS quota, what `--cpus` sets (the provider's own `cpus` attribute crashes 3.6.2: kreuzwerker#759). */
function cpuLimit(millis: number): { cpuPeriod: number; cpuQuota: number } {
  return { cpuPeriod: 100000, cpuQuota: millis * 100 };
}

export interface TargetProps {
  readonly props: ParallelPlatformProps;
  /** Names, ports, addresses and resolved specs of every service. */
  readonly plan: PlatformPlan;
  readonly routerConfig: string;
  readonly routerConfigHash: string;
}

/**
 * Scratch space on a read-only root: /tmp plus the service's writable paths, each a tmpfs. A writable path belongs to
 * the service's user: Docker mounts a tmpfs owned by root, with the mode of the image's directory there (0755 for
 * prom/prometheus' /prometheus and redis' /data), which the non-root service could not write to.
 */
function tmpfsFor(s: Pick<ResolvedService, "writablePaths" | "runAsUser">): Record<string, string> {
  const mounts: Record<string, string> = { "/tmp": "rw,noexec,nosuid,size=64m" };
  const uid = s.runAsUser;
  for (const path of s.writablePaths) mounts[path] = `rw,nosuid,size=256m,uid=${uid},gid=${uid}`;
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
  /** Holds the router's nginx.conf. */
  readonly routerConfigVolume: Volume;
  /** Writes the current nginx.conf into the volume (replaced, not the router, when the config changes). */
  readonly routerConfigWriter: Container;

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

    for (const { name, workloadName, port, spec: s } of Object.values(t.plan.services)) {
      const networks = [{ name: this.network.name, aliases: [name] }];
      if (s.bridgeToLegacy && this.legacyNetwork) networks.push({ name: this.legacyNetwork.name, aliases: [] });
      this.containers[name] = new Container(this, `svc-${name}`, {
        name: workloadName,
        image: image(s.image).imageId,
        restart: "unless-stopped",
        user: `${s.runAsUser}:${s.runAsUser}`,
        readOnly: true,
        tmpfs: tmpfsFor(s),
        securityOpts: ["no-new-privileges:true"],
        capabilities: { drop: ["ALL"] },
        ...memoryLimit(s.memoryMb),
        ...cpuLimit(s.cpuMillis),
        // No phase here: a phase change must not replace the services (the router tells each request its phase).
        env: Object.entries({
          ...s.env,
          PORT: String(s.containerPort),
          // The legacy container by its name on the legacy network (localhost would be this container).
          ...(s.bridgeToLegacy ? { LEGACY_URL: t.plan.legacy.url, MIGRATION_MODE: "parallel" } : {}),
        }).map(([k, v]) => `${k}=${v}`),
        ports: [{ internal: s.containerPort, external: port, ip: s.public ? "0.0.0.0" : "127.0.0.1", protocol: "tcp" }],
        healthcheck: {
          test: s.healthCommand ? ["CMD", ...s.healthCommand] : ["CMD-SHELL", `wget -q -O /dev/null http://127.0.0.1:${s.containerPort}${s.healthPath} || exit 1`],
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
    const router = t.plan.router;
    const routerImage = image(router.spec.image).imageId;
    // The router's config lives on a volume of its own, so that a phase change rewrites the file and the running
    // router reloads it (no restart, no dropped request) while its root filesystem stays read-only. Docker cannot
    // change a file inside a container in place, and every container attribute that could carry it forces a new one.
    this.routerConfigVolume = new Volume(this, "router-config", { name: `${router.workloadName}-config`, labels });
    // A one-shot writer per config version (its name carries the hash): writes the file atomically after nginx -t
    // accepted it. It runs as uid 0 (a new volume belongs to root) with no capability, no network and a read-only root.
    this.routerConfigWriter = new Container(this, "router-config-writer", {
      name: `${router.workloadName}-config-${t.routerConfigHash.slice(0, 12)}`,
      image: routerImage,
      user: "0:0",
      mustRun: false,
      restart: "no",
      networkMode: "none",
      readOnly: true,
      tmpfs: { "/tmp": "rw,noexec,nosuid,size=16m" },
      securityOpts: ["no-new-privileges:true"],
      capabilities: { drop: ["ALL"] },
      ...memoryLimit(64),
      env: [`${CONFIG_ENV}=${t.routerConfig}`],
      command: ["sh", "-c", WRITE_ROUTER_CONFIG],
      volumes: [{ volumeName: this.routerConfigVolume.name, containerPath: "/config" }],
      labels: [...labels, { label: "tandem.service", value: "router-config" }, { label: "tandem.config-hash", value: t.routerConfigHash }],
    });
    this.router = new Container(this, "router", {
      name: router.workloadName,
      image: routerImage,
      restart: "unless-stopped",
      user: `${router.spec.runAsUser}:${router.spec.runAsUser}`,
      dependsOn: [this.routerConfigWriter],
      readOnly: true,
      tmpfs: { "/tmp": "rw,noexec,nosuid,size=64m" },
      securityOpts: ["no-new-privileges:true"],
      capabilities: { drop: ["ALL"] },
      ...memoryLimit(128),
      ...cpuLimit(500),
      command: ["sh", "-c", RUN_ROUTER],
      volumes: [{ volumeName: this.routerConfigVolume.name, containerPath: ROUTER_CONFIG_DIR, readOnly: true }],
      ports: [{ internal: ROUTER_CONTAINER_PORT, external: router.port, ip: "127.0.0.1", protocol: "tcp" }],
      healthcheck: { test: ["CMD-SHELL", `wget -q -O /dev/null http://127.0.0.1:${ROUTER_CONTAINER_PORT}${ROUTER_HEALTH_PATH} || exit 1`], interval: "10s", timeout: "3s", retries: 3 },
      networksAdvanced: routerNetworks,
      labels: [...labels, { label: "tandem.service", value: "router" }],
    });
  }
}
