import { Plan, PlanResourceChange } from "./plan";

/** What a plan does to one resource, as a reviewer reads it. */
export type ChangeKind = "replace" | "destroy" | "create" | "update" | "read" | "no-op";

/** One changed resource. */
export interface ResourceChangeSummary {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  /** For replacements: the attributes that force it (dotted paths). */
  readonly forcedBy: readonly string[];
  /** For updates and replacements: the attributes whose value changes, with display values (secrets masked). */
  readonly attributes: readonly AttributeChange[];
}

export interface AttributeChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/** Counts and changes of one stack's plan. */
export interface PlanSummary {
  readonly stack: string;
  readonly counts: Record<"create" | "update" | "replace" | "destroy", number>;
  /** Every change except no-ops and reads, most important first (replace, destroy, update, create). */
  readonly changes: readonly ResourceChangeSummary[];
}

/** Attribute names whose values are never shown, whatever the plan's sensitive markers say. */
export const SECRET_FIELD_PATTERN = /(password|secret|token|private_key|client_key|auth_string|credentials|certificate_key|_wo$)/i;

const ORDER: Record<ChangeKind, number> = { replace: 0, destroy: 1, update: 2, create: 3, read: 4, "no-op": 5 };

/** Classifies Terraform's action lists: ["delete","create"] and ["create","delete"] are replacements. */
export function kindOf(actions: readonly string[]): ChangeKind {
  const set = new Set(actions);
  if (set.has("delete") && set.has("create")) return "replace";
  if (set.has("delete")) return "destroy";
  if (set.has("create")) return "create";
  if (set.has("update")) return "update";
  if (set.has("read")) return "read";
  return "no-op";
}

/** Summarizes one stack's plan. */
export function summarizePlan(stack: string, plan: Plan): PlanSummary {
  const counts = { create: 0, update: 0, replace: 0, destroy: 0 };
  const changes: ResourceChangeSummary[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    const kind = kindOf(rc.change.actions);
    if (kind === "no-op" || kind === "read") continue;
    counts[kind] += 1;
    changes.push({
      address: rc.address,
      type: rc.type,
      kind,
      forcedBy: (rc.change.replace_paths ?? []).map((p) => p.join(".")),
      attributes: kind === "update" || kind === "replace" ? attributeChanges(rc) : [],
    });
  }
  changes.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.address.localeCompare(b.address));
  return { stack, counts, changes };
}

/** Top-level and nested attribute changes of one resource, values masked where sensitive. */
export function attributeChanges(rc: PlanResourceChange): AttributeChange[] {
  const out: AttributeChange[] = [];
  const walk = (before: unknown, after: unknown, unknown: unknown, beforeSens: unknown, afterSens: unknown, path: string[]) => {
    const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    if (isObj(before) && isObj(after) && !isTrue(unknown)) {
      const keys = new Set([...Object.keys(before), ...Object.keys(after), ...(isObj(unknown) ? Object.keys(unknown) : [])]);
      for (const key of [...keys].sort()) {
        walk(before[key], after[key], pick(unknown, key), pick(beforeSens, key), pick(afterSens, key), [...path, key]);
      }
      return;
    }
    const afterUnknown = containsTrue(unknown);
    if (!afterUnknown && JSON.stringify(before) === JSON.stringify(after)) return;
    const p = path.join(".");
    const secret = SECRET_FIELD_PATTERN.test(path[path.length - 1] ?? "") || containsTrue(beforeSens) || containsTrue(afterSens);
    out.push({
      path: p,
      before: secret ? "(sensitive)" : display(before),
      after: secret ? "(sensitive)" : afterUnknown ? "(known after apply)" : display(after),
    });
  };
  walk(rc.change.before ?? {}, rc.change.after ?? {}, rc.change.after_unknown ?? {}, rc.change.before_sensitive ?? {}, rc.change.after_sensitive ?? {}, []);
  return out;
}

function pick(v: unknown, key: string): unknown {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : v === true ? true : undefined;
}

function isTrue(v: unknown): boolean {
  return v === true;
}

function containsTrue(v: unknown): boolean {
  if (v === true) return true;
  if (Array.isArray(v)) return v.some(containsTrue);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsTrue);
  return false;
}

function display(v: unknown): string {
  if (v === undefined || v === null) return "null";
  const text = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
