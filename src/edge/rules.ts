import { zonesProblems } from "../gke/rules";
import { Problem, unless } from "../validation/problem";
import { duplicates, gcpLabels, intRange, known, rfc1035 } from "../validation/rules";
import type { FrontDoorOptions, FrontDoorProps } from "./front-door";
import { FRONT_DOOR_NAME_MAX, GOOGLE_NAME_MAX } from "./private/names";

/** Kubernetes' NodePort range (the API server's default `--service-node-port-range`). */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/** The counting windows Cloud Armor's rate limits accept, seconds. */
export const RATE_LIMIT_WINDOWS_SEC = [10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600] as const;

/** The shortest `Strict-Transport-Security` max-age accepted: one year. */
export const HSTS_MIN_MAX_AGE_SEC = 31536000;

export const TLS_PROFILES = ["MODERN", "RESTRICTED"] as const;
export const DNS_AUTHORIZATION_TYPES = ["PER_PROJECT_RECORD", "FIXED_RECORD"] as const;

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why `host` is not a fully qualified host name a Google-managed certificate can cover, or undefined. */
export function hostProblem(host: string): string | undefined {
  const shape = "must be a fully qualified host name such as app.example.com: lower-case labels of a-z, 0-9 and '-' (1-63 characters, not starting or ending with '-'), at least two, no wildcard, no trailing dot, at most 253 characters";
  if (host.length > 253 || host.endsWith(".") || host.includes("*")) return shape;
  const labels = host.split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return host.toLowerCase() !== host ? `${shape} (write it in lower case)` : shape;
  if (/^\d+$/.test(labels[labels.length - 1])) return "must be a host name, not an IP address (a certificate is issued for names)";
  return undefined;
}

/** The requests per counting window a rate limit makes: Cloud Armor counts whole requests. */
export function requestsPerWindow(requestsPerMinute: number, windowSec: number): number {
  return Math.round((requestsPerMinute * windowSec) / 60);
}

/**
 * The options' rules: what an environment's `frontDoor` section and the construct's props must satisfy. Names: the
 * `name` prefix is limited so that every fixed "<name>-..." resource name fits 63 characters; per-host names are
 * shortened with a stable hash when needed (`hostResourceName`), so they always fit.
 */
export function frontDoorProblems(o: FrontDoorOptions): Problem[] {
  return [
    ...rfc1035(["name"], o.name, FRONT_DOOR_NAME_MAX, `front door name (${FRONT_DOOR_NAME_MAX} characters at most, so that every "<name>-..." resource name fits Google's ${GOOGLE_NAME_MAX})`),
    ...intRange(["hstsMaxAgeSec"], o.hstsMaxAgeSec, HSTS_MIN_MAX_AGE_SEC, 63072000, "Strict-Transport-Security max-age: one year at least (browsers' preload lists ask for it), two at most"),
    ...intRange(["nodePort"], o.nodePort, NODE_PORT_RANGE.min, NODE_PORT_RANGE.max, "Kubernetes' NodePort range"),
    ...unless(o.healthCheckPath === undefined || !known(o.healthCheckPath) || /^\/[^\s]{0,1023}$/.test(o.healthCheckPath), ["healthCheckPath"], o.healthCheckPath, "must be a path starting with '/', without spaces, at most 1024 characters"),
    ...unless(o.tlsProfile === undefined || (TLS_PROFILES as readonly string[]).includes(o.tlsProfile), ["tlsProfile"], o.tlsProfile, `must be one of ${TLS_PROFILES.join(", ")}`),
    ...unless(o.dnsAuthorizationType === undefined || (DNS_AUTHORIZATION_TYPES as readonly string[]).includes(o.dnsAuthorizationType), ["dnsAuthorizationType"], o.dnsAuthorizationType, `must be one of ${DNS_AUTHORIZATION_TYPES.join(", ")}`),
    ...intRange(["backendTimeoutSec"], o.backendTimeoutSec, 1, 86400, "the load balancer's backend timeout; also the longest a WebSocket may stay open"),
    ...intRange(["connectionDrainingTimeoutSec"], o.connectionDrainingTimeoutSec, 0, 3600),
    ...rateLimitProblems(o.rateLimit),
  ];
}

function rateLimitProblems(r: FrontDoorOptions["rateLimit"]): Problem[] {
  if (r === undefined || r === false) return [];
  if (typeof r !== "object" || r === null) return [{ path: ["rateLimit"], value: r, rule: "must be { requestsPerMinute, windowSec? } or false (no limit)" }];
  const window = r.windowSec ?? 60;
  return [
    ...intRange(["rateLimit", "requestsPerMinute"], r.requestsPerMinute, 1, 10_000_000),
    ...unless((RATE_LIMIT_WINDOWS_SEC as readonly number[]).includes(window), ["rateLimit", "windowSec"], r.windowSec, `must be one of Cloud Armor's windows: ${RATE_LIMIT_WINDOWS_SEC.join(", ")} seconds`),
    ...unless(!known(r.requestsPerMinute) || !(r.requestsPerMinute > 0) || requestsPerWindow(r.requestsPerMinute, window) >= 1, ["rateLimit", "requestsPerMinute"], r.requestsPerMinute, `allows less than one request per ${window}-second window`, "raise it or use a longer windowSec"),
  ];
}

/** The hosts' rules: at least one, each a host name a managed certificate can cover, none twice. */
export function frontDoorHostsProblems(hosts: readonly string[] | undefined): Problem[] {
  const list = hosts ?? [];
  return [
    ...unless(list.length > 0, ["hosts"], hosts, "must name at least one host (the certificate covers exactly the hosts)"),
    ...list.flatMap((h, i) => {
      if (!known(h)) return [];
      const problem = hostProblem(h);
      return problem ? [{ path: ["hosts", i], value: h, rule: problem }] : [];
    }),
    ...duplicates(list).map((h) => ({ path: ["hosts"], value: h, rule: `names ${h} twice` })),
  ];
}

/** Rules on what only the stack knows: the hosts, and the zones the node pools' instance groups are in. */
export function frontDoorWiringProblems(p: Pick<FrontDoorProps, "hosts" | "zones" | "cluster" | "labels">): Problem[] {
  const fromCluster = p.cluster.nodeLocations;
  const pools = Object.keys(p.cluster.nodePools);
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((z, i) => z === [...b].sort()[i]);
  return [
    ...frontDoorHostsProblems(p.hosts),
    ...unless(pools.length > 0, ["cluster"], pools, "has no node pool: the load balancer would have no backend"),
    ...unless(p.zones !== undefined || fromCluster !== undefined, ["zones"], p.zones, "are unknown: the cluster's node pools have no fixed zones, so their instance groups cannot get the named port at plan time", "set nodeLocations on the GkeCluster (and leave zones out)"),
    ...zonesProblems(["zones"], p.zones),
    ...unless(p.zones === undefined || fromCluster === undefined || !known(p.zones) || !known(fromCluster) || same(p.zones, fromCluster), ["zones"], p.zones, `must equal the cluster's nodeLocations ${JSON.stringify(fromCluster)}: each node pool has an instance group in exactly those zones`, "leave zones out"),
    ...gcpLabels(["labels"], p.labels),
  ];
}
