/**
 * The destroy guard: every destroy or replacement that loses data, takes something down or will fail at apply,
 * with its level; the policy decides per stack whether it blocks. A block is lifted only by an acknowledgement
 * of exactly these findings: its hash covers the blocking findings, so a later push that changes them needs a
 * new acknowledgement.
 */
import { createHash } from "node:crypto";
import { actionFor, DEFAULT_POLICY, PreviewPolicy } from "./policy";
import { BUILTIN_RULES, DELETION_PROTECTION_RULE, GuardAction, GuardKind, GuardLevel, GuardRule } from "./rules";
import { PlanSummary, ReplaceOrder, ResourceChangeSummary } from "./summarize";

export interface GuardFinding {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly kind: "replace" | "destroy";
  readonly replaceOrder?: ReplaceOrder;
  readonly level: GuardLevel;
  readonly rule: string;
  readonly reason: string;
  readonly action: GuardAction;
}

/** "I have read these findings and mean them", bound to their hash. */
export interface Acknowledgement {
  /** The findings' hash the comment showed (`/tandem ack <hash>`). */
  readonly hash: string;
  /** GitHub login. */
  readonly by: string;
  readonly at?: string;
  /** Link to the PR comment that said it. */
  readonly url?: string;
  /** The acknowledger's repository permission, as the workflow looked it up; absent for `--ack` on the command line. */
  readonly permission?: string;
}

export interface RejectedAcknowledgement {
  readonly ack: Acknowledgement;
  readonly why: string;
}

export interface GuardResult {
  readonly findings: readonly GuardFinding[];
  /** The hash of the blocking findings (what an acknowledgement must name), when any block. */
  readonly hash?: string;
  /** The acknowledgement that lifts the block, if one matches. */
  readonly acknowledged?: Acknowledgement;
  /** Acknowledgements that do not count, and why (stale after a push, the author's own, no write access). */
  readonly rejected: readonly RejectedAcknowledgement[];
  /** True when the preview must fail (non-zero exit, red check). */
  readonly blocked: boolean;
}

export interface GuardOptions {
  readonly policy?: PreviewPolicy;
  readonly acknowledgements?: readonly Acknowledgement[];
  /** The PR's author: their own acknowledgements do not count unless the policy allows it. */
  readonly prAuthor?: string;
}

/** Length of the findings hash shown in the comment (hex). 48 bits: no accidental collision between pushes. */
export const HASH_LENGTH = 12;

/** Every finding in every stack, the hash of those that block, and whether an acknowledgement lifts them. */
export function checkPlans(summaries: readonly PlanSummary[], options: GuardOptions = {}): GuardResult {
  const policy = options.policy ?? DEFAULT_POLICY;
  const rules = [...BUILTIN_RULES.filter((r) => !policy.disableRules.includes(r.id)), ...policy.rules];
  const findings: GuardFinding[] = [];
  for (const s of summaries) for (const c of s.changes) findings.push(...findingsFor(s.stack, c, rules, policy));
  const blocking = findings.filter((f) => f.action === "block");
  if (blocking.length === 0) return { findings, rejected: [], blocked: false };
  const hash = findingsHash(blocking);
  const { accepted, rejected } = judgeAcknowledgements(options.acknowledgements ?? [], hash, policy, options.prAuthor);
  return { findings, hash, acknowledged: accepted, rejected, blocked: accepted === undefined };
}

/** The findings one resource change raises. */
export function findingsFor(stack: string, c: ResourceChangeSummary, rules: readonly GuardRule[], policy: PreviewPolicy): GuardFinding[] {
  if (c.kind !== "destroy" && c.kind !== "replace") return [];
  const kind: GuardKind = c.kind === "replace" && c.replaceOrder === "delete-first" ? "delete-first-replace" : c.kind;
  const base = { stack, address: c.address, type: c.type, kind: c.kind, replaceOrder: c.replaceOrder };
  const out: GuardFinding[] = [];
  for (const r of rules) {
    const catches = r.kinds.includes(kind) || (kind === "delete-first-replace" && r.kinds.includes("replace"));
    if (!r.types.includes(c.type) || !catches) continue;
    const order = c.kind === "replace" && c.replaceOrder === "delete-first" ? " (deleted before its replacement exists)" : "";
    out.push({ ...base, level: r.level, rule: r.id, reason: r.reason + order, action: actionFor(policy, stack, r.level) });
  }
  if (c.protectedBy) {
    const reason = `${c.protectedBy} is on in the state, so the delete fails at apply; turn it off in an earlier apply`;
    out.push({ ...base, level: "will-fail", rule: DELETION_PROTECTION_RULE, reason, action: actionFor(policy, stack, "will-fail") });
  }
  return out;
}

/** A short hash of the findings, independent of their order. */
export function findingsHash(findings: readonly GuardFinding[]): string {
  const lines = [...new Set(findings.map((f) => [f.stack, f.address, f.kind, f.level].join("\t")))].sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, HASH_LENGTH);
}

/** The latest acknowledgement that counts for this hash, and every one that does not, with why. */
export function judgeAcknowledgements(
  acks: readonly Acknowledgement[],
  hash: string,
  policy: PreviewPolicy,
  prAuthor?: string,
): { accepted?: Acknowledgement; rejected: RejectedAcknowledgement[] } {
  let accepted: Acknowledgement | undefined;
  const rejected: RejectedAcknowledgement[] = [];
  for (const ack of acks) {
    const why =
      ack.hash.toLowerCase() !== hash
        ? "covers other findings (an earlier push); acknowledge the current hash"
        : prAuthor && !policy.acknowledge.allowAuthor && ack.by.toLowerCase() === prAuthor.toLowerCase()
          ? "the PR's author cannot acknowledge their own findings"
          : ack.permission !== undefined && !policy.acknowledge.permissions.includes(ack.permission)
            ? `needs ${policy.acknowledge.permissions.join(" or ")} permission (has ${ack.permission})`
            : undefined;
    if (why) rejected.push({ ack, why });
    else accepted = ack;
  }
  return { accepted, rejected };
}
