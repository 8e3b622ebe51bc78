/**
 * What the migration router needs from a service released in colours (a `BlueGreenService`, or any construct that
 * implements it): the route, the Services to split it between with exact weights, and the pods the router must
 * reach. `ParallelPlatform.addRelease()` takes it.
 */
import type { ITerraformDependable } from "cdktf";
import type { Problem } from "../validation/problem";
import { duplicates } from "../validation/rules";

/** One backend of a release: a Kubernetes Service and the share of the route's requests it gets. */
export interface ReleaseBackend {
  /** The Service's name (in the release's namespace). */
  readonly serviceName: string;
  /** The Service's port. */
  readonly port: number;
  /** What the access log calls it (`color`), e.g. `blue`: a lower-case DNS label. */
  readonly label: string;
  /** 0-100 with at most two decimals; a release's backends add up to 100. */
  readonly weightPercent: number;
}

/** A release the router can carry: implemented by `BlueGreenService`. */
export interface RouterRelease {
  /** The service's name in the access log (`service`) and the key of its sticky split. */
  readonly releaseName: string;
  /** The router location it gets (prefix stripped, as for every route). Undefined: it is not on the router. */
  readonly routePath?: string;
  /** Namespace of its Services: the platform's (`ParallelPlatform.namespaceRef` or its name), or a plain name. */
  readonly namespace: string;
  /** The Services the route is split between, in a stable order, live first. */
  readonly releaseBackends: readonly ReleaseBackend[];
  /** Labels every pod of the release carries: the router's egress policy is derived from them. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The port the pods listen on (the Services' target port). */
  readonly podPort: number;
  /** What must be in place before the router sends it traffic (the serving colours: capacity before traffic). */
  readonly servingDependables: readonly ITerraformDependable[];
}

/** A route path owned by something the router already sends somewhere (a platform service or another release). */
export interface RouteOwner {
  readonly owner: string;
  readonly path: string;
}

/**
 * Two owners of one route path: the router sends a path to one place. `releases` are reported at their own path
 * (`blueGreen.<name>.routePath`); the platform's services' paths are the platform's own rule.
 */
export function routeClashProblems(services: readonly RouteOwner[], releases: readonly RouteOwner[]): Problem[] {
  const out: Problem[] = [];
  const taken = new Map(services.map((s) => [s.path, s.owner] as const));
  for (const dup of duplicates(releases.map((r) => r.path))) {
    const owners = releases.filter((r) => r.path === dup);
    for (const r of owners.slice(1)) out.push({ path: [r.owner, "routePath"], value: dup, rule: `is also ${owners[0].owner}'s routePath; a path goes to one service` });
  }
  for (const r of releases) {
    const owner = taken.get(r.path);
    if (owner) out.push({ path: [r.owner, "routePath"], value: r.path, rule: `is already the route of ${owner}; a path goes to one service`, fix: "choose another routePath (a longer prefix may sit inside a shorter one: nginx takes the longest match)" });
  }
  return out;
}
