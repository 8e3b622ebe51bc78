import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { DeploymentV1, DeploymentV1SpecTemplateSpecContainer, DeploymentV1SpecTemplateSpecContainerEnv } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1, NetworkPolicyV1SpecEgress, NetworkPolicyV1SpecIngressFrom } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import { Connection, ConnectionClient, IConnectable } from "../connections/connection";
import { connectionEnv, DNS_EGRESS, egressRules, WorkloadConnections, workloadConnections } from "../connections/private/workload";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, RESTRICTED_NAMESPACE_LABELS } from "../platform/pod-security";
import type { ReleaseBackend, RouterRelease } from "../platform/release";
import { CapacityPlan, Color, ColorPlan, ColorRole, COLORS, IdleMode, IDLE_MODES, otherColor, planCapacity } from "./private/capacity-plan";
import { GKE_SECRETS_CSI_DRIVER, secretProviderClassYaml } from "./private/secret-provider-class";
import { blueGreenObjectNames, blueGreenProblems } from "./rules";
import { applyProblems, unless } from "../validation/problem";
import { AUTOSCALING_DEFAULTS, type AutoscalingSpec } from "../scaling/scaling";
import { autoscaler, disruptionBudget, gracePeriodSeconds, HPA_OWNED_REPLICAS, preStopDrain, spreadOverZonesAndNodes } from "../scaling/private/serving";
import { known, rfc1035 } from "../validation/rules";

export { COLORS, IDLE_MODES, otherColor };
export type { AutoscalingSpec, CapacityPlan, Color, ColorPlan, ColorRole, IdleMode };

/** One colour's release. */
export interface ColorSpec {
  /** Image pinned by tag or digest (never `:latest`). Required for the active colour. @default - none: the colour is not deployed */
  readonly image?: string;
}

/** CPU and memory in Kubernetes quantities. */
export interface ResourceQuantities {
  readonly cpu: string;
  readonly memory: string;
}

/** Who may open connections to the service: pods matching these labels, in this or another namespace. */
export interface PeerSelector {
  readonly podLabels: Record<string, string>;
  /** @default - the service's own namespace */
  readonly namespaceLabels?: Record<string, string>;
}

/** A destination outside the cluster, written by hand: the escape hatch next to {@link BlueGreenService.connectsTo}. */
export interface EgressRule {
  /** e.g. the private-service-access range of Cloud SQL. */
  readonly cidr: string;
  /** TCP ports, e.g. 5432 for PostgreSQL, 6378 for Memorystore with TLS. */
  readonly ports: number[];
}

/** What a {@link BlueGreenService} is made of; an environment's `blueGreen.<name>` entry has exactly this shape. */
export interface BlueGreenServiceOptions {
  readonly blue: ColorSpec;
  readonly green: ColorSpec;
  /** The live colour. Promotion sets it to the other colour; rollback sets it back. */
  readonly activeColor: Color;
  /**
   * Canary: share of the route's requests the migration router sends to the idle colour, 0-100 with at most two
   * decimals: exact per request and sticky per client (nginx `split_clients`). Needs `routePath`.
   * @default 0 (no canary)
   */
  readonly canaryPercent?: number;
  /**
   * What the colour that serves no traffic keeps: `warm` (the autoscaling minimum), `full` (the maximum: the rollback
   * window after a promotion, until the release is finished) or `off` (no Deployment).
   * @default "warm"
   */
  readonly idle?: IdleMode;
  /**
   * The migration router's location for it (e.g. `/api/v3/`; the prefix is stripped), once `ParallelPlatform.addRelease()`
   * puts it on the router.
   * @default - not on the router (only the `<name>` Service, the live colour)
   */
  readonly routePath?: string;
  readonly containerPort: number;
  /** Path of the startup, liveness and readiness probes. @default "/health" */
  readonly healthPath?: string;
  /** @default - seed 003: 3-10 replicas on CPU 70 % and memory 80 % */
  readonly autoscaling?: AutoscalingSpec;
  /** The PDB keeps this many pods of a colour available while it runs more than that. @default 2 */
  readonly minAvailable?: number;
  /** @default { cpu: "500m", memory: "512Mi" } */
  readonly requests?: ResourceQuantities;
  /** @default { cpu: "2000m", memory: "2Gi" } */
  readonly limits?: ResourceQuantities;
  /** Non-secret config, mounted from a ConfigMap as one file per key under `/etc/<name>`. @default {} */
  readonly config?: Record<string, string>;
  /**
   * Secret Manager secrets mounted as files under `/var/run/secrets/<name>`: file name -> secret id.
   * Needs the GKE Secret Manager add-on and the SecretProviderClass in {@link BlueGreenService.secretProviderClassYaml};
   * the service's Google service account gets `secretAccessor` on each of these secrets and nothing else.
   * @default {}
   */
  readonly secrets?: Record<string, string>;
  /** Plain environment variables (no secrets: use `secrets`). @default {} */
  readonly env?: Record<string, string>;
  /** Mount the Kubernetes API token (only for workloads that call the Kubernetes API). @default false */
  readonly automountServiceAccountToken?: boolean;
  /** Seconds a stopping pod keeps serving while the Service drops it (`sleep` must exist in the image; 0 disables). @default 10 */
  readonly preStopSleepSeconds?: number;
}

