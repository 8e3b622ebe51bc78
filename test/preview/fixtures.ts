import { Plan, PlanAction, PlanResourceChange } from "../../src/preview";

/** A hand-written resource change, for edge cases only (real plans are tested in plan-real.test.ts). */
export function change(address: string, actions: PlanAction[], extra: Partial<PlanResourceChange["change"]> = {}, reason?: string): PlanResourceChange {
  const [type, name] = address.split(".");
  return { address, mode: "managed", type, name, change: { actions, before: null, after: {}, ...extra }, action_reason: reason };
}

export function plan(...changes: PlanResourceChange[]): Plan {
  return { format_version: "1.2", terraform_version: "1.11.4", resource_changes: changes };
}
