import { createHash } from "node:crypto";

/** Google's limit for Compute Engine and Certificate Manager resource names (RFC 1035 labels). */
export const GOOGLE_NAME_MAX = 63;

/** What a front door adds to its `name` for each resource it makes (per-host names are `hostResourceName`'s). */
export const FRONT_DOOR_NAME_SUFFIXES = {
  address: "-ip",
  sslPolicy: "-tls",
  certificateMap: "-certs",
  httpsUrlMap: "-https",
  httpsProxy: "-https",
  httpsRule: "-https",
  redirectUrlMap: "-redirect",
  httpProxy: "-http",
  httpRule: "-http",
  backendService: "-backend",
  healthCheck: "-health",
  securityPolicy: "-armor",
  firewall: "-to-nodes",
} as const;

/** Room a per-host name needs after `<name>-`: one character and a `-` plus a 6-character hash when shortened. */
const HOST_PART_MIN = 1 + 1 + 6;

/** The longest `name` every derived name fits with. */
export const FRONT_DOOR_NAME_MAX = GOOGLE_NAME_MAX - Math.max(...Object.values(FRONT_DOOR_NAME_SUFFIXES).map((s) => s.length), 1 + HOST_PART_MIN);

/**
 * `<name>-<host with dots as dashes>` (DNS authorization, certificate, map entry of one host). When that is over 63
 * characters the host part is cut and a stable hash of the whole host appended, so two long hosts never share a name
 * and a name never changes between runs.
 */
export function hostResourceName(name: string, host: string): string {
  const slug = host.replace(/\./g, "-");
  const full = `${name}-${slug}`;
  if (full.length <= GOOGLE_NAME_MAX) return full;
  const hash = createHash("sha256").update(host).digest("hex").slice(0, 6);
  const room = GOOGLE_NAME_MAX - name.length - 1 - 1 - hash.length;
  return `${name}-${slug.slice(0, Math.max(room, 1)).replace(/-+$/, "")}-${hash}`;
}

/** The named port on every instance group: the port in its name, so two front doors on one node pool never clash. */
export function namedPortName(nodePort: number): string {
  return `http-${nodePort}`;
}

/** Every resource name a front door derives, with the suffix or host it comes from (what the name rule checks). */
export function frontDoorNames(name: string, hosts: readonly string[]): { readonly name: string; readonly from: string }[] {
  return [
    ...[...new Set(Object.values(FRONT_DOOR_NAME_SUFFIXES))].map((suffix) => ({ name: `${name}${suffix}`, from: `"<name>${suffix}"` })),
    ...hosts.map((host) => ({ name: hostResourceName(name, host), from: `host ${host}` })),
  ];
}
