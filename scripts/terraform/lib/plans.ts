/**
 * Real plans of a synthesized stack in a scratch directory, shared by the tier's checks: a stack dir without its
 * backend, a plan as JSON, and a prior state synthesized from the create plan until the config plans no changes.
 */
import fs from "node:fs";
import path from "node:path";
import { changesResources, PlanForState, ProviderSchemas, State, stateFromPlan } from "./state-from-plan";

/** Runs Terraform in a directory and returns stdout; throws with the output when it fails. */
export type Terraform = (dir: string, args: string[]) => string;

/** A state whose plan is "No changes": the create plan's values, merged with later plans until nothing changes. */
export function converge(terraform: Terraform, dir: string, create: PlanForState, plan: (dir: string, file: string) => { json: PlanForState }): State {
  const schemas = JSON.parse(terraform(dir, ["providers", "schema", "-json"])) as ProviderSchemas;
  let state = stateFromPlan(create, schemas);
  for (let round = 1; round <= 10; round++) {
    fs.writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(state));
    const next = plan(dir, `converge-${path.basename(dir)}.json`).json;
    if (!changesResources(next)) return state;
    state = stateFromPlan(next, schemas, state);
  }
  throw new Error(`the synthesized state of ${path.basename(dir)} did not converge in 10 rounds`);
}

/**
 * The state after applying a (targeted) plan: the prior state with the planned values of the resources the plan
 * changes; every other resource kept as it was (a targeted plan's planned values cover only what it touches).
 */
export function applyPlanToState(prior: State, plan: PlanForState, schemas: ProviderSchemas): State {
  const changed = new Set((plan.resource_changes ?? []).filter((c) => c.mode === "managed" && !c.change.actions.every((a) => a === "no-op" || a === "read")).map((c) => c.address));
  const planned = stateFromPlan(plan, schemas, prior);
  const byAddress = new Map(planned.resources.map((r) => [`${r.type}.${r.name}`, r]));
  const deleted = new Set((plan.resource_changes ?? []).filter((c) => c.change.actions.includes("delete") && !c.change.actions.includes("create")).map((c) => c.address));
  const resources = prior.resources.filter((r) => !deleted.has(`${r.type}.${r.name}`)).map((r) => (changed.has(`${r.type}.${r.name}`) ? (byAddress.get(`${r.type}.${r.name}`) ?? r) : r));
  for (const [address, r] of byAddress) if (changed.has(address) && !prior.resources.some((p) => `${p.type}.${p.name}` === address)) resources.push(r);
  return { ...prior, serial: prior.serial + 1, resources };
}
