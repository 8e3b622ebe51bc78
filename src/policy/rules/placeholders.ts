import { cidrProblem, findOverlaps } from "../../network/cidr";
import { DOCUMENTATION_RANGES } from "../../network/rules";
import { Finding, PolicyRule, strings } from "../context";

/** RFC 2606's reserved names, with the mailbox if there is one: a placeholder someone forgot to replace. */
const EXAMPLE_HOST = /([a-z0-9._%+-]+@)?\b([a-z0-9-]+\.)*(example\.(com|net|org)|[a-z0-9-]+\.(example|test|invalid|localhost))\b/gi;

/** Documentation ranges (RFC 5737) in any value: CIDRs and addresses. */
export const documentationRanges: PolicyRule = {
  id: "TANDEM-PLACEHOLDER-1",
  level: "warning",
  summary: "documentation ranges (RFC 5737, placeholder networks) are still in the stack",
  check(ctx) {
    const out: Finding[] = [];
    for (const r of ctx.resources) {
      for (const { path, value } of strings(r.config)) {
        for (const m of value.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})(\/\d{1,2})?\b/g)) {
          // A CIDR as written, else the single address (an address with host bits set is checked as itself).
          const written = `${m[1]}${m[2] ?? "/32"}`;
          const cidr = cidrProblem(written) === undefined ? written : `${m[1]}/32`;
          if (cidrProblem(cidr) !== undefined) continue;
          // Inside a documentation range, not merely overlapping one (0.0.0.0/0 overlaps them all).
          const prefix = Number(cidr.split("/")[1]);
          const doc = findOverlaps([{ name: "v", cidr }, ...DOCUMENTATION_RANGES.map((c) => ({ name: c, cidr: c }))]).find((o) => o.a.name === "v" && prefix >= Number(o.b.cidr.split("/")[1]));
          if (doc) out.push({ path: r.path, value: m[0], message: `${path} holds ${m[0]}, in the documentation range ${doc.b.cidr}`, fix: "replace it with the real network before the first deploy" });
        }
      }
    }
    return out;
  },
};

/** Example host names (RFC 2606) in any value: domains, e-mail addresses, groups. */
export const exampleHosts: PolicyRule = {
  id: "TANDEM-PLACEHOLDER-2",
  level: "warning",
  summary: "example host names (RFC 2606, placeholder domains) are still in the stack",
  check(ctx) {
    const out: Finding[] = [];
    for (const r of ctx.resources) {
      // The names themselves (`qa@example.com`, not `group:qa@example.com` or a whole nginx.conf), each once.
      const names = [...new Set(strings(r.config).flatMap((s) => [...s.value.matchAll(EXAMPLE_HOST)].map((m) => m[0].toLowerCase())))];
      if (names.length > 0) out.push({ path: r.path, value: names, message: `uses example host names (${names.join(", ")})`, fix: "replace them with the environment's real domains and groups before the first deploy" });
    }
    return out;
  },
};
