import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { formatPortPlan, PortCategory, PortConflictError, planPorts, PortPlan, PortStrategy } from "../ports";
import { platformPortRequests, ROUTER_SERVICE as ROUTER } from "./port-requests";
import { DockerTarget } from "./private/docker-target";
import { KubernetesTarget } from "./private/kubernetes-target";
import { MigrationPhase, NewRoute, renderRouterConfig } from "./router-config";
import { ROUTER_CONTAINER_PORT } from "./router-defaults";

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
   * `host:port` at which the router reaches it.
   * @default - host and port of `baseUrl` (on Docker, a container name on `dockerNetwork`)
   */
  readonly upstream?: string;
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
  /** @default "/health" */
  readonly healthPath?: string;
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
  /** Base domain (`new.<domain>` in the `subdomain` phase). */
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
    const port = (service: string) => this.portPlan.assignments.find((a) => a.service === service)!.port;
    this.routerPort = port(ROUTER);

    const entry = Object.entries(props.services).find(([, s]) => s.entry)!;
    const k8s = props.target.kind === "kubernetes" ? props.target : undefined;
    const upstream = (name: string) => (k8s ? `${props.name}-${name}.${k8s.namespace}.svc.cluster.local:${port(name)}` : `${props.name}-${name}:${props.services[name].containerPort}`);
    const legacyUpstream = props.legacy.upstream ?? hostPort(props.legacy.baseUrl);
    const routes: NewRoute[] = Object.entries(props.services)
      .filter(([, s]) => s.routePath)
      .map(([name, s]) => ({ path: s.routePath!, upstream: upstream(name) }));
    this.routerConfig = renderRouterConfig({
      phase: props.router.phase,
      domain: props.router.domain,
      weightPercent: props.router.weightPercent,
      legacyUpstream: k8s ? `legacy.${k8s.namespace}.svc.cluster.local:${hostPort(props.legacy.baseUrl).split(":")[1]}` : legacyUpstream,
      newUpstream: upstream(entry[0]),
      legacyTls: new URL(props.legacy.baseUrl).protocol === "https:",
      legacyServerName: new URL(props.legacy.baseUrl).hostname,
      legacyHealthPath: props.legacy.healthPath ?? "/health",
      newHealthPath: entry[1].healthPath ?? "/health",
      routes,
      listenPort: ROUTER_CONTAINER_PORT,
    });
    this.routerConfigHash = createHash("sha256").update(this.routerConfig).digest("hex");

    const common = { props, port, routerConfig: this.routerConfig, routerConfigHash: this.routerConfigHash, routerPort: this.routerPort };
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
    const entries = Object.entries(props.services);
    if (entries.length === 0) throw new Error(`${where}: services is empty; the new platform needs at least one service.`);
    const entryNames = entries.filter(([, s]) => s.entry).map(([n]) => n);
    if (entryNames.length !== 1) throw new Error(`${where}: exactly one service must set entry: true (found ${entryNames.length ? entryNames.join(", ") : "none"}); it receives "/" and new.<domain>.`);
    if (ROUTER in props.services) throw new Error(`${where}: services.router: "router" is the migration router's name; rename the service.`);
    for (const [name, s] of entries) {
      if (!/^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$/.test(name)) throw new Error(`${where}: services.${name}: names must be lower-case DNS labels (a-z, 0-9, '-').`);
      if (!/[:@]/.test(s.image) || /:latest$/.test(s.image)) throw new Error(`${where}: services.${name}.image is "${s.image}"; pin a tag or digest (not :latest) so deploys are repeatable.`);
      if (s.containerPort < 1 || s.containerPort > 65535) throw new Error(`${where}: services.${name}.containerPort is ${s.containerPort}; use 1-65535.`);
      if (s.replicas !== undefined && s.replicas < 1) throw new Error(`${where}: services.${name}.replicas is ${s.replicas}; use 1 or more.`);
      if (s.routePath !== undefined && !/^\/[^\s]*\/$/.test(s.routePath)) throw new Error(`${where}: services.${name}.routePath is "${s.routePath}"; it must start and end with "/".`);
      if (s.runAsUser !== undefined && s.runAsUser < 1) throw new Error(`${where}: services.${name}.runAsUser is ${s.runAsUser}; workloads never run as root.`);
    }
    const w = props.router.weightPercent ?? 0;
    if (w < 0 || w > 100) throw new Error(`${where}: router.weightPercent is ${w}; use 0-100.`);
    if (props.target.kind === "docker" && entries.some(([, s]) => s.bridgeToLegacy) && !props.legacy.dockerNetwork) {
      throw new Error(`${where}: a service sets bridgeToLegacy but legacy.dockerNetwork is not set; name the legacy Docker network to join.`);
    }
  }
}

/** `host:port` of a URL, with the scheme's default port. */
export function hostPort(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}`;
}
