import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { EndpointSliceV1 } from "@cdktf/provider-kubernetes/lib/endpoint-slice-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1, NetworkPolicyV1SpecEgress, NetworkPolicyV1SpecIngress } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { dependable, ITerraformDependable } from "cdktf";
import type { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import type { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { Construct } from "constructs";
import { ConnectionClient, IConnectable, METADATA_SERVER_EGRESS, NON_INTERNET_RANGES } from "../../connections/connection";
import { connectionEnv, egressRules, usesGoogleIdentity, workloadConnections } from "../../connections/private/workload";
import { serviceAccountId } from "../../validation/ids";
import type { WorkloadIdentity } from "../options";
import { RESTRICTED_NAMESPACE_LABELS, restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../pod-security";
import { LEGACY_SERVICE } from "../plan";
import { ROUTER_HEALTH_PATH } from "../router-config";
import { ROUTER_CONTAINER_PORT, TRUSTED_PROXIES_FILE } from "../router-defaults";
import type { TargetProps } from "./docker-target";
import { preStopDrain, protectServing, ROUTER_DRAIN_SECONDS, servingLifecycle, servingPodSpec, servingReplicas } from "./serving";

export interface KubernetesTargetProps extends TargetProps {
  readonly dependsOn: ITerraformDependable[];
  /** What each service uses, by service name (see `PlatformTarget.connections`). */
  readonly connections: Readonly<Record<string, readonly IConnectable[]>>;
  /** Where services' Google identities are made and bound. @default - none: a connection that uses one fails */
  readonly workloadIdentity?: WorkloadIdentity;
  readonly legacyCidrs: string[];
  /** The router Service's NodePort; without it the Service is ClusterIP only. */
  readonly routerNodePort?: number;
  /** Deploy-time proxy addresses (tokens allowed), written to the router's trusted-proxies file. */
  readonly trustedProxyAddresses: readonly string[];
}

/** The router Service's in-cluster port. */
export const ROUTER_SERVICE_PORT = 80;

/** The ConfigMap key of the router's deploy-time trusted proxies. */
const TRUSTED_PROXIES_KEY = "trusted-proxies.conf";

/** Label every new-platform workload carries; network policies select on it. */
export const PART_OF_LABEL = "app.kubernetes.io/part-of";
const NAME_LABEL = "app.kubernetes.io/name";
/** The router's container: what its log entries carry as `resource.labels.container_name`. */
export const ROUTER_CONTAINER_NAME = "nginx";
/** The label that selects the router's pods (with its workload name as the value). */
export const ROUTER_NAME_LABEL = NAME_LABEL;

/**
 * Kubernetes target (GKE): a namespace enforcing the restricted pod security standard, default-deny network
 * policy with the few allows the platform needs, a Deployment and ClusterIP Service per service, a Service
 * that points at the legacy host, and the router (ConfigMap, Deployment rolled by a config hash, a Service that is a
 * NodePort behind a front door).
 */
export class KubernetesTarget extends Construct {
  readonly namespace: NamespaceV1;
  readonly deployments: Record<string, DeploymentV1> = {};
  readonly services: Record<string, ServiceV1> = {};
  /** The HPA of each autoscaled service (a service with a fixed `replicas` has none). */
  readonly autoscalers: Record<string, HorizontalPodAutoscalerV2> = {};
  /** The PDB of each service. */
  readonly disruptionBudgets: Record<string, PodDisruptionBudgetV1> = {};
  /** The Google identity of each service whose connections use one (see `PlatformTarget.connections`). */
  readonly identities: Record<string, { readonly googleServiceAccount: ServiceAccount; readonly kubernetesServiceAccount: ServiceAccountV1 }> = {};
  /** The `legacy` Service: ExternalName for a host name, selector-less ClusterIP for an IPv4 address. */
  readonly legacyService: ServiceV1;
  /** The legacy address when it is an IPv4 address. */
  readonly legacyEndpoints?: EndpointSliceV1;
  readonly routerDeployment: DeploymentV1;
  readonly routerService: ServiceV1;
  /** The router's HPA, when it autoscales. */
  readonly routerAutoscaler?: HorizontalPodAutoscalerV2;
  /** The router's PDB (one pod at a time). */
  readonly routerDisruptionBudget: PodDisruptionBudgetV1;
  /** The router's nginx.conf (its config hash is in the router's pod template). */
  readonly routerConfigMap: ConfigMapV1;
  /** The router's NetworkPolicy; releases add their egress (`routeTo`). */
  readonly routerNetworkPolicy: NetworkPolicyV1;
  private readonly routerEgress: NetworkPolicyV1SpecEgress[];

  constructor(scope: Construct, id: string, t: KubernetesTargetProps) {
    super(scope, id);
    const { props, plan } = t;
    const ns = plan.namespace;
    const partOf = { [PART_OF_LABEL]: props.name };
    this.namespace = new NamespaceV1(this, "namespace", {
      metadata: { name: ns, labels: { ...RESTRICTED_NAMESPACE_LABELS, ...(props.labels ?? {}) } },
      // Everything in the namespace comes after it, so after what it waits for (the node pools).
      dependsOn: t.dependsOn.length > 0 ? t.dependsOn : undefined,
    });
    const namespace = this.namespace.metadata.name;

    // Legacy, reachable by name from inside the cluster; Terraform manages only this pointer, never legacy itself.
    // A host name becomes an ExternalName Service; an IPv4 address (ExternalName takes names only) a selector-less
    // Service with an EndpointSlice holding the address.
    const legacyPort = plan.legacy.port;
    const legacyPortName = plan.legacy.tls ? "https" : "http";
    const legacyLabels = { ...partOf, "tandem.dev/side": "legacy" };
    const legacyIsIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(plan.legacy.host);
    this.legacyService = new ServiceV1(this, "legacy", {
      metadata: { name: LEGACY_SERVICE, namespace, labels: legacyLabels },
      spec: legacyIsIp
        ? { type: "ClusterIP", port: [{ name: legacyPortName, port: legacyPort, targetPort: String(legacyPort) }] }
        : { type: "ExternalName", externalName: plan.legacy.host, port: [{ name: legacyPortName, port: legacyPort, targetPort: String(legacyPort) }] },
    });
    if (legacyIsIp) {
      this.legacyEndpoints = new EndpointSliceV1(this, "legacy-endpoints", {
        metadata: { name: LEGACY_SERVICE, namespace, labels: { ...legacyLabels, "kubernetes.io/service-name": LEGACY_SERVICE, "endpointslice.kubernetes.io/managed-by": "tandem" } },
        addressType: "IPv4",
        endpoint: [{ addresses: [plan.legacy.host] }],
        port: [{ name: legacyPortName, port: String(legacyPort), protocol: "TCP", appProtocol: legacyPortName }],
      });
    }
    // Bridge services call legacy through that Service; over TLS they call the origin by the name its
    // certificate carries, since the in-cluster alias would fail verification.
    const legacyUrl = plan.legacy.tls ? plan.legacy.url : `http://${LEGACY_SERVICE}.${ns}.svc.cluster.local:${legacyPort}`;

    const dns: NetworkPolicyV1SpecEgress = {
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      ports: [
        { port: "53", protocol: "UDP" },
        { port: "53", protocol: "TCP" },
      ],
    };
    new NetworkPolicyV1(this, "default-deny", {
      metadata: { name: "default-deny", namespace },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
    new NetworkPolicyV1(this, "allow-dns", {
      metadata: { name: "allow-dns", namespace },
      spec: { podSelector: {}, policyTypes: ["Egress"], egress: [dns] },
    });

    const router = plan.router;
    const routerSelector = { [NAME_LABEL]: router.workloadName };
    // Legacy "anywhere" is the internet: never the VPC's private ranges (the database, the cache) nor the metadata server.
    const legacyEgress: NetworkPolicyV1SpecEgress = {
      to: t.legacyCidrs.map((cidr) => ({ ipBlock: cidr === "0.0.0.0/0" ? { cidr, except: [...NON_INTERNET_RANGES] } : { cidr } })),
      ports: [{ port: String(legacyPort), protocol: "TCP" }],
    };

    for (const service of Object.keys(t.connections)) {
      if (!(service in plan.services)) throw new Error(`${this.node.path}: connections name "${service}", which is no service of the platform (${Object.keys(plan.services).join(", ")}).`);
    }

    for (const { name, workloadName, port, spec: s, scale } of Object.values(plan.services)) {
      const connected = this.connect(name, workloadName, ns, t.connections[name] ?? [], t.workloadIdentity);
      const selector = { [NAME_LABEL]: workloadName };
      const labels = { ...selector, ...partOf, "tandem.dev/side": "new" };
      const healthPath = s.healthPath;
      const check = s.healthCommand ? { exec: { command: [...s.healthCommand] } } : { httpGet: { path: healthPath, port: String(s.containerPort) } };
      // One emptyDir per writable path, named after its index-free path so volume names stay stable.
      const scratch = s.writablePaths.map((mountPath) => ({ name: `w-${mountPath.slice(1).replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`.slice(0, 63).replace(/-+$/, ""), mountPath }));
      const probe = (initialDelaySeconds: number, failureThreshold: number) => ({
        ...check,
        initialDelaySeconds,
        periodSeconds: 10,
        timeoutSeconds: 3,
        failureThreshold,
      });
      this.deployments[name] = new DeploymentV1(this, `deploy-${name}`, {
        metadata: { name: workloadName, namespace, labels },
        spec: {
          replicas: servingReplicas(scale),
          selector: { matchLabels: selector },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "0", maxSurge: "1" } },
          template: {
            metadata: { labels },
            spec: {
              // A Google identity is the Kubernetes service account's, through the metadata server: no API token.
              serviceAccountName: this.identities[name]?.kubernetesServiceAccount.metadata.name,
              automountServiceAccountToken: false,
              securityContext: restrictedPodSecurityContext(s.runAsUser),
              ...servingPodSpec(selector, s.preStopSleepSeconds),
              container: [
                {
                  name,
                  image: s.image,
                  imagePullPolicy: "Always",
                  port: [{ containerPort: s.containerPort, name: "http" }],
                  env: [
                    ...Object.entries({
                      ...s.env,
                      PORT: String(s.containerPort),
                      // No phase here: a phase change must not roll the services (the router sends it with each request).
                      ...(s.bridgeToLegacy ? { LEGACY_URL: legacyUrl, MIGRATION_MODE: "parallel" } : {}),
                    }).map(([k, v]) => ({ name: k, value: v })),
                    ...connected.env,
                  ],
                  resources: {
                    requests: { cpu: `${Math.min(s.cpuMillis, 250)}m`, memory: `${Math.min(s.memoryMb, 256)}Mi` },
                    limits: { cpu: `${s.cpuMillis}m`, memory: `${s.memoryMb}Mi` },
                  },
                  securityContext: restrictedContainerSecurityContext(),
                  livenessProbe: probe(15, 3),
                  readinessProbe: probe(5, 3),
                  startupProbe: probe(0, 30),
                  lifecycle: preStopDrain(s.preStopSleepSeconds),
                  volumeMount: [{ name: "tmp", mountPath: "/tmp" }, ...scratch.map((v) => ({ name: v.name, mountPath: v.mountPath }))],
                },
              ],
              volume: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }, ...scratch.map((v) => ({ name: v.name, emptyDir: { sizeLimit: "256Mi" } }))],
            },
          },
        },
        lifecycle: servingLifecycle(scale),
      });
      const guard = protectServing(this, { hpa: `hpa-${name}`, pdb: `pdb-${name}` }, { name: workloadName, namespace, labels, selector, scale });
      if (guard.autoscaler) this.autoscalers[name] = guard.autoscaler;
      this.disruptionBudgets[name] = guard.disruptionBudget;
      this.services[name] = new ServiceV1(this, `svc-${name}`, {
        metadata: { name: workloadName, namespace, labels },
        spec: { type: "ClusterIP", selector, port: [{ name: "http", port, targetPort: String(s.containerPort) }] },
      });
      // In: the router, and the services that declare they call this one (`calls`), on its container port only.
      const callers = Object.values(plan.services).filter((c) => (c.spec.calls ?? []).includes(name));
      const ingress: NetworkPolicyV1SpecIngress[] = [
        { from: [{ podSelector: { matchLabels: routerSelector } }, ...callers.map((c) => ({ podSelector: { matchLabels: { [NAME_LABEL]: c.workloadName } } }))], ports: [{ port: String(s.containerPort), protocol: "TCP" }] },
      ];
      // Out: the services it calls, each on its container port; then what it connects to.
      const egress: NetworkPolicyV1SpecEgress[] = (s.calls ?? []).map((callee) => servicePeer(plan.services[callee]));
      // What it uses, each on exactly its ports: nothing hand-written.
      egress.push(...connected.egress);
      if (s.bridgeToLegacy) egress.push(legacyEgress);
      new NetworkPolicyV1(this, `netpol-${name}`, {
        metadata: { name: workloadName, namespace },
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ["Ingress", "Egress"],
          ingress,
          egress,
        },
      });
    }

    // The router: config in a ConfigMap; its hash in the pod template, so a phase change rolls the pods
    // one at a time (maxUnavailable 0) and a rollback is just as smooth.
    const routerLabels = { ...routerSelector, ...partOf, "tandem.dev/role": "router" };
    const config = (this.routerConfigMap = new ConfigMapV1(this, "router-config", {
      metadata: { name: router.workloadName, namespace, labels: routerLabels },
      data: {
        "nginx.conf": t.routerConfig,
        ...(t.trustedProxyAddresses.length > 0 ? { [TRUSTED_PROXIES_KEY]: t.trustedProxyAddresses.map((a) => `set_real_ip_from ${a};\n`).join("") } : {}),
      },
    }));
    const trustedProxiesMount = t.trustedProxyAddresses.length > 0 ? [{ name: "config", mountPath: TRUSTED_PROXIES_FILE, subPath: TRUSTED_PROXIES_KEY, readOnly: true }] : [];
    this.routerDeployment = new DeploymentV1(this, "router", {
      metadata: { name: router.workloadName, namespace, labels: routerLabels },
      spec: {
        replicas: servingReplicas(router.scale),
        selector: { matchLabels: routerSelector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "0", maxSurge: "1" } },
        template: {
          metadata: {
            labels: routerLabels,
            // The trusted addresses are outside nginx.conf's hash: their own annotation rolls the pods when they change.
            annotations: { "tandem.dev/config-hash": t.routerConfigHash, "tandem.dev/phase": router.spec.phase, ...(t.trustedProxyAddresses.length > 0 ? { "tandem.dev/trusted-proxies": t.trustedProxyAddresses.join(",") } : {}) },
          },
          spec: {
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(router.spec.runAsUser),
            ...servingPodSpec(routerSelector, ROUTER_DRAIN_SECONDS),
            container: [
              {
                name: ROUTER_CONTAINER_NAME,
                image: router.spec.image,
                imagePullPolicy: "Always",
                port: [{ containerPort: ROUTER_CONTAINER_PORT, name: "http" }],
                resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
                securityContext: restrictedContainerSecurityContext(),
                livenessProbe: { httpGet: { path: ROUTER_HEALTH_PATH, port: String(ROUTER_CONTAINER_PORT) }, periodSeconds: 10 },
                readinessProbe: { httpGet: { path: ROUTER_HEALTH_PATH, port: String(ROUTER_CONTAINER_PORT) }, periodSeconds: 5 },
                // Liveness waits for a started nginx (a slow node or image pull must not get it killed).
                startupProbe: { httpGet: { path: ROUTER_HEALTH_PATH, port: String(ROUTER_CONTAINER_PORT) }, periodSeconds: 2, failureThreshold: 30 },
                lifecycle: preStopDrain(ROUTER_DRAIN_SECONDS),
                volumeMount: [
                  { name: "config", mountPath: "/etc/nginx/nginx.conf", subPath: "nginx.conf", readOnly: true },
                  ...trustedProxiesMount,
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volume: [
              { name: "config", configMap: { name: config.metadata.name } },
              { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            ],
          },
        },
      },
      lifecycle: servingLifecycle(router.scale),
    });
    const routerGuard = protectServing(this, { hpa: "router-hpa", pdb: "router-pdb" }, { name: router.workloadName, namespace, labels: routerLabels, selector: routerSelector, scale: router.scale });
    this.routerAutoscaler = routerGuard.autoscaler;
    this.routerDisruptionBudget = routerGuard.disruptionBudget;
    this.routerService = new ServiceV1(this, "router-service", {
      metadata: { name: router.workloadName, namespace, labels: routerLabels },
      // Behind a front door: a NodePort (its backends are the nodes), Local so the router sees the front end's address
      // (the proxy it trusts; Cluster would SNAT to a node's) and only nodes with a router pod pass its health check.
      spec:
        t.routerNodePort === undefined
          ? { type: "ClusterIP", selector: routerSelector, port: [{ name: "http", port: ROUTER_SERVICE_PORT, targetPort: String(ROUTER_CONTAINER_PORT) }] }
          : { type: "NodePort", externalTrafficPolicy: "Local", selector: routerSelector, port: [{ name: "http", port: ROUTER_SERVICE_PORT, targetPort: String(ROUTER_CONTAINER_PORT), nodePort: t.routerNodePort }] },
    });
    // The router reaches each service on its container port (releases add theirs with routeTo), and legacy.
    this.routerEgress = [...Object.values(plan.services).map(servicePeer), legacyEgress];
    this.routerNetworkPolicy = new NetworkPolicyV1(this, "netpol-router", {
      metadata: { name: router.workloadName, namespace },
      spec: {
        podSelector: { matchLabels: routerSelector },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ ports: [{ port: String(ROUTER_CONTAINER_PORT), protocol: "TCP" }] }],
        egress: this.routerEgress,
      },
    });
  }

  /**
   * A service's connections: resolved for a client whose Google service account is made only when a connection
   * asks for it (a grant, or Google APIs), then bound to a Kubernetes service account of the service's name in the
   * cluster's pool. Returns the service's egress rules and environment.
   */
  private connect(name: string, workloadName: string, namespace: string, targets: readonly IConnectable[], identity: WorkloadIdentity | undefined) {
    let gsa: ServiceAccount | undefined;
    const googleServiceAccount = (): ServiceAccount => {
      if (!identity) {
        throw new Error(`${this.node.path}: service "${name}" connects to ${targets.map((x) => x.connectableName).join(", ")}, which uses a Google identity; pass target.workloadIdentity ({ project, pool: GkeCluster.workloadPool }).`);
      }
      gsa ??= new ServiceAccount(this, `gsa-${name}`, {
        project: identity.project,
        accountId: serviceAccountId(workloadName, "wl"),
        displayName: `Platform service ${name}`,
        description: "Workload Identity of a Tandem platform service.",
      });
      return gsa;
    };
    const client: ConnectionClient = {
      name: workloadName,
      get serviceAccount() {
        return googleServiceAccount();
      },
    };
    const c = workloadConnections(client, targets);
    // Google APIs without a grant (the metadata server in its egress) still call them as the service.
    if (usesGoogleIdentity(c.egress, METADATA_SERVER_EGRESS.map((e) => e.cidr))) googleServiceAccount();
    if (gsa && identity) {
      const ksa = new ServiceAccountV1(this, `ksa-${name}`, {
        metadata: { name: workloadName, namespace: this.namespace.metadata.name, annotations: { "iam.gke.io/gcp-service-account": gsa.email } },
        automountServiceAccountToken: false,
      });
      new ServiceAccountIamMember(this, `workload-identity-${name}`, {
        serviceAccountId: gsa.name,
        role: "roles/iam.workloadIdentityUser",
        member: `serviceAccount:${identity.pool}[${namespace}/${workloadName}]`,
      });
      this.identities[name] = { googleServiceAccount: gsa, kubernetesServiceAccount: ksa };
    }
    const secret =
      Object.keys(c.secrets).length > 0
        ? new SecretV1(this, `connections-${name}`, { metadata: { name: `${workloadName}-connections`, namespace: this.namespace.metadata.name }, type: "Opaque", data: { ...c.secrets } })
        : undefined;
    return { egress: egressRules(c.egress), env: connectionEnv(c, secret?.metadata.name) };
  }

  /**
   * Lets the router reach a release's pods on their port (its egress, derived from the release's selector; another
   * namespace by name), and makes the router's config wait for what the release serves from.
   */
  routeTo(podLabels: Readonly<Record<string, string>>, port: number, namespace: string | undefined, dependables: readonly ITerraformDependable[]): void {
    if (Object.keys(podLabels).length === 0) throw new Error(`${this.node.path}: a release with an empty pod selector would open the router to every pod.`);
    const peer = namespace ? { podSelector: { matchLabels: { ...podLabels } }, namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } } : { podSelector: { matchLabels: { ...podLabels } } };
    this.routerEgress.push({ to: [peer], ports: [{ port: String(port), protocol: "TCP" }] });
    this.routerNetworkPolicy.spec.putEgress([...this.routerEgress]);
    // As cdktf writes a `dependsOn` prop: plain addresses (Terraform refuses interpolations in depends_on).
    this.routerConfigMap.dependsOn = [...(this.routerConfigMap.dependsOn ?? []), ...dependables.map((d) => dependable(d))];
  }
}

/** Egress to one of the platform's services: its pods (by their name label), on its container port. */
function servicePeer(service: { readonly workloadName: string; readonly spec: { readonly containerPort: number } }): NetworkPolicyV1SpecEgress {
  return { to: [{ podSelector: { matchLabels: { [NAME_LABEL]: service.workloadName } } }], ports: [{ port: String(service.spec.containerPort), protocol: "TCP" }] };
}