/** Props for {@link BlueGreenService}. */
export interface BlueGreenServiceProps extends BlueGreenServiceOptions {
  /** Service name (DNS label, at most 42 characters); objects are `<name>`, `<name>-blue`, `<name>-active` ... */
  readonly name: string;
  /** Namespace it runs in; normally ParallelPlatform's, which owns it. @default "new-platform" */
  readonly namespace?: string;
  /** Create the namespace (restricted Pod Security Standard) instead of using one another construct owns. @default false */
  readonly createNamespace?: boolean;
  /** GCP project of the Google service account and of the secrets. */
  readonly project: string;
  /**
   * The Workload Identity pool of the cluster the service runs on (`GkeCluster.workloadPool`): the Kubernetes service
   * account is bound in this pool, which is the cluster's project's, not necessarily `project`.
   * @default `<project>.svc.id.goog` (the cluster is in `project`)
   */
  readonly workloadIdentityPool?: string;
  /** What it uses (database, cache, Google APIs, secrets), as {@link BlueGreenService.connectsTo} takes them. @default [] */
  readonly connections?: IConnectable[];
  /** Who may connect in (e.g. the migration router); `allowFrom()` adds more. @default [] (nobody) */
  readonly allowFrom?: PeerSelector[];
  /**
   * Escape hatch: destinations it may call that are no construct (a partner's API). What it uses is
   * `connectsTo()`'s to open, from the connection itself; do not repeat it here.
   * @default [] (DNS and its connections only)
   */
  readonly egress?: EgressRule[];
  /** Extra pod labels (never in the selectors). @default {} */
  readonly podLabels?: Record<string, string>;
}

/** The defaults of {@link BlueGreenServiceOptions}, as documented there. */
export const BLUE_GREEN_DEFAULTS = {
  canaryPercent: 0,
  idle: "warm",
  healthPath: "/health",
  autoscaling: AUTOSCALING_DEFAULTS,
  minAvailable: 2,
  requests: { cpu: "500m", memory: "512Mi" },
  limits: { cpu: "2000m", memory: "2Gi" },
  preStopSleepSeconds: 10,
} as const;

const DEFAULT_AUTOSCALING: Required<AutoscalingSpec> = BLUE_GREEN_DEFAULTS.autoscaling;
const COLOR_LABEL = "tandem.dev/color";
const NAME_LABEL = "app.kubernetes.io/name";
const KNOWN_PROPS = new Set<string>([
  "name", "namespace", "createNamespace", "project", "blue", "green", "activeColor", "canaryPercent", "idle", "routePath",
  "containerPort", "healthPath", "autoscaling", "minAvailable", "requests", "limits", "config", "secrets", "env", "allowFrom", "egress",
  "workloadIdentityPool", "connections",
  "podLabels", "automountServiceAccountToken", "preStopSleepSeconds",
]);

