import { createHash } from "node:crypto";
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { formatPortPlan, PORT_CATEGORIES, PortCategory, PortConflictError, planPorts, portOf, PortPlan, PortStrategy } from "../ports";
import { platformPortRequests, ROUTER_SERVICE as ROUTER } from "./port-requests";
import { DockerTarget } from "./private/docker-target";
import { KubernetesTarget } from "./private/kubernetes-target";
import { healthPathProblem, MIGRATION_PHASES, MigrationPhase, NewRoute, renderRouterConfig, routePathProblem } from "./router-config";
import { DOCKER_DNS, KUBE_DNS, ROUTER_CONTAINER_PORT } from "./router-defaults";

/** The system being replaced. Tandem never declares, changes or removes its resources. */
export interface LegacySystem {
  readonly name: string;
  /** How users reach it today, e.g. `http://localhost:8000`. */
  readonly baseUrl: string;
  /** @default "/health" */
  readonly healthPath?: string;
  /** Ports it owns, keyed by use; never allocated to the new platform. */
  readonly reservedPorts: Record<string, number>;
  /** Docker network its containers are on (Docker target): joined by name, never managed. */
  readonly dockerNetwork?: string;
  /**
   * `host:port` of the legacy origin: where the router and the bridge services reach it. On Docker, the legacy
   * container's name on `dockerNetwork` (inside a container `localhost` is the container itself). In the cloud,
   * a name that keeps pointing at legacy when the public name (`baseUrl`) moves to the router.
   * @default - host and port of `baseUrl`
   */
  readonly upstream?: string;
  /** Verify legacy's TLS certificate (https `baseUrl`) against `trustedCertificate`. Turning it off must be explicit. @default true */
  readonly verifyTls?: boolean;
  /** CA bundle (a path in the router image) legacy's certificate is verified with. @default "/etc/ssl/certs/ca-certificates.crt" */
  readonly trustedCertificate?: string;
}

/** One service of the new platform. Keyed by name in {@link ParallelPlatformProps.services}. */
export interface PlatformService {
  /** Image pinned by tag or digest (`:latest` is refused). */
  readonly image: string;
  readonly category: PortCategory;
  /** Port the process listens on inside the container. */
  readonly containerPort: number;
  /** Pin the published port instead of deriving it from the name. @default - derived (see `planPorts`) */
  readonly port?: number;
  /** @default {} */
  readonly env?: Record<string, string>;
  /** HTTP health path, probed on `containerPort`. @default "/health" */
  readonly healthPath?: string;
  /**
   * A command that exits 0 when healthy, for services that do not speak HTTP (`["redis-cli", "ping"]`).
   * Replaces the HTTP check (Docker health check; Kubernetes exec probes).
   * @default - an HTTP GET of `healthPath`
   */
  readonly healthCommand?: readonly string[];
  /**
   * Absolute paths the process must write to, e.g. `/data`: a tmpfs on Docker and an emptyDir on Kubernetes, so
   * the root filesystem stays read-only. Scratch space only: it does not survive a restart.
   * @default - only /tmp
   */
  readonly writablePaths?: readonly string[];
  /** CPU limit in millicores. @default 500 */
  readonly cpuMillis?: number;
  /** Memory limit in MiB. @default 512 */
  readonly memoryMb?: number;
  /** Kubernetes replicas (Docker runs one container). @default 2 */
  readonly replicas?: number;
  /** Joins the legacy network / may call the legacy system (the migration bridge). @default false */
  readonly bridgeToLegacy?: boolean;
  /** Docker: publish on all host addresses instead of 127.0.0.1. @default false */
  readonly public?: boolean;
  /** Path prefix routed to this service in the `path` phase, e.g. `/api/v2/`. @default - none */
  readonly routePath?: string;
  /** The new platform's entry: `/`, `/v2/` and `new.<domain>` go here. Exactly one service sets it. @default false */
  readonly entry?: boolean;
  /** UID the image runs as (non-root). @default 10001 */
  readonly runAsUser?: number;
}

/** The migration router. */
export interface RouterSpec {
  /** Base domain: `new.<domain>` is the new platform in every phase. */
  readonly domain: string;
  readonly phase: MigrationPhase;
  /** Share of clients on the new platform in the `weighted` phase. @default 0 */
  readonly weightPercent?: number;
  /** Published port (checked by the port plan like any service). @default - derived in the `public` category */
  readonly port?: number;
  /** @default "nginxinc/nginx-unprivileged:1.27.3-alpine" */
  readonly image?: string;
  /** Kubernetes replicas. @default 2 */
  readonly replicas?: number;
  /** UID the router image runs as (non-root). @default 101 (nginx in the unprivileged image) */
  readonly runAsUser?: number;
}

