/**
 * IPv4 CIDR arithmetic used by synth-time checks. Pure functions: no cdktf.
 */

/** A parsed IPv4 range: first and last address as unsigned 32-bit integers. */
export interface Ipv4Range {
  readonly cidr: string;
  readonly first: number;
  readonly last: number;
  readonly prefixLength: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Returns why `cidr` is not a canonical IPv4 CIDR, or undefined when it is. */
export function cidrProblem(cidr: string): string | undefined {
  const m = CIDR_RE.exec(cidr);
  if (!m) return "must be an IPv4 CIDR like 10.0.0.0/20";
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return "each octet must be 0-255";
  const prefix = Number(m[5]);
  if (prefix > 32) return "prefix length must be 0-32";
  const addr = toInt(octets);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((addr & mask) >>> 0 !== addr) {
    return `host bits are set; the network address is ${fromInt((addr & mask) >>> 0)}/${prefix}`;
  }
  return undefined;
}

/** Parses a canonical IPv4 CIDR; throws with the reason when it is not one. */
export function parseCidr(cidr: string): Ipv4Range {
  const problem = cidrProblem(cidr);
  if (problem) throw new Error(`"${cidr}" is not a valid CIDR: ${problem}`);
  const m = CIDR_RE.exec(cidr)!;
  const prefixLength = Number(m[5]);
  const first = toInt(m.slice(1, 5).map(Number));
  const size = 2 ** (32 - prefixLength);
  return { cidr, first, last: first + size - 1, prefixLength };
}

/** True when the two ranges share at least one address. */
export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** A named CIDR, e.g. `{ name: "network.subnet.primary", cidr: "10.10.0.0/20" }`. */
export interface NamedCidr {
  readonly name: string;
  readonly cidr: string;
}

/** A pair of named ranges that overlap. */
export interface CidrOverlap {
  readonly a: NamedCidr;
  readonly b: NamedCidr;
}

/** Every overlapping pair among `ranges`, in input order. Invalid CIDRs are ignored (they are reported elsewhere). */
export function findOverlaps(ranges: readonly NamedCidr[]): CidrOverlap[] {
  const parsed = ranges
    .filter((r) => cidrProblem(r.cidr) === undefined)
    .map((r) => ({ named: r, range: parseCidr(r.cidr) }));
  const overlaps: CidrOverlap[] = [];
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      if (rangesOverlap(parsed[i].range, parsed[j].range)) {
        overlaps.push({ a: parsed[i].named, b: parsed[j].named });
      }
    }
  }
  return overlaps;
}

/** Human text for one overlap, naming both sides. */
export function describeOverlap(o: CidrOverlap): string {
  return `${o.a.name} (${o.a.cidr}) overlaps ${o.b.name} (${o.b.cidr}); every subnet, secondary range, GKE control-plane range, private-service-access range and Redis range must be disjoint`;
}

function toInt(octets: number[]): number {
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

function fromInt(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}