/**
 * One service as two colours on Kubernetes. `<name>-blue` and `<name>-green` are Deployments with their own images,
 * each behind a Service of the same name: those are what the migration router splits the service's route between,
 * with exact per-request weights, sticky per client (`ParallelPlatform.addRelease()`). `<name>-active` selects the
 * live colour, `<name>-preview` the idle one (test a release there before it gets traffic), and `<name>` the live
 * colour for clients that bypass the router (they see no canary; they move at promotion).
 *
 * **Release steps** are config: `canaryPercent` 5 → 25 → 50 → 100 moves the router's split; **promote** is
 * `activeColor` set to the other colour with the old one kept `idle: "full"` (the rollback window); **rollback** sets
 * `activeColor` back (or `canaryPercent` to 0 during a canary); **finish** sets `idle` back to `warm` (or `off`).
 * `npm run release` carries each out with a targeted apply.
 *
 * **Capacity** (see `planCapacity`): both colours autoscale whenever they run (HPA floor..max, CPU 70 % /
 * memory 80 %); a step only moves HPA floors. The colour traffic moves to has its floor raised to its share of the
 * maximum first, the colour traffic leaves keeps the maximum until `finish`, so no step drops capacity under load.
 * The HPAs own the Deployments' replica counts (Terraform ignores `spec.replicas`, so a deploy never resets a
 * scaled-up colour); `idle: "off"` removes a colour's Deployment, HPA and PDB.
 *
 * **Order inside one deploy** (`depends_on`): HPA bounds before the Deployment they scale; a Deployment that has to be
 * created before the Services that select it, and before the router's config sends it traffic; a removed colour goes
 * only after (`create_before_destroy`).
 */
export class BlueGreenService extends Construct implements RouterRelease {
  /** The Deployment of each colour that runs (a colour without an image or `idle: "off"` has none). */
  readonly deployments: Partial<Record<Color, DeploymentV1>> = {};
  readonly autoscalers: Partial<Record<Color, HorizontalPodAutoscalerV2>> = {};
  readonly disruptionBudgets: Partial<Record<Color, PodDisruptionBudgetV1>> = {};
  /** The live colour, for clients that bypass the router. */
  readonly service: ServiceV1;
  readonly activeService: ServiceV1;
  readonly previewService: ServiceV1;
  /** One Service per colour (`<name>-blue`, `<name>-green`): the router's backends. */
  readonly colorServices: Record<Color, ServiceV1>;
  readonly serviceName: string;
  readonly activeServiceName: string;
  readonly previewServiceName: string;
  /** Port of every Service. */
  readonly servicePort = 80;
  /** The names of every Kubernetes object it manages in its namespace (Services, Deployments, HPAs, PDBs, ConfigMap). */
  readonly objectNames: readonly string[];
  /** Labels of every pod of the service, both colours. */
  readonly selector: Record<string, string>;
  /** Selector of the live colour's pods. */
  readonly activeSelector: Record<string, string>;
  /** Selector of the idle colour's pods. */
  readonly previewSelector: Record<string, string>;
  readonly activeColor: Color;
  readonly idleColor: Color;
  /** Each colour's router weight, HPA floor and role. */
  readonly plan: CapacityPlan;
  /** Each colour's HPA floor (0: not deployed). */
  readonly floors: Record<Color, number>;
  readonly namespace: string;
  readonly namespaceResource?: NamespaceV1;
  readonly googleServiceAccount: ServiceAccount;
  readonly kubernetesServiceAccount: ServiceAccountV1;
  readonly configMap: ConfigMapV1;
  readonly networkPolicy: NetworkPolicyV1;
  /** Name of the SecretProviderClass the secrets volume uses, when there are secrets. */
  readonly secretProviderClassName?: string;
  /**
   * The SecretProviderClass to `kubectl apply` once per environment (a custom resource, so not managed here).
   * Contains Terraform references when the namespace is one; publish it through a TerraformOutput then.
   */
  readonly secretProviderClassYaml?: string;
  /** The service's name on the router (its access lines' `service`). */
  readonly releaseName: string;
  /** The router location it gets from `ParallelPlatform.addRelease()`; undefined: not on the router. */
  readonly routePath?: string;
  /** Labels of every pod of both colours: what the router's egress policy is opened to. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The container port (the Services' target port). */
  readonly podPort: number;

