/**
 * The subset of Terraform's machine-readable plan (`terraform show -json plan.out`) that previews read.
 * See Terraform's "JSON Output Format" docs; unknown fields are ignored.
 */

export type PlanAction = "no-op" | "create" | "read" | "update" | "delete" | "forget";

/** A value change: resource changes, drift and outputs share this shape. */
export interface PlanChange {
  readonly actions: readonly PlanAction[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  /** Attribute paths that force the replacement. */
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  /** Present when the resource is imported by this plan (`import` block). */
  readonly importing?: { readonly id?: string };
}

export interface PlanResourceChange {
  readonly address: string;
  /** Set when a `moved` block (or a refactoring) moves the resource here from another address. */
  readonly previous_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** The key of a deposed object (left behind by a failed create-before-destroy). */
  readonly deposed?: string;
  readonly change: PlanChange;
  readonly action_reason?: string;
}

export interface Plan {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  /** Changes Terraform found outside Terraform while refreshing. */
  readonly resource_drift?: readonly PlanResourceChange[];
  readonly output_changes?: Readonly<Record<string, PlanChange>>;
  readonly planned_values?: unknown;
  readonly errored?: boolean;
  readonly complete?: boolean;
}

/** The plan JSON major version this preview reads; Terraform keeps minor versions backward compatible. */
export const SUPPORTED_FORMAT_MAJOR = 1;

/** A file that is not a complete plan: the preview refuses it and says so (never "no changes"). */
export class PlanError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = "PlanError";
  }
}

const HOW = "pass the output of `terraform show -json <planfile>`";

/** Parses a plan JSON document; throws a {@link PlanError} naming the file when it is not a complete plan. */
export function parsePlan(text: string, file: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new PlanError(file, `not JSON (${(e as Error).message}); ${HOW}.`);
  }
  const problem = planProblem(value);
  if (problem) throw new PlanError(file, problem);
  return value as Plan;
}

/** Why a parsed JSON document is not a complete plan, or undefined when it is one. */
export function planProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `not a JSON object; ${HOW}.`;
  const doc = value as Record<string, unknown>;
  // Written by `tandem-preview redact` in the plan job for a file it refused (redact.ts).
  if (typeof doc.tandem_preview_refused === "string") return `refused in the plan job: ${doc.tandem_preview_refused}`;
  if (typeof doc.format_version !== "string") return `no format_version; ${HOW}, not the human plan text.`;
  const version = /^(\d+)\.(\d+)$/.exec(doc.format_version);
  if (!version) return `format_version "${doc.format_version}" is not a version this preview knows; ${HOW}.`;
  if (Number(version[1]) !== SUPPORTED_FORMAT_MAJOR) {
    return `unsupported format_version ${doc.format_version} (this preview reads ${SUPPORTED_FORMAT_MAJOR}.x); upgrade @tandem/cdktf or use a matching Terraform.`;
  }
  // `terraform show -json` without a plan file prints the state: `values`, no planned changes at all.
  if ("values" in doc && !("planned_values" in doc)) return `this is a state, not a plan (\`terraform show -json\` was run without a plan file); ${HOW}.`;
  if (!("planned_values" in doc) && !("resource_changes" in doc)) return `no planned_values or resource_changes: not a plan; ${HOW}.`;
  if (doc.errored === true) return "Terraform says planning failed (errored: true): the plan is partial, so its changes cannot be trusted; see the plan log.";
  if (doc.complete === false) return "the plan is incomplete (complete: false: -target/-exclude or deferred changes); plan everything for a preview.";
  for (const key of ["resource_changes", "resource_drift"] as const) {
    const list = doc[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `${key} is not a list.`;
    const bad = list.findIndex((c: unknown) => !isResourceChange(c));
    if (bad >= 0) return `${key}[${bad}] has no address or change.actions.`;
  }
  if (doc.output_changes !== undefined && (typeof doc.output_changes !== "object" || doc.output_changes === null)) return "output_changes is not an object.";
  return undefined;
}

function isResourceChange(c: unknown): boolean {
  if (typeof c !== "object" || c === null) return false;
  const rc = c as { address?: unknown; change?: { actions?: unknown } };
  return typeof rc.address === "string" && Array.isArray(rc.change?.actions);
}
