/**
 * `--plan plan.json`: the pending changes and the destroy guard's findings, made by the PR preview's own code
 * (src/preview: parsePlan, summarizePlan, checkPlans, renderPreview), so the page says what the PR comment says.
 */
import { checkPlans, constructPaths, createMasker, parsePlan, PlanError, PreviewPolicy, renderPreview, ResourceChangeSummary, SynthesizedStack, summarizePlan } from "../../src/preview";
import { PlanChangeModel, PlanModel } from "./model";

export interface PlanInput {
  readonly stack: string;
  readonly file: string;
  readonly text: string;
  /** The stack's synthesized JSON: changes grouped by construct path, as `--config` does for the comment. */
  readonly synthesized: SynthesizedStack;
  readonly policy: PreviewPolicy;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now: Date;
}

export function planModel(input: PlanInput): PlanModel {
  const masker = createMasker({ ...input.policy.mask, env: input.env ?? {} });
  let plan;
  try {
    plan = parsePlan(input.text, input.file);
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
    return { file: input.file, refused: e.message, counts: {}, intent: [], changes: [], findings: [], blocked: false, comment: "" };
  }
  const summary = summarizePlan(input.stack, plan, { masker, constructs: constructPaths(input.synthesized) });
  const guard = checkPlans([summary], { policy: input.policy });
  const { markdown } = renderPreview([summary], { policy: input.policy, masker, run: { time: input.now.toISOString() } });
  const scrub = (s: string) => masker.scrub(s);
  return {
    file: input.file,
    counts: summary.counts,
    intent: summary.intent.map(scrub),
    changes: [...summary.changes, ...summary.drift.map((d) => ({ ...d, kind: "drift" as const }))].map((c) => changeModel(c, scrub)),
    findings: guard.findings.map((f) => ({ level: f.level, action: f.action, kind: f.kind === "replace" ? `replace (${f.replaceOrder === "delete-first" ? "delete first" : "create first"})` : f.kind, address: f.address, reason: f.reason })),
    blocked: guard.blocked,
    hash: guard.hash,
    comment: markdown,
  };
}

type Change = Omit<ResourceChangeSummary, "kind"> & { readonly kind: ResourceChangeSummary["kind"] | "drift" };

function changeModel(c: Change, scrub: (s: string) => string): PlanChangeModel {
  const notes: string[] = [];
  if (c.kind === "replace") notes.push(c.replaceOrder === "create-before-destroy" ? "create first" : "delete first: a gap without it");
  if (c.forcedBy.length > 0) notes.push(`forced by ${c.forcedBy.join(", ")}`);
  if (c.reason) notes.push(c.reason);
  if (c.movedFrom) notes.push(`moved from ${c.movedFrom}`);
  if (c.importId) notes.push(`imported from ${c.importId}`);
  if (c.protectedBy) notes.push(`${c.protectedBy} is on in the state`);
  if (c.kind === "forget") notes.push("removed from the state, not destroyed");
  if (c.kind === "drift") notes.push("changed outside Terraform; the plan brings it back");
  const attributes = (c.diff?.changes ?? []).map((l) => ({ path: l.path, before: scrub(l.before), after: scrub(l.after) }));
  if (c.diff && c.diff.unchanged > 0) notes.push(`${c.diff.unchanged} unchanged attribute${c.diff.unchanged === 1 ? "" : "s"}`);
  return { kind: c.kind, address: c.address, construct: c.group, notes: notes.map(scrub), attributes };
}