  private readonly props: BlueGreenServiceProps;
  private readonly peers: NetworkPolicyV1SpecIngressFrom[] = [];
  private readonly client: ConnectionClient;
  private secret?: SecretV1;
  private readonly targets: IConnectable[] = [];
  private connected: WorkloadConnections = { egress: [], config: {}, secrets: {} };
  /** Each colour's container without its connections' settings (they are added on every `connectsTo`). */
  private readonly containers: Partial<Record<Color, DeploymentV1SpecTemplateSpecContainer>> = {};

  constructor(scope: Construct, id: string, props: BlueGreenServiceProps) {
    super(scope, id);
    this.props = props;
    const auto = { ...DEFAULT_AUTOSCALING, ...(props.autoscaling ?? {}) };
    const canaryPercent = props.canaryPercent ?? BLUE_GREEN_DEFAULTS.canaryPercent;
    this.checkKeys(props);
    applyProblems(this, [
      ...blueGreenProblems(props.name, props),
      ...rfc1035(["namespace"], props.namespace, 63, "Kubernetes namespace name"),
      ...unless(!known(props.project) || /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(props.project), ["project"], props.project, "must be a GCP project id"),
    ]);

    const { name } = props;
    this.releaseName = name;
    this.routePath = props.routePath;
    this.podPort = props.containerPort;
    this.activeColor = props.activeColor;
    this.idleColor = otherColor(props.activeColor);
    this.plan = planCapacity({
      activeColor: props.activeColor,
      hasImage: { blue: Boolean(props.blue.image), green: Boolean(props.green.image) },
      canaryPercent,
      idle: props.idle ?? BLUE_GREEN_DEFAULTS.idle,
      minReplicas: auto.minReplicas,
      maxReplicas: auto.maxReplicas,
    });
    this.floors = { blue: this.plan.colors.blue.floor, green: this.plan.colors.green.floor };

    if (props.createNamespace) {
      this.namespaceResource = new NamespaceV1(this, "namespace", {
        metadata: { name: props.namespace ?? "new-platform", labels: RESTRICTED_NAMESPACE_LABELS },
      });
    }
    const namespace = this.namespaceResource ? this.namespaceResource.metadata.name : (props.namespace ?? "new-platform");
    this.namespace = namespace;

    this.selector = { [NAME_LABEL]: name };
    this.podSelector = this.selector;
    const colorSelector = (color: Color) => ({ ...this.selector, [COLOR_LABEL]: color });
    this.activeSelector = colorSelector(this.activeColor);
    this.previewSelector = colorSelector(this.idleColor);

    // Identity: a dedicated Kubernetes service account, bound to its own Google service account.
    this.googleServiceAccount = new ServiceAccount(this, "gsa", {
      project: props.project,
      accountId: googleAccountId(name),
      displayName: `Blue-green service ${name}`,
      description: "Workload Identity of a Tandem BlueGreenService (both colours).",
    });
    this.kubernetesServiceAccount = new ServiceAccountV1(this, "ksa", {
      metadata: { name, namespace, labels: this.selector, annotations: { "iam.gke.io/gcp-service-account": this.googleServiceAccount.email } },
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
    });
    new ServiceAccountIamMember(this, "workload-identity", {
      serviceAccountId: this.googleServiceAccount.name,
      role: "roles/iam.workloadIdentityUser",
      // The cluster's pool: a cluster in another project than the service account has its own.
      member: `serviceAccount:${props.workloadIdentityPool ?? `${props.project}.svc.id.goog`}[${namespace}/${name}]`,
    });
    this.client = { name, serviceAccount: this.googleServiceAccount };
    const secrets = props.secrets ?? {};
    for (const secretId of new Set(Object.values(secrets))) {
      // Additive member (not a binding): other principals' access to the secret is left alone.
      new SecretManagerSecretIamMember(this, `secret-${secretId}`, {
        project: props.project,
        secretId,
        role: "roles/secretmanager.secretAccessor",
        member: this.googleServiceAccount.member,
      });
    }
    if (Object.keys(secrets).length > 0) {
      this.secretProviderClassName = `${name}-secrets`;
      this.secretProviderClassYaml = secretProviderClassYaml(this.secretProviderClassName, namespace, props.project, secrets);
    }

    const objects = blueGreenObjectNames(name);
    this.objectNames = [...new Set([objects.services[0], ...objects.deployments, ...objects.services.slice(1), `${name}-config`])];
    this.configMap = new ConfigMapV1(this, "config", { metadata: { name: `${name}-config`, namespace, labels: this.selector }, data: props.config ?? {} });

    for (const color of COLORS) this.colorResources(color, auto);

    // A Service that selects a colour waits for that colour's Deployment (one created by this deploy is ready first).
    const svc = (sid: string, svcName: string, color: Color | undefined) =>
      new ServiceV1(this, sid, {
        metadata: { name: svcName, namespace, labels: this.selector },
        spec: { type: "ClusterIP", selector: color ? colorSelector(color) : this.selector, port: [{ name: "http", port: this.servicePort, targetPort: String(props.containerPort) }] },
        dependsOn: color && this.deployments[color] ? [this.deployments[color]] : undefined,
      });
    this.serviceName = name;
    this.activeServiceName = `${name}-active`;
    this.previewServiceName = `${name}-preview`;
    this.service = new ServiceV1(this, "service", {
      metadata: { name, namespace, labels: this.selector },
      spec: { type: "ClusterIP", selector: this.activeSelector, port: [{ name: "http", port: this.servicePort, targetPort: String(props.containerPort) }] },
      dependsOn: this.deployments[this.activeColor] ? [this.deployments[this.activeColor]!] : undefined,
    });
    this.activeService = svc("active", this.activeServiceName, this.activeColor);
    this.previewService = svc("preview", this.previewServiceName, this.idleColor);
    // The router's backends: fixed selectors, so a release step never changes them.
    this.colorServices = {
      blue: new ServiceV1(this, "service-blue", {
        metadata: { name: `${name}-blue`, namespace, labels: colorSelector("blue") },
        spec: { type: "ClusterIP", selector: colorSelector("blue"), port: [{ name: "http", port: this.servicePort, targetPort: String(props.containerPort) }] },
      }),
      green: new ServiceV1(this, "service-green", {
        metadata: { name: `${name}-green`, namespace, labels: colorSelector("green") },
        spec: { type: "ClusterIP", selector: colorSelector("green"), port: [{ name: "http", port: this.servicePort, targetPort: String(props.containerPort) }] },
      }),
    };

    // Deny by default: in only from the listed peers, out only to DNS and what it connects to.
    this.networkPolicy = new NetworkPolicyV1(this, "netpol", {
      metadata: { name, namespace, labels: this.selector },
      spec: {
        podSelector: { matchLabels: this.selector },
        policyTypes: ["Ingress", "Egress"],
        ingress: [],
        egress: this.egressRules(),
      },
    });
    for (const peer of props.allowFrom ?? []) this.allowFrom(peer);
    if (props.connections && props.connections.length > 0) this.connectsTo(...props.connections);
  }

