/**
 * Kubernetes NetworkPolicy semantics, evaluated over a synthesized stack (test helper): which flows the policies
 * allow. A pod is isolated in a direction once any policy with that policy type selects it; a flow is allowed when
 * the source's egress allows it (or the source is not isolated for egress) AND, for a pod destination, the
 * destination's ingress allows it. Rules: `to`/`from` peers are OR'ed (podSelector, namespaceSelector, both in one
 * peer AND'ed, ipBlock cidr minus except); `ports` are OR'ed; an empty list means all. (No endPort, no named ports:
 * our stacks use neither, and the evaluator refuses them rather than guess.)
 */
export type Labels = Readonly<Record<string, string>>;

export interface Selector {
  readonly match_labels?: Labels;
  readonly match_expressions?: readonly { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: readonly string[] }[];
}

interface Peer {
  readonly pod_selector?: Selector;
  readonly namespace_selector?: Selector;
  readonly ip_block?: { cidr: string; except?: readonly string[] };
}

interface PortRule {
  readonly port?: string | number;
  readonly protocol?: string;
  readonly end_port?: number;
}

export interface PolicySpec {
  readonly pod_selector: Selector;
  readonly policy_types: readonly ("Ingress" | "Egress")[];
  readonly ingress?: readonly { from?: readonly Peer[]; ports?: readonly PortRule[] }[];
  readonly egress?: readonly { to?: readonly Peer[]; ports?: readonly PortRule[] }[];
}

/** A pod: its labels and its namespace's labels. */
export interface Pod {
  readonly name: string;
  readonly labels: Labels;
  readonly namespace: string;
  readonly namespaceLabels: Labels;
}

/** A destination: a pod, or an address outside the cluster's pods. */
export type Destination = { readonly pod: Pod } | { readonly ip: string };

export interface Flow {
  readonly from: Pod;
  readonly to: Destination;
  readonly port: number;
  readonly protocol?: "TCP" | "UDP";
}

export function selects(selector: Selector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.match_labels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.match_expressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const ok = { In: has && (e.values ?? []).includes(labels[e.key]), NotIn: !has || !(e.values ?? []).includes(labels[e.key]), Exists: has, DoesNotExist: !has }[e.operator];
    if (!ok) return false;
  }
  return true;
}

function ipToInt(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return parts.reduce((a, p) => a * 256 + p, 0);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToInt(base) / size) * size;
  const x = ipToInt(ip);
  return x >= start && x < start + size;
}

function portMatches(rules: readonly PortRule[] | undefined, port: number, protocol: string): boolean {
  if (!rules || rules.length === 0) return true;
  return rules.some((r) => {
    if (r.end_port !== undefined) throw new Error("endPort is not evaluated");
    if (r.port !== undefined && !/^\d+$/.test(String(r.port))) throw new Error(`named port ${r.port} is not evaluated`);
    return (r.protocol ?? "TCP") === protocol && (r.port === undefined || Number(r.port) === port);
  });
}

/** Does a peer match the other end (a pod in the policy's namespace context, or an address)? */
function peerMatches(peer: Peer, policyNamespace: string, other: Destination | { pod: Pod }): boolean {
  if (peer.ip_block) return "ip" in other && inCidr(other.ip, peer.ip_block.cidr) && !(peer.ip_block.except ?? []).some((c) => inCidr(other.ip, c));
  if (!("pod" in other)) return false;
  const pod = other.pod;
  // A podSelector alone means pods in the policy's own namespace; with a namespaceSelector, pods in those namespaces.
  const namespaceOk = peer.namespace_selector ? selects(peer.namespace_selector, pod.namespaceLabels) : pod.namespace === policyNamespace;
  return namespaceOk && selects(peer.pod_selector, pod.labels);
}

export class PolicySet {
  constructor(private readonly policies: readonly { namespace: string; spec: PolicySpec }[]) {}

  private selecting(pod: Pod, type: "Ingress" | "Egress") {
    return this.policies.filter((p) => p.namespace === pod.namespace && p.spec.policy_types.includes(type) && selects(p.spec.pod_selector, pod.labels));
  }

  egressAllowed(from: Pod, to: Destination, port: number, protocol = "TCP"): boolean {
    const policies = this.selecting(from, "Egress");
    if (policies.length === 0) return true;
    return policies.some((p) => (p.spec.egress ?? []).some((r) => portMatches(r.ports, port, protocol) && (r.to === undefined || r.to.length === 0 || r.to.some((peer) => peerMatches(peer, p.namespace, to)))));
  }

  ingressAllowed(to: Pod, from: Pod | { ip: string }, port: number, protocol = "TCP"): boolean {
    const policies = this.selecting(to, "Ingress");
    if (policies.length === 0) return true;
    const other = "labels" in from ? { pod: from } : from;
    return policies.some((p) => (p.spec.ingress ?? []).some((r) => portMatches(r.ports, port, protocol) && (r.from === undefined || r.from.length === 0 || r.from.some((peer) => peerMatches(peer, p.namespace, other)))));
  }

  /** The flow end to end: the source may send it and, for a pod, the destination may receive it. */
  allows(flow: Flow): boolean {
    const protocol = flow.protocol ?? "TCP";
    if (!this.egressAllowed(flow.from, flow.to, flow.port, protocol)) return false;
    return "pod" in flow.to ? this.ingressAllowed(flow.to.pod, flow.from, flow.port, protocol) : true;
  }
}

type StackJson = { resource?: Record<string, Record<string, Record<string, unknown>>> };
type Meta = { metadata?: { namespace?: string; labels?: Labels } };

/** Every NetworkPolicy and every pod template (Deployments) of a synthesized stack, in its namespaces. */
export function fromStack(json: StackJson, namespaceLabels: (namespace: string) => Labels = (n) => ({ "kubernetes.io/metadata.name": n })): { policies: PolicySet; pods: Record<string, Pod> } {
  // A namespace written as a reference to the stack's namespace resource is that namespace's name.
  const namespaces = new Map(Object.entries(json.resource?.kubernetes_namespace_v1 ?? {}).map(([id, n]) => [`\${kubernetes_namespace_v1.${id}.metadata[0].name}`, String((n as { metadata: { name: string } }).metadata.name)]));
  const ns = (m: Meta["metadata"]) => {
    const raw = String(m?.namespace ?? "default");
    return namespaces.get(raw) ?? raw;
  };
  const policies = Object.values(json.resource?.kubernetes_network_policy_v1 ?? {}).map((p) => ({ namespace: ns((p as Meta).metadata), spec: p.spec as PolicySpec }));
  const pods: Record<string, Pod> = {};
  for (const d of Object.values(json.resource?.kubernetes_deployment_v1 ?? {})) {
    const name = String((d as Meta).metadata && (d as { metadata: { name: string } }).metadata.name);
    const template = (d.spec as { template: Meta }).template;
    const namespace = ns((d as Meta).metadata);
    pods[name] = { name, labels: template.metadata?.labels ?? {}, namespace, namespaceLabels: namespaceLabels(namespace) };
  }
  return { policies: new PolicySet(policies), pods };
}
