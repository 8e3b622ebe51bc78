import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1, NetworkPolicyV1SpecIngressFrom } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { Annotations, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, RESTRICTED_NAMESPACE_LABELS } from "../platform/pod-security";
import { Color, ColorPlan, COLORS, otherColor, planReplicas, ReplicaPlan } from "./private/replica-plan";
import { GKE_SECRETS_CSI_DRIVER, secretProviderClassYaml } from "./private/secret-provider-class";
import { blueGreenObjectNames, blueGreenProblems } from "./rules";
import { applyProblems, unless } from "../validation/problem";
import { known, rfc1035 } from "../validation/rules";

export { COLORS, otherColor };
export type { Color, ColorPlan, ReplicaPlan };

/** One colour's release. */
export interface ColorSpec {
  /** Image pinned by tag or digest (never `:latest`). Required for the active colour. @default - none: the colour is not deployed */
  readonly image?: string;
}

/** Autoscaling of the colour that takes the traffic (seed 003). */
export interface AutoscalingSpec {
  /** @default 3 */
  readonly minReplicas?: number;
  /** @default 10 */
  readonly maxReplicas?: number;
  /** Target average CPU utilisation, % of requests. @default 70 */
  readonly cpuPercent?: number;
  /** Target average memory utilisation, % of requests. @default 80 */
  readonly memoryPercent?: number;
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

/** A destination outside the cluster the service may call (database, cache). */
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
   * Canary: share of the traffic of the shared `<name>` Service that goes to the idle colour, 0-100.
   * Carried out by replica ratio, so it is a multiple of 100 / `canaryReplicas` % (see the class docs).
   * @default 0 (no canary)
   */
  readonly canaryPercent?: number;
  /** Pods of both colours together during a canary; 20 makes the seed's steps 5/25/50 % exact. @default - autoscaling.maxReplicas */
  readonly canaryReplicas?: number;
  /**
   * Pods the idle colour keeps: the autoscaling minimum keeps it warm for an instant rollback, fewer save
   * capacity, 0 removes its Deployment (rollback then waits for new pods to start).
   * @default - autoscaling.minReplicas (kept warm)
   */
  readonly idleReplicas?: number;
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
  /** GCP project: of the Google service account, of the Workload Identity pool `<project>.svc.id.goog`, of the secrets. */
  readonly project: string;
  /** Who may connect in (e.g. the migration router); `allowFrom()` adds more. @default [] (nobody) */
  readonly allowFrom?: PeerSelector[];
  /** Destinations it may call besides DNS (database, cache). @default [] */
  readonly egress?: EgressRule[];
  /** Extra pod labels, e.g. `app.kubernetes.io/part-of` so the platform's router may call the pods. @default {} */
  readonly podLabels?: Record<string, string>;
}

/** The defaults of {@link BlueGreenServiceOptions}, as documented there. */
export const BLUE_GREEN_DEFAULTS = {
  canaryPercent: 0,
  healthPath: "/health",
  autoscaling: { minReplicas: 3, maxReplicas: 10, cpuPercent: 70, memoryPercent: 80 },
  minAvailable: 2,
  requests: { cpu: "500m", memory: "512Mi" },
  limits: { cpu: "2000m", memory: "2Gi" },
  preStopSleepSeconds: 10,
} as const;

const DEFAULT_AUTOSCALING: Required<AutoscalingSpec> = BLUE_GREEN_DEFAULTS.autoscaling;
const COLOR_LABEL = "tandem.dev/color";
const NAME_LABEL = "app.kubernetes.io/name";
const KNOWN_PROPS = new Set<string>([
  "name", "namespace", "createNamespace", "project", "blue", "green", "activeColor", "canaryPercent", "canaryReplicas", "idleReplicas",
  "containerPort", "healthPath", "autoscaling", "minAvailable", "requests", "limits", "config", "secrets", "env", "allowFrom", "egress",
  "podLabels", "automountServiceAccountToken", "preStopSleepSeconds",
]);