  /**
   * Connects both colours to what they use (`api.connectsTo(database, cache)`): each target, and what it requires
   * (Google APIs for Cloud SQL's connector), says what that takes, and the service gets exactly that:
   * - egress on its NetworkPolicy: each allowance's address on exactly its ports (the metadata server only when a
   *   connection uses the service's Google identity);
   * - IAM for its Google service account, made by the target (e.g. `cloudsql.client` on that instance only);
   * - settings as the colours' environment: plain ones inline (a change rolls the pods, one colour like the
   *   other), secret ones from the Kubernetes Secret `<name>-connections` by `secretKeyRef`.
   * Connecting again to the same target changes nothing. Returns everything connected so far.
   */
  connectsTo(...targets: IConnectable[]): Connection {
    for (const t of targets) if (!this.targets.includes(t)) this.targets.push(t);
    const c = workloadConnections(this.client, this.targets);
    this.connected = c;
    if (Object.keys(c.secrets).length > 0) {
      this.secret ??= new SecretV1(this, "connection-secrets", {
        metadata: { name: `${this.props.name}-connections`, namespace: this.namespace, labels: this.selector },
        type: "Opaque",
      });
      this.secret.data = { ...c.secrets };
    }
    this.networkPolicy.spec.putEgress(this.egressRules());
    for (const color of COLORS) {
      const deployment = this.deployments[color];
      const container = this.containers[color];
      if (deployment && container) deployment.spec.template.spec.putContainer([this.withConnections(container)]);
    }
    return c;
  }

