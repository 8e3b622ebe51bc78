import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { NetworkPolicyV1, NetworkPolicyV1SpecIngressFrom } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { Construct } from "constructs";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../platform/pod-security";

export const COLORS = ["blue", "green"] as const;
export type Color = (typeof COLORS)[number];

/** One colour's release. */
export interface ColorSpec {
  /** Image pinned by tag or digest. Required for the active colour. @default - none (colour not deployed yet) */
  readonly image?: string;
}

/** Autoscaling per colour (seed 003). */
export interface AutoscalingSpec {
  /** @default 3 */
  readonly minReplicas?: number;
  /** @default 10 */
  readonly maxReplicas?: number;
  /** @default 70 */
  readonly cpuPercent?: number;
  /** @default 80 */
  readonly memoryPercent?: number;
}

/** Who may open connections to the service: pods matching these labels, in this or another namespace. */
export interface PeerSelector {
  readonly podLabels: Record<string, string>;
  /** @default - the service's own namespace */
  readonly namespaceLabels?: Record<string, string>;
}

/** Props for {@link BlueGreenService}. */
export interface BlueGreenServiceProps {
  /** Service name (DNS label); Kubernetes objects are `<name>`, `<name>-blue`, `<name>-active` ... */
  readonly name: string;
  /** Namespace it runs in (owned by another construct, e.g. ParallelPlatform). */
  readonly namespace: string;
  /** GCP project: the Google service account and the Workload Identity pool. */
  readonly project: string;
  readonly blue: ColorSpec;
  readonly green: ColorSpec;
  /** The live colour. Promotion sets it to the other colour; rollback sets it back. */
  readonly activeColor: Color;
  /**
   * Canary: share of traffic on the idle colour through the shared `<name>` Service, 0-100.
   * Carried out with replica ratios (see class docs for how exact it is). @default 0 (no canary)
   */
  readonly canaryPercent?: number;
  /**
   * Replicas the idle colour keeps: the HPA minimum keeps it warm for instant rollback, 0 frees the capacity.
   * @default - the autoscaling minimum (kept warm)
   */
  readonly idleReplicas?: number;
  readonly containerPort: number;
  /** @default "/health" */
  readonly healthPath?: string;
  /** @default - seed 003: 3-10 replicas, CPU 70 %, memory 80 % */
  readonly autoscaling?: AutoscalingSpec;
  /** PDB floor per colour. @default 2 */
  readonly minAvailable?: number;
  /** @default { cpu: "500m", memory: "512Mi" } */
  readonly requests?: { readonly cpu: string; readonly memory: string };
  /** @default { cpu: "2000m", memory: "2Gi" } */
  readonly limits?: { readonly cpu: string; readonly memory: string };
  /** Non-secret config, mounted from a ConfigMap as files under /etc/<name>. @default {} */
  readonly config?: Record<string, string>;
  /**
   * Secret Manager secrets mounted as files under /var/run/secrets/<name>: file name -> secret id.
   * Mounted by the GKE Secret Manager add-on's CSI driver through the SecretProviderClass `<name>-secrets`
   * (see `secretProviderClassYaml`); the Google service account gets `secretAccessor` on each secret only.
   * @default {}
   */
  readonly secrets?: Record<string, string>;
  /** Who may connect in (e.g. the migration router). */
  readonly allowFrom: PeerSelector[];
  /** CIDRs and ports it may reach besides DNS (database, cache). @default [] */
  readonly egress?: { readonly cidr: string; readonly ports: number[] }[];
  /** Mount the Kubernetes API token (only for workloads that call the API). @default false */
  readonly automountServiceAccountToken?: boolean;
  /** @default {} */
  readonly env?: Record<string, string>;
}

const DEFAULT_AUTOSCALING: Required<AutoscalingSpec> = { minReplicas: 3, maxReplicas: 10, cpuPercent: 70, memoryPercent: 80 };

/**
 * One service as two colours on Kubernetes. `blue` and `green` are Deployments with their own images;
 * `<name>-active` selects the live colour, `<name>-preview` the idle one, and `<name>` is what clients and
 * the router use: the live colour, or during a canary both colours.
 *
 * Promotion is `activeColor` set to the other colour: only Service selectors, replica counts and HPA bounds
 * change; the Deployment that becomes live is not touched, so the switch is immediate, and rollback is the
 * same one-line change back.
 *
 * Canary trade-off: the weight is carried by replica ratios behind the shared `<name>` Service (kube-proxy
 * spreads connections evenly over ready pods). It needs no extra component and works for any client, but it
 * is only as exact as the pod count allows: with N pods in total the weight moves in steps of 100/N % (with
 * the default 10 pods: 10 %), and per connection rather than per request. During a canary both colours' HPAs
 * are pinned (min = max) to the ratio so autoscaling cannot skew it. For exact, per-request, sticky weights
 * use the migration router's weighted phase (nginx `split_clients`) instead.
 */