/**
 * One service as two colours on Kubernetes. `<name>-blue` and `<name>-green` are Deployments with their own
 * images; `<name>-active` selects the live colour, `<name>-preview` the idle one (test a release there before
 * promoting it), and `<name>` is what clients and the router call: the live colour, both colours during a canary.
 *
 * **Promotion** is `activeColor` set to the other colour, **rollback** the same line set back. Only Service
 * selectors and replica counts (HPA bounds) change; the colour that goes live is already running, so the switch is
 * immediate. One `cdktf deploy` applies it in a safe order (`depends_on`): first the colour that will serve is
 * brought to size (Terraform waits for its rollout), then the Services switch, then the colour that stops serving
 * is scaled to `idleReplicas` or removed (`create_before_destroy` keeps a removal after the switch).
 *
 * **Replicas vs. HPA**: the HPA owns the replica count of the colour that autoscales (Terraform ignores
 * `spec.replicas` there, so a deploy never resets a scaled-up Deployment); every other colour is pinned (HPA
 * min = max = the planned count, and Terraform sets the same count).
 *
 * **Canary trade-off**: the weight is a replica ratio behind the shared `<name>` Service, whose endpoints get
 * connections evenly. It needs no extra component and works for every client, but it is approximate: the weight is
 * a multiple of 100 / N % of the N = `canaryReplicas` pods (default the HPA maximum, 10: steps of 10 %, so 5 %
 * becomes 10 % and 25 % becomes 30 %; with 20 pods the seed's 5/25/50 % are exact), it is per connection (long-lived
 * keep-alive connections stay where they are), and it is not sticky. During a canary both colours are pinned to the
 * ratio, since independent HPAs would let a slower release grow its own share. A synth warning says when the weight
 * is not exact. Exact, per-request, sticky weights need a router in front (nginx `split_clients`, as the migration
 * router's `weighted` phase does between legacy and new).
 */
export class BlueGreenService extends Construct {
  /** The Deployment of each colour that runs (a colour without an image or at 0 replicas has none). */
  readonly deployments: Partial<Record<Color, DeploymentV1>> = {};
  readonly autoscalers: Partial<Record<Color, HorizontalPodAutoscalerV2>> = {};
  readonly disruptionBudgets: Partial<Record<Color, PodDisruptionBudgetV1>> = {};
  /** What clients and the router call: the live colour, or both colours during a canary. */
  readonly service: ServiceV1;
  readonly activeService: ServiceV1;
  readonly previewService: ServiceV1;
  readonly serviceName: string;
  readonly activeServiceName: string;
  readonly previewServiceName: string;
  /** Port of the three Services. */
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
  /** Replicas each colour runs after this deploy (the autoscaled colour's minimum). */
  readonly replicas: Record<Color, number>;
  /** The replica plan: counts, which colour autoscales, which serves. */
  readonly plan: ReplicaPlan;
  /** The share of traffic the canary really gets (the replica ratio); 0 without a canary. */
  readonly effectiveCanaryPercent: number;
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

  private readonly props: BlueGreenServiceProps;
  private readonly peers: NetworkPolicyV1SpecIngressFrom[] = [];

