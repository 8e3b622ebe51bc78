import { Problem, ProblemPath, unless, warnIf } from "../validation/problem";
import { intRange, known, numberRange, rfc1035 } from "../validation/rules";
import { cidrProblem, describeOverlap, findOverlaps, NamedCidr, parseCidr } from "./cidr";
import type { IngressRule, NetworkOptions } from "./network";

/** A canonical IPv4 CIDR, optionally at least as large as `/maxPrefix`. */
export function cidrRule(path: ProblemPath, value: string | undefined, maxPrefix?: { prefix: number; why: string }): Problem[] {
  if (!known(value)) return [];
  const problem = cidrProblem(value!);
  if (problem) return [{ path, value, rule: `must be a canonical IPv4 CIDR (${problem})` }];
  if (maxPrefix && parseCidr(value!).prefixLength > maxPrefix.prefix) return [{ path, value, rule: `must be /${maxPrefix.prefix} or larger (${maxPrefix.why})` }];
  return [];
}

/** RFC 5737's documentation ranges: a CIDR inside one is a placeholder someone forgot to replace. */
export const DOCUMENTATION_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];

/** A warning when `value` lies in a documentation range (RFC 5737). */
export function documentationRange(path: ProblemPath, value: string | undefined): Problem[] {
  if (!known(value) || cidrProblem(value!)) return [];
  const doc = findOverlaps([{ name: "value", cidr: value! }, ...DOCUMENTATION_RANGES.map((cidr) => ({ name: "doc", cidr }))]).find((o) => o.a.name === "value");
  return warnIf(doc !== undefined, path, value, `is in the documentation range ${doc?.b.cidr} (RFC 5737): a placeholder, not a real network`, "replace it with the real range before the first deploy");
}

/** Disjoint ranges, each overlap reported once, at the path of the second range. */
export function overlapProblems(ranges: readonly (NamedCidr & { path: ProblemPath })[]): Problem[] {
  return findOverlaps(ranges).map((o) => {
    const b = ranges.find((r) => r.name === o.b.name && r.cidr === o.b.cidr)!;
    return { path: b.path, value: b.cidr, rule: describeOverlap(o) };
  });
}

/** The longest suffix Network adds to its name (`<name>-allow-health-checks`), so every derived name fits in 63. */
export const NETWORK_NAME_SUFFIXES = ["-allow-health-checks", "-deny-all-ingress", "-allow-iap-ssh", "-router", "-nat"];

/** Cloud SQL needs a /24 or larger private-service-access range; so does Memorystore's. */
const PSA_MIN = { prefix: 24, why: "Cloud SQL and Memorystore need at least a /24" };

export function networkProblems(o: NetworkOptions): Problem[] {
  const suffix = Math.max(...NETWORK_NAME_SUFFIXES.map((s) => s.length));
  const ranges = Object.entries(o.privateServiceRanges ?? {});
  return [
    ...rfc1035(["name"], o.name, 63 - suffix, `network name (${63 - suffix} characters at most, so that "<name>-allow-health-checks" fits in 63)`),
    ...cidrRule(["primaryCidr"], o.primaryCidr),
    ...cidrRule(["podsCidr"], o.podsCidr),
    ...cidrRule(["servicesCidr"], o.servicesCidr),
    ...unless(ranges.length > 0, ["privateServiceRanges"], o.privateServiceRanges, "must name at least one private-service-access range (Cloud SQL and Memorystore need one)"),
    ...ranges.flatMap(([purpose, cidr]) => [
      ...rfc1035(["privateServiceRanges", purpose], purpose, 20, "purpose key"),
      ...cidrRule(["privateServiceRanges", purpose], cidr, PSA_MIN),
    ]),
    ...numberRange(["flowLogSampling"], o.flowLogSampling, 0, 1, "a share of flows"),
    ...(o.iapSourceRanges ?? []).flatMap((c, i) => cidrRule(["iapSourceRanges", i], c)),
    ...overlapProblems([
      { name: "primaryCidr", cidr: o.primaryCidr, path: ["primaryCidr"] },
      { name: "podsCidr", cidr: o.podsCidr, path: ["podsCidr"] },
      { name: "servicesCidr", cidr: o.servicesCidr, path: ["servicesCidr"] },
      ...ranges.map(([purpose, cidr]) => ({ name: `privateServiceRanges.${purpose}`, cidr, path: ["privateServiceRanges", purpose] })),
    ].filter((r) => known(r.cidr))),
  ];
}

/** An ingress rule another construct asks the VPC for: a name that fits, ports, sources, no open-to-all by accident. */
export function ingressRuleProblems(r: IngressRule & { readonly name: string }): Problem[] {
  return [
    ...rfc1035(["name"], r.name, 63, "firewall rule name"),
    ...unless(r.tcpPorts.length > 0, ["tcpPorts"], r.tcpPorts, "must name at least one port (an empty list would open every port)"),
    ...r.tcpPorts.flatMap((p, i) => intRange(["tcpPorts", i], p, 1, 65535)),
    ...unless(r.sourceRanges.length > 0, ["sourceRanges"], r.sourceRanges, "must name at least one source range"),
    ...r.sourceRanges.flatMap((c, i) => cidrRule(["sourceRanges", i], c)),
    ...unless(r.targetServiceAccounts === undefined || r.targetServiceAccounts.length > 0, ["targetServiceAccounts"], r.targetServiceAccounts, "must name at least one service account, or be left out to target every instance"),
    ...intRange(["priority"], r.priority, 0, 65535),
  ];
}
