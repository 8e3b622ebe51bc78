import { Problem, unless } from "../validation/problem";
import { intRange, known } from "../validation/rules";
import type { BootstrapOptions } from "./bootstrap";

/** GitHub's `owner/name` (owners: letters, digits, '-'; names also '.', '_'). */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
/** A GitHub environment name as it appears in the OIDC subject (no ':' that would forge another subject). */
const ENVIRONMENT = /^[A-Za-z0-9._ -]{1,255}$/;

/** The options' rules; with the environment's name, also the rules on the defaults it implies. */
export function bootstrapProblems(o: BootstrapOptions, environment?: string): Problem[] {
  const plan = o.planEnvironment ?? (environment === undefined ? undefined : `${environment}-plan`);
  const deploy = o.deployEnvironment ?? environment;
  return [
    ...unless(!known(o.repository) || REPOSITORY.test(o.repository), ["repository"], o.repository, "must be a GitHub repository as owner/name"),
    ...unless(o.planEnvironment === undefined || ENVIRONMENT.test(o.planEnvironment), ["planEnvironment"], o.planEnvironment, "must be a GitHub environment name (letters, digits, '.', '_', '-', ' ')"),
    ...unless(o.deployEnvironment === undefined || ENVIRONMENT.test(o.deployEnvironment), ["deployEnvironment"], o.deployEnvironment, "must be a GitHub environment name (letters, digits, '.', '_', '-', ' ')"),
    ...unless(plan === undefined || deploy === undefined || plan !== deploy, ["planEnvironment"], plan, `must differ from the deploy environment ("${deploy}"): PR code runs in the plan environment and must never get the deployer`),
    ...intRange(["stateVersionsKept"], o.stateVersionsKept, 1, 1000),
  ];
}
