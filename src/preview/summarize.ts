import { constructGroup, resourceAddress } from "./constructs";
import { diffValues, formatPath, ValueDiff } from "./diff";
import { intentOf } from "./intent";
import { createMasker, Masker } from "./mask";
import { Plan, PlanChange, PlanResourceChange } from "./plan";

/** What a plan does to one resource, as a reviewer reads it. */
export type ChangeKind = "replace" | "destroy" | "forget" | "update" | "create" | "read" | "no-op";

/**
 * Terraform's two replacements: `["create","delete"]` (create_before_destroy: the new one exists before the old
 * one goes) and `["delete","create"]` (the default: there is a gap, and for a stateful resource the data is gone).
 */
export type ReplaceOrder = "create-before-destroy" | "delete-first";

/** One changed resource (or one moved, imported or forgotten). */
export interface ResourceChangeSummary {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  readonly replaceOrder?: ReplaceOrder;
  /** For replacements: the attributes that force it (`settings[0].edition`). */
  readonly forcedBy: readonly string[];
  /** Terraform's action_reason, in words. */
  readonly reason?: string;
  /** The address it moves from (`moved` block). */
  readonly movedFrom?: string;
  /** The id it is imported from (`import` block). */
  readonly importId?: string;
  /** The deposed object's key (left behind by a failed create-before-destroy). */
  readonly deposed?: string;
  /** cdktf's construct path, when the synthesized stack was given. */
  readonly constructPath?: string;
  /** The construct it belongs to (`platform/k8s`), for grouping. */
  readonly group?: string;
  /** The attribute that makes Terraform refuse to delete it (`deletion_protection`), when set in the prior state. */
  readonly protectedBy?: string;
  /** Changed leaves, for updates, replacements and drift (values masked). */
  readonly diff?: ValueDiff;
}

export interface OutputChangeSummary {
  readonly name: string;
  readonly kind: "create" | "update" | "destroy";
  readonly diff: ValueDiff;
}

export type CountKey = "create" | "update" | "replace" | "destroy" | "import" | "move" | "forget" | "drift" | "outputs";

/** Counts and changes of one stack's plan. */
export interface PlanSummary {
  readonly stack: string;
  readonly counts: Readonly<Record<CountKey, number>>;
  /** Every change except plain no-ops and reads, most important first (replace, destroy, forget, update, create, moves/imports). */
  readonly changes: readonly ResourceChangeSummary[];
  /** Changed outside Terraform (resource_drift). */
  readonly drift: readonly ResourceChangeSummary[];
  readonly outputs: readonly OutputChangeSummary[];
  /** What the change means, from known resources (`router weighted 25 % → cutover`, `api: promote green`). */
  readonly intent: readonly string[];
}

export interface SummarizeOptions {
  /** Masking rules and the run's remembered secrets; share one masker across every stack of a comment. */
  readonly masker?: Masker;
  /** `type.name` → construct path (see constructs.ts). */
  readonly constructs?: ReadonlyMap<string, string>;
}

/** Terraform's action_reason values, in words. */
export const ACTION_REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: "tainted",
  replace_because_cannot_update: "cannot be updated in place",
  replace_by_request: "replacement requested (-replace)",
  replace_by_triggers: "replace_triggered_by",
  delete_because_no_resource_config: "removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "count/for_each changed",
  delete_because_count_index: "count index out of range",
  delete_because_each_key: "for_each key removed",
  delete_because_no_move_target: "the moved target does not exist",
  read_because_config_unknown: "its configuration is known only after apply",
  read_because_dependency_pending: "a dependency changes",
  read_because_check_nested: "a check block reads it",
};

const ORDER: Record<ChangeKind, number> = { replace: 0, destroy: 1, forget: 2, update: 3, create: 4, read: 5, "no-op": 6 };

/** Classifies Terraform's action lists. */
export function kindOf(actions: readonly string[]): ChangeKind {
  const set = new Set(actions);
  if (set.has("delete") && set.has("create")) return "replace";
  if (set.has("delete")) return "destroy";
  if (set.has("forget")) return "forget";
  if (set.has("create")) return "create";
  if (set.has("update")) return "update";
  if (set.has("read")) return "read";
  return "no-op";
}

/** The order of a replacement, from the order of its actions. */
export function replaceOrderOf(actions: readonly string[]): ReplaceOrder | undefined {
  if (kindOf(actions) !== "replace") return undefined;
  return actions.indexOf("create") < actions.indexOf("delete") ? "create-before-destroy" : "delete-first";
}