export class BlueGreenService extends Construct {
  readonly deployments: Record<Color, DeploymentV1>;
  readonly autoscalers: Partial<Record<Color, HorizontalPodAutoscalerV2>> = {};
  /** What clients use: the live colour (or both during a canary). */
  readonly service: ServiceV1;
  readonly activeService: ServiceV1;
  readonly previewService: ServiceV1;
  readonly serviceName: string;
  readonly activeServiceName: string;
  readonly previewServiceName: string;
  /** Selector of the live colour's pods. */
  readonly activeSelector: Record<string, string>;
  readonly previewSelector: Record<string, string>;
  readonly googleServiceAccount: ServiceAccount;
  readonly kubernetesServiceAccount: ServiceAccountV1;
  readonly networkPolicy: NetworkPolicyV1;
  /** The SecretProviderClass the secrets volume refers to (apply once per namespace; it is a CRD, so not managed here). */
  readonly secretProviderClassYaml?: string;
  /** Replicas each colour is set to. */
  readonly replicas: Record<Color, number>;

  private readonly ingressFrom: NetworkPolicyV1SpecIngressFrom[] = [];
  private readonly props: BlueGreenServiceProps;

  constructor(scope: Construct, id: string, props: BlueGreenServiceProps) {
    super(scope, id);
    this.props = props;
    const auto = { ...DEFAULT_AUTOSCALING, ...(props.autoscaling ?? {}) };
    const canary = props.canaryPercent ?? 0;
    this.validate(props, auto, canary);
    const { name, namespace } = props;
    const active = props.activeColor;
    const idle: Color = active === "blue" ? "green" : "blue";
    const app = { "app.kubernetes.io/name": name };

    // Replica plan: the live colour at the HPA floor; the idle colour warm, scaled down, or the canary share.
    const idleReplicas = props.idleReplicas ?? auto.minReplicas;
    this.replicas = { [active]: auto.minReplicas, [idle]: idleReplicas } as Record<Color, number>;
    if (canary > 0) {
      const total = auto.maxReplicas;
      const onIdle = Math.min(total - 1, Math.max(1, Math.round((total * canary) / 100)));
      this.replicas = { [active]: total - onIdle, [idle]: onIdle } as Record<Color, number>;
      if (canary === 100) this.replicas = { [active]: 0, [idle]: total } as Record<Color, number>;
    }

    this.googleServiceAccount = new ServiceAccount(this, "gsa", {
      project: props.project,
      accountId: `wl-${name}`.slice(0, 30),
      displayName: `Workload ${namespace}/${name}`,
    });
    this.kubernetesServiceAccount = new ServiceAccountV1(this, "ksa", {
      metadata: { name, namespace, labels: app, annotations: { "iam.gke.io/gcp-service-account": this.googleServiceAccount.email } },
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
    });
    new ServiceAccountIamMember(this, "workload-identity", {
      serviceAccountId: this.googleServiceAccount.name,
      role: "roles/iam.workloadIdentityUser",
      member: `serviceAccount:${props.project}.svc.id.goog[${namespace}/${name}]`,
    });
    for (const [file, secretId] of Object.entries(props.secrets ?? {})) {
      new SecretManagerSecretIamMember(this, `secret-${file.replace(/[^a-z0-9]+/gi, "-")}`, {
        project: props.project,
        secretId,
        role: "roles/secretmanager.secretAccessor",
        member: this.googleServiceAccount.member,
      });
    }
    if (props.secrets && Object.keys(props.secrets).length > 0) {
      this.secretProviderClassYaml = secretProviderClass(name, namespace, props.project, props.secrets);
    }

    const config = new ConfigMapV1(this, "config", { metadata: { name: `${name}-config`, namespace, labels: app }, data: props.config ?? {} });

    const deployments: Partial<Record<Color, DeploymentV1>> = {};
    for (const color of COLORS) {
      const spec = props[color];
      const selector = { ...app, "tandem.dev/color": color };
      const replicas = spec.image ? this.replicas[color] : 0;
      deployments[color] = this.deployment(color, spec.image ?? props[active].image!, replicas, selector, config.metadata.name);
      if (replicas > 0) {
        const pinned = canary > 0;
        this.autoscalers[color] = new HorizontalPodAutoscalerV2(this, `hpa-${color}`, {
          metadata: { name: `${name}-${color}`, namespace, labels: selector },
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: `${name}-${color}` },
            minReplicas: pinned || color === idle ? replicas : auto.minReplicas,
            maxReplicas: pinned || color === idle ? replicas : auto.maxReplicas,
            metric: [
              { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: auto.cpuPercent } } },
              { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: auto.memoryPercent } } },
            ],
            behavior: {
              scaleUp: [{ stabilizationWindowSeconds: 0, policy: [{ type: "Percent", value: 100, periodSeconds: 30 }] }],
              scaleDown: [{ stabilizationWindowSeconds: 300, policy: [{ type: "Percent", value: 50, periodSeconds: 60 }] }],
            },
          },
        });
      }
      // Keep `minAvailable` up while there are more pods than that; a smaller colour (canary, scaled-down idle)
      // may lose one pod at a time, so a drain is never blocked.
      const floor = props.minAvailable ?? 2;
      new PodDisruptionBudgetV1(this, `pdb-${color}`, {
        metadata: { name: `${name}-${color}`, namespace, labels: selector },
        spec: replicas > floor ? { minAvailable: String(floor), selector: { matchLabels: selector } } : { maxUnavailable: "1", selector: { matchLabels: selector } },
      });
    }
    this.deployments = deployments as Record<Color, DeploymentV1>;

    this.activeSelector = { ...app, "tandem.dev/color": active };
    this.previewSelector = { ...app, "tandem.dev/color": idle };
    const svc = (sid: string, svcName: string, selector: Record<string, string>) =>
      new ServiceV1(this, sid, {
        metadata: { name: svcName, namespace, labels: app },
        spec: { type: "ClusterIP", selector, port: [{ name: "http", port: 80, targetPort: String(props.containerPort) }] },
      });
    this.serviceName = name;
    this.activeServiceName = `${name}-active`;
    this.previewServiceName = `${name}-preview`;
    this.service = svc("service", name, canary > 0 ? app : this.activeSelector);
    this.activeService = svc("active", this.activeServiceName, this.activeSelector);
    this.previewService = svc("preview", this.previewServiceName, this.previewSelector);

    for (const peer of props.allowFrom) this.allowFrom(peer);
    const dns = {
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      ports: [
        { port: "53", protocol: "UDP" },
        { port: "53", protocol: "TCP" },
      ],
    };
    this.networkPolicy = new NetworkPolicyV1(this, "netpol", {
      metadata: { name, namespace, labels: app },
      spec: {
        podSelector: { matchLabels: app },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: this.ingressFrom, ports: [{ port: String(props.containerPort), protocol: "TCP" }] }],
        egress: [dns, ...(props.egress ?? []).map((e) => ({ to: [{ ipBlock: { cidr: e.cidr } }], ports: e.ports.map((p) => ({ port: String(p), protocol: "TCP" })) }))],
      },
    });
  }

  /** Opens the network policy to another workload (before synth). */
  allowFrom(peer: PeerSelector): void {
    this.ingressFrom.push(
      peer.namespaceLabels
        ? { podSelector: { matchLabels: peer.podLabels }, namespaceSelector: { matchLabels: peer.namespaceLabels } }
        : { podSelector: { matchLabels: peer.podLabels } },
    );
  }

  private deployment(color: Color, image: string, replicas: number, selector: Record<string, string>, configMap: string): DeploymentV1 {
    const p = this.props;
    const health = p.healthPath ?? "/health";
    const probe = (initialDelaySeconds: number, periodSeconds: number, failureThreshold: number) => ({
      httpGet: { path: health, port: String(p.containerPort) },
      initialDelaySeconds,
      periodSeconds,
      timeoutSeconds: 3,
      failureThreshold,
    });
    const secrets = Object.keys(p.secrets ?? {}).length > 0;
    return new DeploymentV1(this, color, {
      metadata: { name: `${p.name}-${color}`, namespace: p.namespace, labels: selector },
      spec: {
        replicas: String(replicas),
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "0", maxSurge: "25%" } },
        template: {
          metadata: { labels: selector },
          spec: {
            serviceAccountName: p.name,
            automountServiceAccountToken: p.automountServiceAccountToken ?? false,
            securityContext: restrictedPodSecurityContext(),
            terminationGracePeriodSeconds: 30,
            container: [
              {
                name: p.name,
                image,
                imagePullPolicy: "Always",
                port: [{ containerPort: p.containerPort, name: "http" }],
                env: Object.entries({ ...(p.env ?? {}), PORT: String(p.containerPort), TANDEM_COLOR: color }).map(([name, value]) => ({ name, value })),
                resources: { requests: p.requests ?? { cpu: "500m", memory: "512Mi" }, limits: p.limits ?? { cpu: "2000m", memory: "2Gi" } },
                securityContext: restrictedContainerSecurityContext(),
                startupProbe: probe(0, 5, 24),
                livenessProbe: probe(0, 10, 3),
                readinessProbe: probe(0, 5, 3),
                // Let the Service drop the pod before the process stops, so no request is cut.
                lifecycle: { preStop: [{ exec: { command: ["sleep", "10"] } }] },
                volumeMount: [
                  { name: "config", mountPath: `/etc/${p.name}`, readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                  ...(secrets ? [{ name: "secrets", mountPath: `/var/run/secrets/${p.name}`, readOnly: true }] : []),
                ],
              },
            ],
            volume: [
              { name: "config", configMap: { name: configMap } },
              { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
              ...(secrets ? [{ name: "secrets", csi: { driver: "secrets-store-gke.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: `${p.name}-secrets` } } }] : []),
            ],
          },
        },
      },
    });
  }

  private validate(p: BlueGreenServiceProps, auto: Required<AutoscalingSpec>, canary: number): void {
    const where = this.node.path;
    if (!COLORS.includes(p.activeColor)) throw new Error(`${where}: activeColor is "${p.activeColor}"; it must be "blue" or "green".`);
    for (const key of Object.keys(p as unknown as Record<string, unknown>)) {
      if (/color|colour/i.test(key) && key !== "activeColor") throw new Error(`${where}: ${key} is not a colour setting; the colours are blue and green.`);
    }
    if (!/^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$/.test(p.name)) throw new Error(`${where}: name is "${p.name}"; use a lower-case DNS label.`);
    const activeImage = p[p.activeColor].image;
    if (!activeImage) throw new Error(`${where}: ${p.activeColor}.image is missing, but ${p.activeColor} is the active colour; set its image before making it active.`);
    for (const color of COLORS) {
      const image = p[color].image;
      if (image && (!/[:@]/.test(image) || image.endsWith(":latest"))) throw new Error(`${where}: ${color}.image is "${image}"; pin a tag or digest, not :latest.`);
    }
    if (!(canary >= 0 && canary <= 100)) throw new Error(`${where}: canaryPercent is ${canary}; it must be 0-100.`);
    const idle: Color = p.activeColor === "blue" ? "green" : "blue";
    if (canary > 0 && !p[idle].image) throw new Error(`${where}: canaryPercent is ${canary} but ${idle}.image is missing; the canary runs the idle colour.`);
    if (auto.minReplicas < 1 || auto.minReplicas > auto.maxReplicas) {
      throw new Error(`${where}: autoscaling.minReplicas is ${auto.minReplicas} and maxReplicas ${auto.maxReplicas}; need 1 <= min <= max.`);
    }
    const minAvailable = p.minAvailable ?? 2;
    if (minAvailable >= auto.minReplicas) {
      throw new Error(`${where}: minAvailable is ${minAvailable} with autoscaling.minReplicas ${auto.minReplicas}; a PDB that keeps every pod blocks every node drain. Use minAvailable < minReplicas.`);
    }
    if (p.idleReplicas !== undefined && (p.idleReplicas < 0 || p.idleReplicas > auto.maxReplicas)) {
      throw new Error(`${where}: idleReplicas is ${p.idleReplicas}; use 0-${auto.maxReplicas}.`);
    }
    if (p.containerPort < 1 || p.containerPort > 65535) throw new Error(`${where}: containerPort is ${p.containerPort}; use 1-65535.`);
  }
}

function secretProviderClass(name: string, namespace: string, project: string, secrets: Record<string, string>): string {
  const items = Object.entries(secrets)
    .map(([file, id]) => `      - resourceName: "projects/${project}/secrets/${id}/versions/latest"\n        path: "${file}"`)
    .join("\n");
  return `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: ${name}-secrets
  namespace: ${namespace}
spec:
  provider: gke
  parameters:
    secrets: |
${items}
`;
}