/** Where the new platform runs. */
export type PlatformTarget =
  | { readonly kind: "docker" }
  | {
      readonly kind: "kubernetes";
      readonly namespace: string;
      /** CIDRs services may reach besides each other and DNS (e.g. the Cloud SQL and Redis ranges). @default [] */
      readonly egressCidrs?: string[];
      /** CIDRs the legacy system lives in (router and bridge services may reach them). @default ["0.0.0.0/0"] */
      readonly legacyCidrs?: string[];
    };

/** Props for {@link ParallelPlatform}. */
export interface ParallelPlatformProps {
  /** Prefix for container, network and workload names. */
  readonly name: string;
  readonly legacy: LegacySystem;
  readonly services: Record<string, PlatformService>;
  readonly ports: { readonly strategy: PortStrategy; /** @default [9090] */ readonly avoid?: number[] };
  readonly router: RouterSpec;
  readonly target: PlatformTarget;
  /** @default {} */
  readonly labels?: Record<string, string>;
}


/**
 * The new platform next to the legacy one: a port plan that never touches a legacy port, the services on
 * Docker (dev) or Kubernetes (cloud), and an nginx migration router whose routing follows the migration phase.
 */
export class ParallelPlatform extends Construct {
  /** Every service's port, including the router's. */
  readonly portPlan: PortPlan;
  /** The generated nginx.conf. */
  readonly routerConfig: string;
  /** sha256 of the router config; a change rolls the router. */
  readonly routerConfigHash: string;
  /** The port the router is published on. */
  readonly routerPort: number;
  /** Kubernetes namespace (Kubernetes target). */
  readonly namespace?: string;
  /** Underlying resources of the chosen target (escape hatch). */
  readonly target: DockerTarget | KubernetesTarget;
  private readonly props: ParallelPlatformProps;

  constructor(scope: Construct, id: string, props: ParallelPlatformProps) {
    super(scope, id);
    this.props = props;
    this.validate(props);

    const requests = platformPortRequests(props.services, props.router);
    try {
      this.portPlan = planPorts({ strategy: props.ports.strategy, reserved: props.legacy.reservedPorts, avoid: props.ports.avoid ?? [9090], services: requests });
    } catch (e) {
      if (e instanceof PortConflictError) throw new Error(`${this.node.path}: ${e.message}`);
      throw e;
    }
    const port = (service: string) => portOf(this.portPlan, service);
    this.routerPort = port(ROUTER);

    const entry = Object.entries(props.services).find(([, s]) => s.entry)!;
    const k8s = props.target.kind === "kubernetes" ? props.target : undefined;
    // The name the router (and other services) reach a service by: the container on Docker, the Service in the cluster.
    const upstream = (name: string) => (k8s ? `${props.name}-${name}.${k8s.namespace}.svc.cluster.local:${port(name)}` : `${props.name}-${name}:${props.services[name].containerPort}`);
    const legacy = legacyEndpoint(props.legacy);
    this.checkLegacyOrigin(props, legacy);
    const routes: NewRoute[] = Object.entries(props.services)
      .filter(([, s]) => s.routePath)
      .map(([name, s]) => ({ path: s.routePath!, service: name, backends: [{ upstream: upstream(name), weightPercent: 100 }] }));
    this.routerConfig = renderRouterConfig({
      phase: props.router.phase,
      domain: props.router.domain,
      weightPercent: props.router.weightPercent,
      legacy: {
        // In the cluster the router reaches legacy through the `legacy` Service (ExternalName or EndpointSlice).
        upstream: k8s ? `legacy.${k8s.namespace}.svc.cluster.local:${legacy.port}` : `${legacy.host}:${legacy.port}`,
        tls: legacy.tls,
        serverName: legacy.serverName,
        verifyTls: props.legacy.verifyTls ?? true,
        trustedCertificate: props.legacy.trustedCertificate,
        healthPath: props.legacy.healthPath ?? "/health",
      },
      entry: { service: entry[0], backends: [{ upstream: upstream(entry[0]), weightPercent: 100 }], healthPath: entry[1].healthPath ?? "/health" },
      routes,
      // Docker's embedded DNS on user-defined networks; kube-dns in the cluster.
      resolver: k8s ? KUBE_DNS : DOCKER_DNS,
      listenPort: ROUTER_CONTAINER_PORT,
    });
    this.routerConfigHash = createHash("sha256").update(this.routerConfig).digest("hex");

    const common = { props, port, legacy, routerConfig: this.routerConfig, routerConfigHash: this.routerConfigHash, routerPort: this.routerPort };
    if (k8s) {
      this.namespace = k8s.namespace;
      this.target = new KubernetesTarget(this, "k8s", { ...common, namespace: k8s.namespace, egressCidrs: k8s.egressCidrs ?? [], legacyCidrs: k8s.legacyCidrs ?? ["0.0.0.0/0"] });
    } else {
      this.target = new DockerTarget(this, "docker", common);
    }
  }

