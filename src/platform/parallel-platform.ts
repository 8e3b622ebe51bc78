import { createHash } from "node:crypto";
import { Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import { formatPortPlan, PortPlan } from "../ports";
import { applyProblems, Problem, unless } from "../validation/problem";
import { ParallelPlatformProps } from "./options";
import { planPlatform, PlatformPlan, ROUTER_SERVICE } from "./plan";
import { DockerTarget } from "./private/docker-target";
import { KubernetesTarget, ROUTER_CONTAINER_NAME, ROUTER_NAME_LABEL, ROUTER_SERVICE_PORT } from "./private/kubernetes-target";
import { routeClashProblems, RouterRelease } from "./release";
import { ACCESS_LOG_KIND, NewRoute, renderRouterConfig, routePathProblem } from "./router-config";

/**
 * The new platform next to the legacy one: a port plan that never touches a legacy port, the services on
 * Docker (dev) or Kubernetes (cloud), and an nginx migration router whose routing follows the migration phase.
 * Releases (`addRelease`, a `BlueGreenService`) become routes of the router, split between their colours.
 */
export class ParallelPlatform extends Construct {
  /** Everything planned from the props: names, ports, addresses, routes (see `planPlatform`). */
  readonly plan: PlatformPlan;
  /** Every service's port, including the router's. */
  readonly portPlan: PortPlan;
  /** The port the router is published on. */
  readonly routerPort: number;
  /** Labels that select the router's pods (Kubernetes): what a workload's NetworkPolicy lets in to be reached by it. */
  readonly routerSelector: Readonly<Record<string, string>>;
  /** Kubernetes namespace (Kubernetes target). */
  readonly namespace?: string;
  /** Underlying resources of the chosen target (escape hatch). */
  readonly target: DockerTarget | KubernetesTarget;
  /** The releases on the router, in the order they were added. */
  readonly releases: RouterRelease[] = [];
  private readonly props: ParallelPlatformProps;
  private readonly releaseRoutes: NewRoute[] = [];
  private rendered?: { config: string; hash: string };

  constructor(scope: Construct, id: string, props: ParallelPlatformProps) {
    super(scope, id);
    this.props = props;
    this.plan = planPlatform(props);
    applyProblems(this, this.plan.problems);
    this.portPlan = this.plan.ports!;
    this.routerPort = this.plan.router.port;
    this.routerSelector = { [ROUTER_NAME_LABEL]: this.plan.router.workloadName };

    if (props.target.kind === "kubernetes") {
      this.namespace = this.plan.namespace;
      // Rendered at synth: releases added after construction are routes too.
      const routerConfig = Lazy.stringValue({ produce: () => this.routerConfig });
      const routerConfigHash = Lazy.stringValue({ produce: () => this.routerConfigHash });
      this.target = new KubernetesTarget(this, "k8s", { props, plan: this.plan, routerConfig, routerConfigHash, connections: props.target.connections ?? {}, workloadIdentity: props.target.workloadIdentity, legacyCidrs: props.target.legacyCidrs ?? ["0.0.0.0/0"], dependsOn: props.target.dependsOn ?? [], routerNodePort: props.target.routerNodePort, trustedProxyAddresses: props.target.trustedProxyAddresses ?? [] });
    } else {
      this.target = new DockerTarget(this, "docker", { props, plan: this.plan, routerConfig: this.routerConfig, routerConfigHash: this.routerConfigHash });
    }
  }

  /**
   * Kubernetes target: the Cloud Logging filter that selects the router's JSON access lines (GKE ships a container's
   * JSON stdout as `jsonPayload`), which log-based metrics count and measure.
   */
  get accessLogFilter(): string {
    if (!(this.target instanceof KubernetesTarget)) throw new Error(`${this.node.path}: accessLogFilter exists only on the Kubernetes target (Docker logs stay on the host).`);
    return [
      'resource.type="k8s_container"',
      `resource.labels.namespace_name="${this.plan.namespace}"`,
      `resource.labels.container_name="${ROUTER_CONTAINER_NAME}"`,
      `jsonPayload.kind="${ACCESS_LOG_KIND}"`,
    ].join(" AND ");
  }

  /** The router's nginx.conf: the services' routes and every release added so far. */
  get routerConfig(): string {
    this.rendered ??= this.render();
    return this.rendered.config;
  }

  /** sha256 of the router config; a change rolls (Kubernetes) or reloads (Docker) the router. */
  get routerConfigHash(): string {
    this.rendered ??= this.render();
    return this.rendered.hash;
  }

  /**
   * Puts a release on the router (Kubernetes target): its `routePath` is split between its backends with their exact
   * weights, sticky per client, each logged with its label as `color`; the router's egress policy is opened to the
   * release's pods on their port (derived from `podSelector`, nothing hand-written), and the router's config waits
   * for the release's serving colours. The release must let the router in (`routerSelector`).
   */
  addRelease(release: RouterRelease): void {
    if (!(this.target instanceof KubernetesTarget)) throw new Error(`${this.node.path}: addRelease needs the Kubernetes target (releases are Kubernetes Services).`);
    const at = (...p: string[]): (string | number)[] => ["releases", release.releaseName, ...p];
    const path = release.routePath;
    const namespace = this.releaseNamespace(release.namespace);
    const problems: Problem[] = [
      ...unless(path !== undefined, at("routePath"), path, "is missing: a release on the router needs a route path"),
      ...(path === undefined ? [] : unless(routePathProblem(path) === undefined, at("routePath"), path, routePathProblem(path) ?? "")),
      ...unless(namespace !== undefined, at("namespace"), release.namespace, "must be the platform's namespace (namespaceRef) or a plain namespace name"),
      ...unless(!this.releases.some((r) => r.releaseName === release.releaseName), at(), release.releaseName, "is already on the router"),
      ...unless(release.releaseBackends.length > 0, at("releaseBackends"), [], "must name at least one backend"),
    ];
    if (path !== undefined) {
      const services = Object.values(this.plan.services)
        .filter((s) => s.spec.routePath !== undefined)
        .map((s) => ({ owner: `service ${s.name}`, path: s.spec.routePath! }));
      const releases = [...this.releases.map((r) => ({ owner: `release ${r.releaseName}`, path: r.routePath! })), { owner: release.releaseName, path }];
      problems.push(...routeClashProblems(services, releases).map((p) => ({ ...p, path: ["releases", ...p.path] })));
    }
    applyProblems(this, problems);
    const ns = namespace!;
    this.releases.push(release);
    this.releaseRoutes.push({
      path: path!,
      service: release.releaseName,
      backends: release.releaseBackends.map((b) => ({ upstream: `${b.serviceName}.${ns}.svc.cluster.local:${b.port}`, label: b.label, weightPercent: b.weightPercent })),
    });
    this.rendered = undefined;
    this.target.routeTo(release.podSelector, release.podPort, ns === this.plan.namespace ? undefined : ns, release.servingDependables);
  }

  /** The namespace a release's address is in: the platform's own (by reference or name), or a plain name. */
  private releaseNamespace(namespace: string): string | undefined {
    if (namespace === this.plan.namespace || (this.target instanceof KubernetesTarget && namespace === this.namespaceRef)) return this.plan.namespace;
    return Token.isUnresolved(namespace) ? undefined : namespace;
  }

  private render(): { config: string; hash: string } {
    const input = this.plan.routerConfig;
    const config = renderRouterConfig({ ...input, routes: [...(input.routes ?? []), ...this.releaseRoutes] });
    return { config, hash: createHash("sha256").update(config).digest("hex") };
  }

  /**
   * Kubernetes target: the namespace name as a reference to the namespace resource, so that workloads
   * placed in it by other constructs are created after it.
   */
  get namespaceRef(): string {
    if (!(this.target instanceof KubernetesTarget)) throw new Error(`${this.node.path}: namespaceRef exists only on the Kubernetes target.`);
    // One token for every user, so the reference reads the same wherever it ends up.
    this.namespaceToken ??= this.target.namespace.metadata.name;
    return this.namespaceToken;
  }
  private namespaceToken?: string;

  /** Docker target: the host address a service's port is published on (127.0.0.1 unless marked public). */
  hostAddress(service: string): string {
    return this.props.services[service]?.public ? "0.0.0.0" : "127.0.0.1";
  }

  private routerServiceDescription(): string {
    const nodePort = this.props.target.kind === "kubernetes" ? this.props.target.routerNodePort : undefined;
    return nodePort === undefined ? `ClusterIP :${ROUTER_SERVICE_PORT} (port held in the plan)` : `NodePort ${nodePort}, ClusterIP :${ROUTER_SERVICE_PORT} (port held in the plan)`;
  }

  /** The port plan as a table (`npm run ports`). */
  formatPlan(markdown = false): string {
    const docker = this.target instanceof DockerTarget;
    const target = (service: string, port: number) =>
      docker ? `docker host ${this.hostAddress(service)}:${port}` : service === ROUTER_SERVICE ? this.routerServiceDescription() : `ClusterIP :${port}`;
    return formatPortPlan(this.portPlan, (a) => target(a.service, a.port), markdown);
  }
}
