/**
 * The subset of Terraform's machine-readable plan (`terraform show -json plan.out`) that previews read.
 * See Terraform's "JSON Output Format" docs; unknown fields are ignored.
 */

export type PlanAction = "no-op" | "create" | "read" | "update" | "delete";

export interface PlanResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: readonly PlanAction[];
    readonly before?: unknown;
    readonly after?: unknown;
    readonly after_unknown?: unknown;
    readonly before_sensitive?: unknown;
    readonly after_sensitive?: unknown;
    /** Attribute paths that force the replacement. */
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
  readonly action_reason?: string;
}

export interface Plan {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly output_changes?: Record<string, { readonly actions: readonly PlanAction[]; readonly before_sensitive?: unknown; readonly after_sensitive?: unknown }>;
  readonly errored?: boolean;
}

/** Parses a plan JSON document; throws naming what is missing when it is not a plan. */
export function parsePlan(text: string, source: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message}); pass the output of \`terraform show -json <planfile>\`.`);
  }
  if (typeof value !== "object" || value === null || typeof (value as Plan).format_version !== "string") {
    throw new Error(`${source}: no format_version; pass the output of \`terraform show -json <planfile>\`, not the human plan text.`);
  }
  const plan = value as Plan;
  if (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes)) {
    throw new Error(`${source}: resource_changes is not a list.`);
  }
  return plan;
}