  /** The Kubernetes Secret `<name>-connections` with its connections' secret settings, once a connection brings one. */
  get connectionSecret(): SecretV1 | undefined {
    return this.secret;
  }

  /** DNS, the hand-written escape hatch, then every connection's egress. */
  private egressRules(): NetworkPolicyV1SpecEgress[] {
    const handWritten = (this.props.egress ?? []).map((e) => ({ to: [{ ipBlock: { cidr: e.cidr } }], ports: e.ports.map((p) => ({ port: String(p), protocol: "TCP" })) }));
    return [DNS_EGRESS, ...handWritten, ...egressRules(this.connected.egress)];
  }

  private withConnections(container: DeploymentV1SpecTemplateSpecContainer): DeploymentV1SpecTemplateSpecContainer {
    const own = Array.isArray(container.env) ? (container.env as DeploymentV1SpecTemplateSpecContainerEnv[]) : [];
    return { ...container, env: [...own, ...connectionEnv(this.connected, this.secret?.metadata.name)] };
  }

  /** The router's backends: each serving colour's Service with its exact weight, the live colour first. */
  get releaseBackends(): readonly ReleaseBackend[] {
    return this.plan.serving.map((color) => ({ serviceName: `${this.props.name}-${color}`, port: this.servicePort, label: color, weightPercent: this.plan.colors[color].weightPercent }));
  }

  /** The serving colours' HPAs and Deployments: the router's config waits for them (capacity before traffic). */
  get servingDependables(): readonly ITerraformDependable[] {
    return this.plan.serving.flatMap((c) => [this.autoscalers[c], this.deployments[c]].filter((r): r is HorizontalPodAutoscalerV2 | DeploymentV1 => r !== undefined));
  }

  /**
   * Lets another workload connect to the service's port (both colours). Without any peer nothing may connect:
   * the policy never carries a rule without `from`, which Kubernetes would read as "everyone".
   */
  allowFrom(peer: PeerSelector): void {
    if (Object.keys(peer.podLabels).length === 0) {
      throw new Error(`${this.node.path}: allowFrom got empty podLabels, which would match every pod; name the workload's labels.`);
    }
    this.peers.push(
      peer.namespaceLabels
        ? { podSelector: { matchLabels: peer.podLabels }, namespaceSelector: { matchLabels: peer.namespaceLabels } }
        : { podSelector: { matchLabels: peer.podLabels } },
    );
    this.networkPolicy.spec.putIngress([{ from: [...this.peers], ports: [{ port: String(this.props.containerPort), protocol: "TCP" }] }]);
  }

  /** Deployment, HPA and PDB of one colour, when it runs. */
  private colorResources(color: Color, auto: Required<AutoscalingSpec>): void {
    const p = this.props;
    const plan = this.plan.colors[color];
    const image = p[color].image;
    if (!image || plan.floor === 0) return;
    const name = `${p.name}-${color}`;
    const selector = { ...this.selector, [COLOR_LABEL]: color };

    // Always autoscaled: a release step moves only the floor.
    // By name, not by reference: the Deployment depends on its HPA (bounds first), not the other way round.
    const hpa = autoscaler(this, `hpa-${color}`, { name, namespace: this.namespace, labels: selector, deploymentName: name, minReplicas: plan.floor, autoscaling: auto });
    this.autoscalers[color] = hpa;
    this.deployments[color] = this.deployment(color, name, image, selector, auto.minReplicas, [hpa]);

    // Keep `minAvailable` while the colour runs more pods than that; a smaller colour may lose one pod at a time,
    // so a node drain is never blocked.
    const floor = p.minAvailable ?? BLUE_GREEN_DEFAULTS.minAvailable;
    this.disruptionBudgets[color] = disruptionBudget(this, `pdb-${color}`, { name, namespace: this.namespace, labels: selector, selector, floor: auto.minReplicas, minAvailable: floor });
  }