/** Summarizes one stack's plan. */
export function summarizePlan(stack: string, plan: Plan, options: SummarizeOptions = {}): PlanSummary {
  const masker = options.masker ?? createMasker();
  const counts: Record<CountKey, number> = { create: 0, update: 0, replace: 0, destroy: 0, import: 0, move: 0, forget: 0, drift: 0, outputs: 0 };
  const changes: ResourceChangeSummary[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    const s = summarizeResource(rc, masker, options.constructs);
    if (s.kind === "create" || s.kind === "update" || s.kind === "replace" || s.kind === "destroy" || s.kind === "forget") counts[s.kind] += 1;
    if (s.importId !== undefined) counts.import += 1;
    if (s.movedFrom !== undefined) counts.move += 1;
    if (isListed(s)) changes.push(s);
  }
  changes.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.address.localeCompare(b.address));
  const drift = (plan.resource_drift ?? []).filter((rc) => rc.mode === "managed" && kindOf(rc.change.actions) !== "no-op").map((rc) => summarizeResource(rc, masker, options.constructs, true));
  counts.drift = drift.length;
  const outputs = summarizeOutputs(plan.output_changes ?? {}, masker);
  counts.outputs = outputs.length;
  return { stack, counts, changes, drift, outputs, intent: intentOf(plan) };
}

/** A change worth listing: anything but a plain no-op or read. */
function isListed(s: ResourceChangeSummary): boolean {
  return (s.kind !== "no-op" && s.kind !== "read") || s.movedFrom !== undefined || s.importId !== undefined;
}

/** One resource change, drift entry or deposed object. */
export function summarizeResource(rc: PlanResourceChange, masker: Masker, constructs?: ReadonlyMap<string, string>, drift = false): ResourceChangeSummary {
  const kind = kindOf(rc.change.actions);
  const constructPath = constructs?.get(resourceAddress(rc.address));
  const withDiff = drift || kind === "update" || kind === "replace" || (kind === "no-op" && rc.change.importing !== undefined);
  return {
    address: rc.address,
    type: rc.type,
    kind,
    replaceOrder: replaceOrderOf(rc.change.actions),
    forcedBy: (rc.change.replace_paths ?? []).map(formatPath),
    reason: rc.action_reason ? (ACTION_REASONS[rc.action_reason] ?? rc.action_reason) : undefined,
    movedFrom: rc.previous_address,
    importId: rc.change.importing ? (rc.change.importing.id ?? "(by identity)") : undefined,
    deposed: rc.deposed,
    constructPath,
    group: constructGroup(constructPath),
    protectedBy: kind === "destroy" || kind === "replace" ? protectionOf(rc.change.before) : undefined,
    diff: withDiff ? diffOf(rc.change, masker) : undefined,
  };
}

/** The output changes other teams will see (their remote-state reads), values masked. */
export function summarizeOutputs(outputs: Readonly<Record<string, PlanChange>>, masker: Masker): OutputChangeSummary[] {
  const out: OutputChangeSummary[] = [];
  for (const name of Object.keys(outputs).sort()) {
    const c = outputs[name];
    const kind = kindOf(c.actions);
    if (kind !== "create" && kind !== "update" && kind !== "destroy") continue;
    out.push({ name, kind, diff: diffOf(c, masker) });
  }
  return out;
}

function diffOf(c: PlanChange, masker: Masker): ValueDiff {
  return diffValues({ before: c.before, after: c.after, afterUnknown: c.after_unknown, beforeSensitive: c.before_sensitive, afterSensitive: c.after_sensitive }, masker);
}

/**
 * The attribute with which the prior state refuses deletion. The provider checks the value in state, so a
 * destroy (or a replacement) fails at apply even when the same change turns the flag off.
 */
export function protectionOf(before: unknown): string | undefined {
  if (typeof before !== "object" || before === null) return undefined;
  const b = before as { deletion_protection?: unknown; deletion_protection_enabled?: unknown; settings?: unknown };
  if (b.deletion_protection === true) return "deletion_protection";
  if (b.deletion_protection_enabled === true) return "deletion_protection_enabled";
  const settings = Array.isArray(b.settings) ? (b.settings[0] as { deletion_protection_enabled?: unknown } | undefined) : undefined;
  if (settings?.deletion_protection_enabled === true) return "settings[0].deletion_protection_enabled";
  return undefined;
}
