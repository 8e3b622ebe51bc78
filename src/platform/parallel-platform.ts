import { createHash } from "node:crypto";
import { Construct } from "constructs";
import { formatPortPlan, PortPlan } from "../ports";
import { applyProblems } from "../validation/problem";
import { ParallelPlatformProps } from "./options";
import { planPlatform, PlatformPlan, ROUTER_SERVICE } from "./plan";
import { DockerTarget } from "./private/docker-target";
import { KubernetesTarget } from "./private/kubernetes-target";
import { renderRouterConfig } from "./router-config";

/**
 * The new platform next to the legacy one: a port plan that never touches a legacy port, the services on
 * Docker (dev) or Kubernetes (cloud), and an nginx migration router whose routing follows the migration phase.
 */
export class ParallelPlatform extends Construct {
  /** Everything planned from the props: names, ports, addresses, routes (see `planPlatform`). */
  readonly plan: PlatformPlan;
  /** Every service's port, including the router's. */
  readonly portPlan: PortPlan;
  /** The generated nginx.conf. */
  readonly routerConfig: string;
  /** sha256 of the router config; a change rolls (Kubernetes) or reloads (Docker) the router. */
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
    this.plan = planPlatform(props);
    applyProblems(this, this.plan.problems);
    this.portPlan = this.plan.ports!;
    this.routerPort = this.plan.router.port;
    this.routerConfig = renderRouterConfig(this.plan.routerConfig);
    this.routerConfigHash = createHash("sha256").update(this.routerConfig).digest("hex");

    const common = { props, plan: this.plan, routerConfig: this.routerConfig, routerConfigHash: this.routerConfigHash };
    if (props.target.kind === "kubernetes") {
      this.namespace = this.plan.namespace;
      this.target = new KubernetesTarget(this, "k8s", { ...common, dependsOn: props.target.dependsOn ?? [], egressCidrs: props.target.egressCidrs ?? [], legacyCidrs: props.target.legacyCidrs ?? ["0.0.0.0/0"] });
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
    // One token for every user, so the reference reads the same wherever it ends up.
    this.namespaceToken ??= this.target.namespace.metadata.name;
    return this.namespaceToken;
  }
  private namespaceToken?: string;

  /** Docker target: the host address a service's port is published on (127.0.0.1 unless marked public). */
  hostAddress(service: string): string {
    return this.props.services[service]?.public ? "0.0.0.0" : "127.0.0.1";
  }

  /** The port plan as a table (`npm run ports`). */
  formatPlan(markdown = false): string {
    const docker = this.target instanceof DockerTarget;
    const target = (service: string, port: number) =>
      docker ? `docker host ${this.hostAddress(service)}:${port}` : service === ROUTER_SERVICE ? "LoadBalancer :80 (port held in the plan)" : `ClusterIP :${port}`;
    return formatPortPlan(this.portPlan, (a) => target(a.service, a.port), markdown);
  }
}
