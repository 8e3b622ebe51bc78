/**
 * Kubernetes NetworkPolicy semantics over synthesized `kubernetes_network_policy_v1` resources, for tests: whether a
 * TCP connection from one pod to another (same cluster) is allowed. A pod that no policy of a direction selects is open
 * in that direction; a selected pod allows only what some selecting policy's rule matches (rules are a union).
 * Covers what Tandem writes: pod and namespace selectors by `match_labels`, ip blocks (never matching a pod here),
 * ports by number or name-free numeric strings.
 */
export interface Pod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

interface Selector {
  match_labels?: Record<string, string>;
}
interface Peer {
  pod_selector?: Selector;
  namespace_selector?: Selector;
  ip_block?: { cidr: string };
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { port?: string; protocol?: string }[];
}
export interface PolicyBody {
  metadata: { name: string; namespace: string };
  spec: { pod_selector: Selector; policy_types?: string[]; ingress?: Rule[]; egress?: Rule[] };
}

const matches = (selector: Selector | undefined, labels: Readonly<Record<string, string>>) => Object.entries(selector?.match_labels ?? {}).every(([k, v]) => labels[k] === v);

/** Namespace labels as Kubernetes sets them: `kubernetes.io/metadata.name`. */
const namespaceLabels = (namespace: string) => ({ "kubernetes.io/metadata.name": namespace });

function peerMatches(peer: Peer, policyNamespace: string, pod: Pod): boolean {
  if (peer.ip_block) return false;
  const inNamespace = peer.namespace_selector ? matches(peer.namespace_selector, namespaceLabels(pod.namespace)) : pod.namespace === policyNamespace;
  return inNamespace && (peer.pod_selector ? matches(peer.pod_selector, pod.labels) : true);
}

function ruleAllows(rule: Rule, peers: Peer[] | undefined, policyNamespace: string, other: Pod, port: number): boolean {
  const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((p) => (p.protocol ?? "TCP") === "TCP" && (p.port === undefined || p.port === String(port)));
  const peerOk = !peers || peers.length === 0 || peers.some((p) => peerMatches(p, policyNamespace, other));
  return portOk && peerOk;
}

function direction(policies: readonly PolicyBody[], pod: Pod, type: "Ingress" | "Egress", other: Pod, port: number): boolean {
  const selecting = policies.filter((p) => p.metadata.namespace === pod.namespace && matches(p.spec.pod_selector, pod.labels) && (p.spec.policy_types ?? ["Ingress"]).includes(type));
  if (selecting.length === 0) return true;
  return selecting.some((p) => (type === "Ingress" ? (p.spec.ingress ?? []) : (p.spec.egress ?? [])).some((r) => ruleAllows(r, type === "Ingress" ? r.from : r.to, p.metadata.namespace, other, port)));
}

/** Whether `from` may open a TCP connection to `to` on `port` (both the egress and the ingress side). */
export function allowed(policies: readonly PolicyBody[], from: Pod, to: Pod, port: number): boolean {
  return direction(policies, from, "Egress", to, port) && direction(policies, to, "Ingress", from, port);
}
