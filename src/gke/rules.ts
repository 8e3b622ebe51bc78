import { cidrRule, documentationRange } from "../network/rules";
import { Problem, ProblemPath, unless, warnIf } from "../validation/problem";
import { duplicates, email, hhmm, intRange, known, rfc1035 } from "../validation/rules";
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
    ...zonesProblems(["nodeLocations"], o.nodeLocations),
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

/** A zone name such as `europe-west1-b`. */
export const ZONE_PATTERN = /^[a-z]+-[a-z]+\d+-[a-z]$/;

/** The region a zone is in (`europe-west1-b` -> `europe-west1`). */
export function regionOfZone(zone: string): string {
  return zone.slice(0, zone.lastIndexOf("-"));
}

/** Zones (node locations): at least one, each a zone name, none twice. */
export function zonesProblems(path: ProblemPath, zones: readonly string[] | undefined): Problem[] {
  if (zones === undefined || !known(zones)) return [];
  return [
    ...unless(zones.length > 0, path, zones, "must name at least one zone", "leave it out to let GKE pick the region's zones"),
    ...zones.flatMap((z, i) => unless(!known(z) || ZONE_PATTERN.test(z), [...path, i], z, "must be a zone such as europe-west1-b")),
    ...duplicates(zones).map((z) => ({ path, value: zones, rule: `names ${z} twice` })),
  ];
}

/** Every zone in `region` (zones that are not zone names are {@link zonesProblems}' to report). */
export function zonesInRegionProblems(path: ProblemPath, zones: readonly string[] | undefined, region: string): Problem[] {
  if (zones === undefined || !known(zones) || !known(region)) return [];
  return zones.flatMap((z, i) => unless(!known(z) || !ZONE_PATTERN.test(z) || regionOfZone(z) === region, [...path, i], z, `must be a zone of the cluster's region ${region}`));
}

/** Wiring rules on the props only a stack knows (its region, the registries its images come from). */
export function gkeClusterWiringProblems(p: Pick<GkeClusterProps, "binaryAuthorization" | "imageRegistries"> & Partial<Pick<GkeClusterProps, "region" | "nodeLocations">>): Problem[] {
  const enforced = p.binaryAuthorization ?? true;
  return [
    // The zones' form is an option rule; that they lie in the region needs the region, which only the stack knows.
    ...(p.region === undefined ? [] : zonesInRegionProblems(["nodeLocations"], p.nodeLocations, p.region)),
    ...unless(!enforced || (p.imageRegistries ?? []).length > 0, ["imageRegistries"], p.imageRegistries ?? [], "is empty while Binary Authorization is enforced: no image of yours could run", "pass googleRegistries(<your images>), or turn binaryAuthorization off"),
  ];
}
