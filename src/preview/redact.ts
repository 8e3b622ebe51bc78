/**
 * `tandem-preview redact`: a plan JSON that is safe to keep as a workflow artifact. `terraform show -json`
 * prints sensitive values in clear (marked, not hidden): Memorystore's AUTH string, anything in the state. Anyone
 * who can read the repository can download artifacts, so the plan job keeps only what the preview reads, with
 * every secret (by the same rules as the comment) replaced by a salted fingerprint: a change still shows as a
 * change, the value cannot be read back. `prior_state`, `planned_values`, `configuration` and `variables` go.
 */
import { createHash } from "node:crypto";
import { isSecretChild, Masker, maskEnvString } from "./mask";
import { Plan, PlanChange, PlanResourceChange } from "./plan";

/** What `redact` writes instead of a plan it refuses: the reason travels to the comment, nothing else does. */
export const REFUSED_KEY = "tandem_preview_refused";

/** Redacts a parsed plan (it must have passed parsePlan). `salt` should be random per run. */
export function redactPlan(plan: Plan, masker: Masker, salt: string): Plan {
  const change = (c: PlanChange): PlanChange => ({
    ...c,
    before: redactValue(c.before, c.before_sensitive, false, masker, salt),
    after: redactValue(c.after, c.after_sensitive, false, masker, salt),
  });
  const resource = (rc: PlanResourceChange): PlanResourceChange => ({ ...rc, change: change(rc.change) });
  // Twice: the first pass remembers every secret, so the second also hides one that appears earlier in the
  // plan inside a longer string than where a rule finds it.
  plan.resource_changes?.forEach(resource);
  plan.resource_drift?.forEach(resource);
  Object.values(plan.output_changes ?? {}).forEach(change);
  return {
    format_version: plan.format_version,
    terraform_version: plan.terraform_version,
    // Present so the redacted file still reads as a plan; the values themselves are not needed.
    planned_values: {},
    resource_changes: plan.resource_changes?.map(resource),
    resource_drift: plan.resource_drift?.map(resource),
    output_changes: plan.output_changes ? Object.fromEntries(Object.entries(plan.output_changes).map(([k, c]) => [k, change(c)])) : undefined,
    errored: plan.errored,
    complete: plan.complete,
  };
}

/** The value with every secret leaf replaced by `(sensitive:<fingerprint>)`. */
export function redactValue(value: unknown, marks: unknown, secret: boolean, masker: Masker, salt: string): unknown {
  if (secret || marks === true) {
    masker.remember(value);
    return fingerprintTree(value, salt);
  }
  const json = typeof value === "string" ? jsonIn(value) : undefined;
  if (json !== undefined) return JSON.stringify(redactValue(json, undefined, false, masker, salt));
  if (Array.isArray(value)) return value.map((v, i) => redactValue(typeof v === "string" ? envString(v, masker, salt) : v, Array.isArray(marks) ? marks[i] : undefined, false, masker, salt));
  if (typeof value === "string") return masker.maskText(value);
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Record<string, unknown>;
  const m = typeof marks === "object" && marks !== null && !Array.isArray(marks) ? (marks as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, redactValue(v, m[k], isSecretChild(obj, k, masker), masker, salt)]));
}

function envString(s: string, masker: Masker, salt: string): string {
  const masked = maskEnvString(s, masker);
  return masked === s ? s : `${s.slice(0, s.indexOf("="))}=${fingerprint(s.slice(s.indexOf("=") + 1), salt)}`;
}

function fingerprintTree(value: unknown, salt: string): unknown {
  if (value === null || value === undefined || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((v) => fingerprintTree(v, salt));
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fingerprintTree(v, salt)]));
  return fingerprint(String(value), salt);
}

function fingerprint(s: string, salt: string): string {
  return `(sensitive:${createHash("sha256").update(salt).update("\0").update(s).digest("hex").slice(0, 8)})`;
}

/** A JSON object or array inside a string (IAM policies, service account keys), or undefined. */
function jsonIn(s: string): unknown {
  if (!/^\s*[[{]/.test(s)) return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}
