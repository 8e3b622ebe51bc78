import { cidrRule, documentationRange } from "../network/rules";
import { Problem, unless, warnIf } from "../validation/problem";
import { email, hhmm, intRange, known, rfc1035 } from "../validation/rules";
import type { GkeClusterOptions, GkeClusterProps, NodePoolSpec } from "./gke-cluster";

/** GKE's limit for cluster names. */
export const GKE_CLUSTER_NAME_MAX = 40;

export function nodePoolProblems(pool: NodePoolSpec): Problem[] {
  return [
    ...unless(!known(pool.machineType) || /^[a-z0-9]+-[a-z0-9-]+$/.test(pool.machineType), ["machineType"], pool.machineType, "must be a GCE machine type such as e2-standard-4"),
    ...intRange(["minNodesPerZone"], pool.minNodesPerZone, 0, 1000),
    ...intRange(["maxNodesPerZone"], pool.maxNodesPerZone, 1, 1000),
    ...unless(!(pool.minNodesPerZone > pool.maxNodesPerZone), ["minNodesPerZone"], pool.minNodesPerZone, `must be <= maxNodesPerZone (${pool.maxNodesPerZone})`),
    ...intRange(["diskSizeGb"], pool.diskSizeGb, 10, 65536, "GKE boot disk"),
  ];
}

export function gkeClusterProblems(o: GkeClusterOptions): Problem[] {
  const pools = Object.entries(o.nodePools ?? {});
  return [
    ...rfc1035(["name"], o.name, GKE_CLUSTER_NAME_MAX, "GKE cluster name"),
    ...cidrRule(["masterCidr"], o.masterCidr),
    ...unless(!known(o.masterCidr) || o.masterCidr.endsWith("/28"), ["masterCidr"], o.masterCidr, "must be a /28 (GKE control-plane range)"),
    ...Object.entries(o.masterAuthorizedNetworks ?? {}).flatMap(([name, cidr]) => [
      ...cidrRule(["masterAuthorizedNetworks", name], cidr),
      ...warnIf(cidr === "0.0.0.0/0", ["masterAuthorizedNetworks", name], cidr, "opens the control plane's IP endpoint to the whole internet", "use the DNS endpoint (IAM-authenticated) and list only the networks that need the IP endpoint"),
      ...documentationRange(["masterAuthorizedNetworks", name], cidr),
    ]),
    ...hhmm(["maintenanceWindow", "startTimeUtc"], o.maintenanceWindow?.startTimeUtc),
    ...intRange(["maintenanceWindow", "durationHours"], o.maintenanceWindow?.durationHours, 4, 24, "GKE needs a window of 4 to 24 hours"),
    ...unless(pools.length > 0, ["nodePools"], o.nodePools, "must name at least one node pool (the default pool is always removed)"),
    ...pools.flatMap(([name, pool]) => [...rfc1035(["nodePools", name], name, 40, "node pool name"), ...nodePoolProblems(pool).map((p) => ({ ...p, path: ["nodePools", name, ...p.path] }))]),
    ...(o.rbacSecurityGroup === undefined
      ? []
      : [
          ...email(["rbacSecurityGroup"], o.rbacSecurityGroup, "the gke-security-groups@<domain> group address"),
          ...unless(!known(o.rbacSecurityGroup) || o.rbacSecurityGroup.startsWith("gke-security-groups@"), ["rbacSecurityGroup"], o.rbacSecurityGroup, 'must be named "gke-security-groups@<domain>" (GKE Google Groups for RBAC)'),
        ]),
  ];
}

/** Wiring rules on the props only a stack knows (the registries its images come from). */
export function gkeClusterWiringProblems(p: Pick<GkeClusterProps, "binaryAuthorization" | "imageRegistries">): Problem[] {
  const enforced = p.binaryAuthorization ?? true;
  return unless(!enforced || (p.imageRegistries ?? []).length > 0, ["imageRegistries"], p.imageRegistries ?? [], "is empty while Binary Authorization is enforced: no image of yours could run", "pass googleRegistries(<your images>), or turn binaryAuthorization off");
}