  /**
   * Kubernetes target: the namespace name as a reference to the namespace resource, so that workloads
   * placed in it by other constructs are created after it.
   */
  get namespaceRef(): string {
    if (!(this.target instanceof KubernetesTarget)) throw new Error(`${this.node.path}: namespaceRef exists only on the Kubernetes target.`);
    return this.target.namespace.metadata.name;
  }

  /** Docker target: the host address a service's port is published on (127.0.0.1 unless marked public). */
  hostAddress(service: string): string {
    return this.props.services[service]?.public ? "0.0.0.0" : "127.0.0.1";
  }

  /** The port plan as a table (`npm run ports`). */
  formatPlan(markdown = false): string {
    const docker = this.target instanceof DockerTarget;
    const target = (service: string, port: number) =>
      docker ? `docker host ${this.hostAddress(service)}:${port}` : service === ROUTER ? "LoadBalancer :80 (port held in the plan)" : `ClusterIP :${port}`;
    return formatPortPlan(this.portPlan, (a) => target(a.service, a.port), markdown);
  }

  private validate(props: ParallelPlatformProps): void {
    const where = this.node.path;
    const fail = (message: string): never => {
      throw new Error(`${where}: ${message}`);
    };
    if (!/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/.test(props.name)) fail(`name is "${props.name}"; use a short lower-case DNS label (it prefixes container, network and workload names).`);
    const entries = Object.entries(props.services);
    if (entries.length === 0) fail("services is empty; the new platform needs at least one service.");
    const entryNames = entries.filter(([, s]) => s.entry).map(([n]) => n);
    if (entryNames.length !== 1) fail(`exactly one service must set entry: true (found ${entryNames.length ? entryNames.join(", ") : "none"}); it receives "/" and new.<domain>.`);
    if (ROUTER in props.services) fail(`services.router: "router" is the migration router's name; rename the service.`);
    const routeOwner = new Map<string, string>();
    for (const [name, s] of entries) {
      const at = `services.${name}`;
      if (!/^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$/.test(name)) fail(`${at}: names must be lower-case DNS labels (a-z, 0-9, '-').`);
      if (!(PORT_CATEGORIES as readonly string[]).includes(s.category)) fail(`${at}.category is "${s.category}"; use one of ${PORT_CATEGORIES.join(", ")}.`);
      if (!/^[^\s]+[:@][^\s]+$/.test(s.image) || /:latest$/.test(s.image)) fail(`${at}.image is "${s.image}"; pin a tag or digest (not :latest) so deploys are repeatable.`);
      if (!Number.isInteger(s.containerPort) || s.containerPort < 1 || s.containerPort > 65535) fail(`${at}.containerPort is ${s.containerPort}; use 1-65535.`);
      if (s.replicas !== undefined && (!Number.isInteger(s.replicas) || s.replicas < 1)) fail(`${at}.replicas is ${s.replicas}; use a whole number, 1 or more.`);
      if (s.cpuMillis !== undefined && !(s.cpuMillis >= 10)) fail(`${at}.cpuMillis is ${s.cpuMillis}; use 10 or more millicores.`);
      if (s.memoryMb !== undefined && !(Number.isInteger(s.memoryMb) && s.memoryMb >= 16)) fail(`${at}.memoryMb is ${s.memoryMb}; use a whole number of MiB, 16 or more.`);
      if (s.runAsUser !== undefined && !(Number.isInteger(s.runAsUser) && s.runAsUser >= 1)) fail(`${at}.runAsUser is ${s.runAsUser}; workloads never run as root (use a UID of 1 or more).`);
      const healthProblem = s.healthPath === undefined ? undefined : healthPathProblem(s.healthPath);
      if (healthProblem) fail(`${at}.healthPath is "${s.healthPath}"; it ${healthProblem}.`);
      if (s.healthCommand !== undefined && (s.healthCommand.length === 0 || s.healthCommand.some((c) => c.length === 0))) fail(`${at}.healthCommand is empty; give the command and its arguments, e.g. ["redis-cli", "ping"].`);
      for (const path of s.writablePaths ?? []) {
        if (!/^\/[A-Za-z0-9._\/-]+$/.test(path) || path.split("/").includes("..") || path === "/") fail(`${at}.writablePaths has "${path}"; use absolute paths below / without "..".`);
      }
      if (s.routePath !== undefined) {
        const problem = routePathProblem(s.routePath);
        if (problem) fail(`${at}.routePath is "${s.routePath}"; it ${problem}.`);
        const other = routeOwner.get(s.routePath);
        if (other) fail(`${at}.routePath "${s.routePath}" is also services.${other}.routePath; a path goes to one service.`);
        routeOwner.set(s.routePath, name);
      }
    }
    if (!(MIGRATION_PHASES as readonly string[]).includes(props.router.phase)) fail(`router.phase is "${props.router.phase}"; use one of ${MIGRATION_PHASES.join(", ")}.`);
    const w = props.router.weightPercent ?? 0;
    if (!(w >= 0 && w <= 100)) fail(`router.weightPercent is ${w}; use 0-100.`);
    const legacyHealth = props.legacy.healthPath === undefined ? undefined : healthPathProblem(props.legacy.healthPath);
    if (legacyHealth) fail(`legacy.healthPath is "${props.legacy.healthPath}"; it ${legacyHealth}.`);
    let base: URL | undefined;
    try {
      base = new URL(props.legacy.baseUrl);
    } catch {
      base = undefined;
    }
    if (!base || (base.protocol !== "http:" && base.protocol !== "https:")) fail(`legacy.baseUrl is "${props.legacy.baseUrl}"; use an http(s) URL such as http://localhost:8000.`);
    if (props.legacy.upstream !== undefined && !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(props.legacy.upstream)) fail(`legacy.upstream is "${props.legacy.upstream}"; use host:port.`);
    if (props.target.kind === "docker" && entries.some(([, s]) => s.bridgeToLegacy) && !props.legacy.dockerNetwork) {
      fail("a service sets bridgeToLegacy but legacy.dockerNetwork is not set; name the legacy Docker network to join.");
    }
  }