  constructor(scope: Construct, id: string, props: BlueGreenServiceProps) {
    super(scope, id);
    this.props = props;
    const auto = { ...DEFAULT_AUTOSCALING, ...(props.autoscaling ?? {}) };
    const canaryPercent = props.canaryPercent ?? BLUE_GREEN_DEFAULTS.canaryPercent;
    const canaryReplicas = props.canaryReplicas ?? auto.maxReplicas;
    const idleReplicas = props.idleReplicas ?? auto.minReplicas;
    this.checkKeys(props);
    applyProblems(this, [
      ...blueGreenProblems(props.name, props),
      ...rfc1035(["namespace"], props.namespace, 63, "Kubernetes namespace name"),
      ...unless(!known(props.project) || /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(props.project), ["project"], props.project, "must be a GCP project id"),
    ]);

    const { name } = props;
    this.activeColor = props.activeColor;
    this.idleColor = otherColor(props.activeColor);
    this.plan = planReplicas({
      activeColor: props.activeColor,
      hasImage: { blue: Boolean(props.blue.image), green: Boolean(props.green.image) },
      canaryPercent,
      canaryReplicas,
      idleReplicas,
      minReplicas: auto.minReplicas,
      maxReplicas: auto.maxReplicas,
    });
    this.replicas = { blue: this.plan.colors.blue.replicas, green: this.plan.colors.green.replicas };
    this.effectiveCanaryPercent = this.plan.effectiveCanaryPercent;
    if (canaryPercent > 0 && canaryPercent < 100 && Math.abs(this.effectiveCanaryPercent - canaryPercent) > 1e-9) {
      Annotations.of(this).addWarning(
        `${this.node.path}: canaryPercent ${canaryPercent} becomes ${round2(this.effectiveCanaryPercent)} % (${this.replicas[this.idleColor]} of ${canaryReplicas} pods); ` +
          `the weight moves in steps of ${round2(100 / canaryReplicas)} %. Set canaryReplicas (e.g. 20) for a finer weight.`,
      );
    }

    if (props.createNamespace) {
      this.namespaceResource = new NamespaceV1(this, "namespace", {
        metadata: { name: props.namespace ?? "new-platform", labels: RESTRICTED_NAMESPACE_LABELS },
      });
    }
    const namespace = this.namespaceResource ? this.namespaceResource.metadata.name : (props.namespace ?? "new-platform");
    this.namespace = namespace;

    this.selector = { [NAME_LABEL]: name };
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
      member: `serviceAccount:${props.project}.svc.id.goog[${namespace}/${name}]`,
    });
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
    this.objectNames = [objects.services[0], ...objects.deployments, ...objects.services.slice(1), `${name}-config`];
    this.configMap = new ConfigMapV1(this, "config", { metadata: { name: `${name}-config`, namespace, labels: this.selector }, data: props.config ?? {} });

    // Services, and the order one deploy applies things in: HPA bounds before the Deployment they scale; the
    // colours that will serve before the Services switch to them; the colours that stop serving after.
    const serving = COLORS.filter((c) => this.plan.colors[c].serving);
    const servingDeployments: ITerraformDependable[] = [];
    for (const color of serving) this.colorResources(color, auto, [], servingDeployments);

    const svc = (sid: string, svcName: string, selector: Record<string, string>) =>
      new ServiceV1(this, sid, {
        metadata: { name: svcName, namespace, labels: this.selector },
        spec: { type: "ClusterIP", selector, port: [{ name: "http", port: this.servicePort, targetPort: String(props.containerPort) }] },
        dependsOn: servingDeployments,
      });
    this.serviceName = name;
    this.activeServiceName = `${name}-active`;
    this.previewServiceName = `${name}-preview`;
    this.service = svc("service", this.serviceName, serving.length === 2 ? this.selector : colorSelector(serving[0]));
    this.activeService = svc("active", this.activeServiceName, this.activeSelector);
    this.previewService = svc("preview", this.previewServiceName, this.previewSelector);

    for (const color of COLORS.filter((c) => !this.plan.colors[c].serving)) {
      this.colorResources(color, auto, [this.service, this.activeService, this.previewService], []);
    }

    // Deny by default: in only from the listed peers, out only to DNS and the listed destinations.
    const dns = {
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      ports: [
        { port: "53", protocol: "UDP" },
        { port: "53", protocol: "TCP" },
      ],
    };
    this.networkPolicy = new NetworkPolicyV1(this, "netpol", {
      metadata: { name, namespace, labels: this.selector },
      spec: {
        podSelector: { matchLabels: this.selector },
        policyTypes: ["Ingress", "Egress"],
        ingress: [],
        egress: [dns, ...(props.egress ?? []).map((e) => ({ to: [{ ipBlock: { cidr: e.cidr } }], ports: e.ports.map((p) => ({ port: String(p), protocol: "TCP" })) }))],
      },
    });
    for (const peer of props.allowFrom ?? []) this.allowFrom(peer);
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
  private colorResources(color: Color, auto: Required<AutoscalingSpec>, after: ITerraformDependable[], collect: ITerraformDependable[]): void {
    const p = this.props;
    const plan = this.plan.colors[color];
    const image = p[color].image;
    if (!image || plan.replicas === 0) return;
    const name = `${p.name}-${color}`;
    const selector = { ...this.selector, [COLOR_LABEL]: color };

    const hpa = new HorizontalPodAutoscalerV2(this, `hpa-${color}`, {
      metadata: { name, namespace: this.namespace, labels: selector },
      spec: {
        // By name, not by reference: the Deployment depends on its HPA (bounds first), not the other way round.
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
        minReplicas: plan.autoscaled ? auto.minReplicas : plan.replicas,
        maxReplicas: plan.autoscaled ? auto.maxReplicas : plan.replicas,
        metric: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: auto.cpuPercent } } },
          { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: auto.memoryPercent } } },
        ],
        behavior: {
          scaleUp: [{ stabilizationWindowSeconds: 0, selectPolicy: "Max", policy: [{ type: "Percent", value: 100, periodSeconds: 30 }] }],
          scaleDown: [{ stabilizationWindowSeconds: 300, selectPolicy: "Max", policy: [{ type: "Percent", value: 50, periodSeconds: 60 }] }],
        },
      },
      dependsOn: after.length > 0 ? after : undefined,
    });
    this.autoscalers[color] = hpa;

    // After its HPA, and through it after whatever the HPA waits for.
    const deployment = this.deployment(color, name, image, selector, plan, [hpa]);
    this.deployments[color] = deployment;
    collect.push(deployment);

    // Keep `minAvailable` while the colour runs more pods than that; a smaller colour (a canary, a scaled-down
    // idle colour) may lose one pod at a time, so a node drain is never blocked.
    const floor = p.minAvailable ?? 2;
    const fewest = plan.autoscaled ? auto.minReplicas : plan.replicas;
    this.disruptionBudgets[color] = new PodDisruptionBudgetV1(this, `pdb-${color}`, {
      metadata: { name, namespace: this.namespace, labels: selector },
      spec: fewest > floor ? { minAvailable: String(floor), selector: { matchLabels: selector } } : { maxUnavailable: "1", selector: { matchLabels: selector } },
    });
  }

  private deployment(color: Color, name: string, image: string, selector: Record<string, string>, plan: ColorPlan, dependsOn: ITerraformDependable[]): DeploymentV1 {
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
        // The autoscaled colour: created at the HPA minimum, then the HPA owns the count (ignore_changes below).
        replicas: String(plan.replicas),
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
            terminationGracePeriodSeconds: 30 + sleep,
            container: [
              {
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
                lifecycle: sleep > 0 ? { preStop: [{ exec: { command: ["sleep", String(sleep)] } }] } : undefined,
                volumeMount: [
                  { name: "config", mountPath: `/etc/${p.name}`, readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                  ...(secrets ? [{ name: "secrets", mountPath: `/var/run/secrets/${p.name}`, readOnly: true }] : []),
                ],
              },
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
      // create_before_destroy: a colour removed (idleReplicas 0) goes only after the Services stopped selecting it;
      // without it Terraform destroys a Deployment before it updates the Services that depend on it.
      lifecycle: { createBeforeDestroy: true, ...(plan.autoscaled ? { ignoreChanges: ["spec[0].replicas"] } : {}) },
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

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
