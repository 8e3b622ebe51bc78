/**
 * The workload side of connections: what a Kubernetes workload's NetworkPolicy, environment and Secret get from the
 * connections it resolved. Shared by BlueGreenService and the platform's services, so both read a connection the same way.
 */
import type { DeploymentV1SpecTemplateSpecContainerEnv } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import type { NetworkPolicyV1SpecEgress } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { ConnectionClient, EgressAllowance, IConnectable, mergeSettings, resolveConnections } from "../connection";

/** Cluster DNS (kube-dns in kube-system), UDP and TCP 53: every workload resolves names. */
export const DNS_EGRESS: NetworkPolicyV1SpecEgress = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [
    { port: "53", protocol: "UDP" },
    { port: "53", protocol: "TCP" },
  ],
};

/** What a workload's connections add up to: egress (each allowance once), plain and secret settings. */
export interface WorkloadConnections {
  readonly egress: readonly EgressAllowance[];
  readonly config: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, string>>;
}

/** Resolves the targets (and what they require) for the client and merges what they take. */
export function workloadConnections(client: ConnectionClient, targets: readonly IConnectable[]): WorkloadConnections {
  const all = resolveConnections(client, targets);
  const seen = new Set<string>();
  const egress: EgressAllowance[] = [];
  for (const e of all.flatMap((c) => c.connection.egress)) {
    // The metadata server comes with every Google API connection; one rule per destination and ports is enough.
    const key = JSON.stringify([e.cidr, [...(e.except ?? [])].sort(), [...e.ports].sort((a, b) => a - b), e.protocol ?? "TCP"]);
    if (seen.has(key)) continue;
    seen.add(key);
    egress.push(e);
  }
  return {
    egress,
    config: mergeSettings(all.map((c) => ({ from: c.target.connectableName, values: c.connection.config }))),
    secrets: mergeSettings(all.map((c) => ({ from: c.target.connectableName, values: c.connection.secrets }))),
  };
}

/** One NetworkPolicy egress rule per allowance: its CIDR (minus its excepts) on exactly its ports. */
export function egressRules(egress: readonly EgressAllowance[]): NetworkPolicyV1SpecEgress[] {
  return egress.map((e) => ({
    to: [{ ipBlock: e.except && e.except.length > 0 ? { cidr: e.cidr, except: [...e.except] } : { cidr: e.cidr } }],
    ports: e.ports.map((p) => ({ port: String(p), protocol: e.protocol ?? "TCP" })),
  }));
}

/**
 * The container environment of the settings: plain values inline (a change rolls the pods like any template
 * change), secret ones by reference to the Kubernetes Secret `secretName` holding them. Sorted by name, so the
 * template is the same on every synth.
 */
export function connectionEnv(c: WorkloadConnections, secretName: string | undefined): DeploymentV1SpecTemplateSpecContainerEnv[] {
  const plain = Object.keys(c.config)
    .sort()
    .map((name) => ({ name, value: c.config[name] }));
  const secret = Object.keys(c.secrets)
    .sort()
    .map((name) => ({ name, valueFrom: { secretKeyRef: { name: secretName, key: name } } }));
  return [...plain, ...secret];
}

/** Whether any connection reaches Google APIs as the workload (its egress includes the metadata server). */
export function usesGoogleIdentity(egress: readonly EgressAllowance[], metadataCidrs: readonly string[]): boolean {
  return egress.some((e) => metadataCidrs.includes(e.cidr));
}
