/**
 * The NetworkPolicy evaluator the stack tests rely on, against Kubernetes' documented semantics: if it were wrong,
 * the stack tests would prove nothing.
 */
import { Pod, PolicySet, PolicySpec } from "../helpers/network-policy";

const pod = (name: string, labels: Record<string, string>, namespace = "app"): Pod => ({ name, labels, namespace, namespaceLabels: { "kubernetes.io/metadata.name": namespace, ...(namespace === "kube-system" ? {} : { team: "t" }) } });
const api = pod("api", { app: "api" });
const web = pod("web", { app: "web" });
const dns = pod("dns", { "k8s-app": "kube-dns" }, "kube-system");
const other = pod("other", { app: "api" }, "elsewhere");
const set = (...specs: PolicySpec[]) => new PolicySet(specs.map((spec) => ({ namespace: "app", spec })));
const denyAll: PolicySpec = { pod_selector: {}, policy_types: ["Ingress", "Egress"] };

test("no policy selects a pod: everything is allowed", () => {
  expect(set().allows({ from: api, to: { ip: "8.8.8.8" }, port: 443 })).toBe(true);
  expect(set().allows({ from: web, to: { pod: api }, port: 8080 })).toBe(true);
});

test("a default deny isolates both directions", () => {
  const s = set(denyAll);
  expect(s.allows({ from: api, to: { ip: "8.8.8.8" }, port: 443 })).toBe(false);
  expect(s.allows({ from: web, to: { pod: api }, port: 8080 })).toBe(false);
});

test("a flow needs the source's egress AND the destination's ingress", () => {
  const egressOnly = set(denyAll, { pod_selector: { match_labels: { app: "web" } }, policy_types: ["Egress"], egress: [{ to: [{ pod_selector: { match_labels: { app: "api" } } }] }] });
  expect(egressOnly.allows({ from: web, to: { pod: api }, port: 8080 })).toBe(false);
  const both = set(denyAll, { pod_selector: { match_labels: { app: "web" } }, policy_types: ["Egress"], egress: [{ to: [{ pod_selector: { match_labels: { app: "api" } } }] }], }, { pod_selector: { match_labels: { app: "api" } }, policy_types: ["Ingress"], ingress: [{ from: [{ pod_selector: { match_labels: { app: "web" } } }], ports: [{ port: "8080", protocol: "TCP" }] }] });
  expect(both.allows({ from: web, to: { pod: api }, port: 8080 })).toBe(true);
  expect(both.allows({ from: web, to: { pod: api }, port: 8081 })).toBe(false);
});

test("a podSelector alone means the policy's namespace; with a namespaceSelector in the same peer, both must match", () => {
  const s = set(denyAll, { pod_selector: {}, policy_types: ["Egress"], egress: [{ to: [{ pod_selector: { match_labels: { app: "api" } } }] }, { to: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "kube-system" } }, pod_selector: { match_labels: { "k8s-app": "kube-dns" } } }], ports: [{ port: "53", protocol: "UDP" }] }] });
  expect(s.egressAllowed(web, { pod: api }, 1234)).toBe(true);
  expect(s.egressAllowed(web, { pod: other }, 1234)).toBe(false);
  expect(s.egressAllowed(web, { pod: dns }, 53, "UDP")).toBe(true);
  expect(s.egressAllowed(web, { pod: dns }, 53, "TCP")).toBe(false);
  expect(s.egressAllowed(web, { pod: pod("x", { "k8s-app": "other" }, "kube-system") }, 53, "UDP")).toBe(false);
});

test("separate peers are OR'ed: a namespaceSelector peer alone admits every pod there", () => {
  const s = set(denyAll, { pod_selector: {}, policy_types: ["Egress"], egress: [{ to: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "kube-system" } } }, { pod_selector: { match_labels: { "k8s-app": "kube-dns" } } }] }] });
  expect(s.egressAllowed(web, { pod: pod("x", { "k8s-app": "other" }, "kube-system") }, 53, "UDP")).toBe(true);
});

test("ipBlock: inside the CIDR and outside every except; pods are not matched by ipBlock", () => {
  const s = set(denyAll, { pod_selector: {}, policy_types: ["Egress"], egress: [{ to: [{ ip_block: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "169.254.0.0/16"] } }], ports: [{ port: "443", protocol: "TCP" }] }] });
  expect(s.egressAllowed(web, { ip: "142.250.1.1" }, 443)).toBe(true);
  expect(s.egressAllowed(web, { ip: "10.1.2.3" }, 443)).toBe(false);
  expect(s.egressAllowed(web, { ip: "169.254.169.254" }, 443)).toBe(false);
  expect(s.egressAllowed(web, { pod: api }, 443)).toBe(false);
});

test("no ports means every port; a rule with no peers means every peer", () => {
  const s = set(denyAll, { pod_selector: { match_labels: { app: "web" } }, policy_types: ["Egress"], egress: [{ ports: [{ port: "443" }] }, { to: [{ ip_block: { cidr: "10.30.0.0/20" } }] }] });
  expect(s.egressAllowed(web, { ip: "1.2.3.4" }, 443)).toBe(true);
  expect(s.egressAllowed(web, { ip: "1.2.3.4" }, 80)).toBe(false);
  expect(s.egressAllowed(web, { ip: "10.30.0.5" }, 5432)).toBe(true);
  expect(s.egressAllowed(api, { ip: "1.2.3.4" }, 443)).toBe(false);
});

test("named ports and endPort are refused, not guessed", () => {
  const s = set({ pod_selector: {}, policy_types: ["Egress"], egress: [{ ports: [{ port: "http" }] }] });
  expect(() => s.egressAllowed(web, { ip: "1.2.3.4" }, 80)).toThrow(/named port/);
});