  private deployment(color: Color, name: string, image: string, selector: Record<string, string>, initialReplicas: number, dependsOn: ITerraformDependable[]): DeploymentV1 {
    const p = this.props;
    const health = p.healthPath ?? "/health";
    const probe = (periodSeconds: number, failureThreshold: number) => ({
      httpGet: { path: health, port: String(p.containerPort) },
      periodSeconds,
      timeoutSeconds: 3,
      failureThreshold,
    });
    const secrets = p.secrets && Object.keys(p.secrets).length > 0 ? this.secretProviderClassName : undefined;
    const sleep = p.preStopSleepSeconds ?? 10;
    return new DeploymentV1(this, color, {
      metadata: { name, namespace: this.namespace, labels: selector },
      spec: {
        // Created at the autoscaling minimum, then its HPA owns the count (ignore_changes below): a release step
        // moves the HPA's floor, never this number, so the Deployment stays as it is.
        replicas: String(initialReplicas),
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "0", maxSurge: "25%" } },
        template: {
          metadata: {
            labels: { ...(p.podLabels ?? {}), ...selector },
            // A config change rolls the pods (each must pass its probes) instead of changing files under a running process.
            annotations: { "tandem.dev/config-hash": configHash(p.config ?? {}) },
          },
          spec: {
            serviceAccountName: this.kubernetesServiceAccount.metadata.name,
            automountServiceAccountToken: p.automountServiceAccountToken ?? false,
            securityContext: restrictedPodSecurityContext(),
            terminationGracePeriodSeconds: gracePeriodSeconds(sleep),
            topologySpreadConstraint: spreadOverZonesAndNodes(selector),
            container: [
              (this.containers[color] = {
                name: p.name,
                image,
                imagePullPolicy: "Always",
                port: [{ containerPort: p.containerPort, name: "http" }],
                env: Object.entries({ ...(p.env ?? {}), PORT: String(p.containerPort), TANDEM_COLOR: color }).map(([n, value]) => ({ name: n, value })),
                resources: { requests: { ...(p.requests ?? { cpu: "500m", memory: "512Mi" }) }, limits: { ...(p.limits ?? { cpu: "2000m", memory: "2Gi" }) } },
                securityContext: restrictedContainerSecurityContext(),
                startupProbe: probe(5, 24),
                livenessProbe: probe(10, 3),
                readinessProbe: probe(5, 3),
                // Keep serving while the endpoint is removed from the Services, so no request is cut.
                lifecycle: preStopDrain(sleep),
                volumeMount: [
                  { name: "config", mountPath: `/etc/${p.name}`, readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                  ...(secrets ? [{ name: "secrets", mountPath: `/var/run/secrets/${p.name}`, readOnly: true }] : []),
                ],
              }),
            ],
            volume: [
              { name: "config", configMap: { name: this.configMap.metadata.name } },
              { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
              ...(secrets ? [{ name: "secrets", csi: { driver: GKE_SECRETS_CSI_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: secrets } } }] : []),
            ],
          },
        },
      },
      // Terraform waits until the pods are ready, so Services that depend on this Deployment switch only then.
      waitForRollout: true,
      dependsOn,
      // create_before_destroy: a colour removed (idle "off") goes only after the Services and the router stopped
      // sending it traffic; without it Terraform destroys a Deployment before it updates what depends on it.
      lifecycle: { createBeforeDestroy: true, ignoreChanges: HPA_OWNED_REPLICAS },
    });
  }

  /** A key that is no prop (a JavaScript caller, or config passed through): a third colour, or a typo. */
  private checkKeys(p: BlueGreenServiceProps): void {
    for (const [key, value] of Object.entries(p as unknown as Record<string, unknown>)) {
      if (KNOWN_PROPS.has(key)) continue;
      if (typeof value === "object" && value !== null && "image" in value) throw new Error(`${this.node.path}: "${key}" is not a colour; a blue-green service has exactly two colours, blue and green.`);
      throw new Error(`${this.node.path}: "${key}" is not a BlueGreenService prop; check the spelling.`);
    }
  }
}

/** Google service account id (6-30 characters): `wl-<name>`, shortened with a stable hash when too long. */
function googleAccountId(name: string): string {
  const id = `wl-${name}`;
  if (id.length < 6) return `${id}-svc`;
  if (id.length <= 30) return id;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 6);
  return `${id.slice(0, 23).replace(/-+$/, "")}-${hash}`;
}

function configHash(config: Record<string, string>): string {
  const sorted = Object.keys(config)
    .sort()
    .map((k) => [k, config[k]]);
  return createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 16);
}