  /** The router must never reach "legacy" through a name that points at the router itself. */
  private checkLegacyOrigin(props: ParallelPlatformProps, legacy: LegacyEndpoint): void {
    const host = legacy.host.toLowerCase();
    const domain = props.router.domain.toLowerCase();
    if (host === `new.${domain}`) {
      throw new Error(`${this.node.path}: legacy is reached at ${host}, the new platform's own name; set legacy.upstream to the legacy origin.`);
    }
    if (props.target.kind === "docker" && ["localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"].includes(host)) {
      throw new Error(
        `${this.node.path}: legacy is reached at ${legacy.host}:${legacy.port}, but inside a container that is the container itself; set legacy.upstream to the legacy container's <name>:<port> on legacy.dockerNetwork (e.g. "netbox-docker-netbox-1:8080", the port inside the container, not the published one).`,
      );
    }
    if (props.legacy.upstream === undefined && (host === domain || host.endsWith(`.${domain}`))) {
      Annotations.of(this).addWarning(
        `legacy is reached at ${host} (from legacy.baseUrl), a name in the router's domain ${domain}. Once that name's DNS points at the router (the path phase on), the router would proxy to itself; set legacy.upstream to the legacy origin.`,
      );
    }
  }
}

/** Where the router and the bridge services reach legacy, derived from `upstream` and `baseUrl`. */
export interface LegacyEndpoint {
  readonly host: string;
  readonly port: number;
  /** Legacy speaks TLS (its base URL is https). */
  readonly tls: boolean;
  /** The name on legacy's certificate (SNI): the host of `baseUrl`. */
  readonly serverName: string;
  /** The URL bridge services call legacy at, before any target-specific aliasing. */
  readonly url: string;
}

/** Legacy's origin: `upstream` when set, else the host and port of `baseUrl`. */
export function legacyEndpoint(legacy: LegacySystem): LegacyEndpoint {
  const base = new URL(legacy.baseUrl);
  const tls = base.protocol === "https:";
  const [host, portText] = (legacy.upstream ?? hostPort(legacy.baseUrl)).split(/:(?=\d+$)/);
  const port = Number(portText);
  return { host, port, tls, serverName: base.hostname, url: `${tls ? "https" : "http"}://${host}:${port}` };
}

/** `host:port` of a URL, with the scheme's default port. */
export function hostPort(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}`;
}
