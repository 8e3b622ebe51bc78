/**
 * What an environment report shows, as plain data. `collect.ts` reads it from the environment's real stack (its
 * constructs and its synthesized JSON); the `html/` modules turn it into one static page. Nothing here is computed
 * twice: every value comes from the construct or the synthesized resource that the deploy uses.
 */
import type { AccessArea, AccessLevel } from "../../src/access";
import type { Color } from "../../src/deploy";
import type { MigrationPhase } from "../../src/platform";
import type { PortCategory, PortStrategy } from "../../src/ports";
import type { GuardAction, GuardLevel } from "../../src/preview";

export interface ReportModel {
  readonly env: string;
  readonly target: "docker" | "gcp";
  /** Facts for the page header: project, region, state backend ... */
  readonly facts: readonly Fact[];
  readonly generated: { readonly at: string; readonly commit?: string };
  readonly traffic: TrafficModel;
  readonly ports: PortsModel;
  /** Cloud environments only (dev is one Docker host: no IAM, no RBAC). */
  readonly access?: AccessModel;
  readonly resources: ResourcesModel;
  /** Cloud environments only. */
  readonly monitoring?: MonitoringModel;
  /** With `--plan`. */
  readonly plan?: PlanModel;
  /** Warning annotations of the stack's constructs: what to fix before (or know about at) a deploy. */
  readonly warnings: readonly ReadinessWarning[];
}

export interface Fact {
  readonly label: string;
  readonly value: string;
}

export interface ReadinessWarning {
  /** Construct path, without the stack id (`gke`, `bg-api`). */
  readonly construct: string;
  readonly message: string;
  /** A documentation-range value or similar stand-in that must be replaced before a real deploy. */
  readonly placeholder: boolean;
}

// ---- traffic ---------------------------------------------------------------------------------------------------

export type Side = "legacy" | "new" | "split";

/** One location of the router's default server (every host but new.<domain>), read from its nginx.conf. */
export interface RoutedPath {
  readonly path: string;
  readonly side: Side;
  /** The service the location proxies to (`legacy`, `tandem-web`'s key `web` ...); for a split, the new side's. */
  readonly service: string;
}

/** What moving to a neighbouring phase changes for one path. */
export interface PathChange {
  readonly path: string;
  readonly from: string;
  readonly to: string;
}

export interface PhaseStep {
  readonly phase: MigrationPhase;
  /** `path → weighted`: every path whose destination changes. */
  readonly changes: readonly PathChange[];
  /** Something the step needs besides the phase (a weight for `weighted`). */
  readonly note?: string;
}

export interface Backend {
  readonly upstream: string;
  readonly label?: string;
  readonly weightPercent: number;
}

/** A box on the right of the diagram: legacy, or a service of the new platform. */
export interface TrafficTarget {
  readonly id: string;
  readonly side: "legacy" | "new";
  readonly title: string;
  /** Lines under the title (routes, upstream, colours). */
  readonly lines: readonly string[];
  /** What reaches it in the current phase, on the edge from the router. */
  readonly share: string;
  readonly routed: boolean;
}

export interface BlueGreenColorModel {
  readonly color: Color;
  readonly image?: string;
  readonly replicas: number;
  readonly serving: boolean;
  readonly autoscaled: boolean;
}

export interface BlueGreenModel {
  readonly name: string;
  readonly activeColor: Color;
  readonly idleColor: Color;
  /** The share the canary really gets (replica ratio). */
  readonly effectiveCanaryPercent: number;
  readonly colors: readonly BlueGreenColorModel[];
  readonly services: { readonly shared: string; readonly active: string; readonly preview: string };
  /** What promoting (activeColor = idle) and rolling back would do, from the replica plan. */
  readonly promote: string;
  readonly rollback: string;
}

export interface FrontDoorModel {
  readonly title: string;
  readonly lines: readonly string[];
}

export interface TrafficModel {
  readonly phase: MigrationPhase;
  readonly phases: readonly MigrationPhase[];
  readonly weightPercent: number;
  readonly domain: string;
  readonly newHost: string;
  readonly frontDoor: FrontDoorModel;
  readonly router: { readonly name: string; readonly lines: readonly string[] };
  readonly legacy: { readonly name: string; readonly baseUrl: string; readonly upstream: string };
  /** The default server's locations, current phase, from the deployed nginx.conf. */
  readonly routing: readonly RoutedPath[];
  readonly targets: readonly TrafficTarget[];
  readonly previous?: PhaseStep;
  readonly next?: PhaseStep;
  readonly blueGreen: readonly BlueGreenModel[];
}

// ---- ports -----------------------------------------------------------------------------------------------------

export interface PortRow {
  readonly service: string;
  readonly category: PortCategory;
  readonly port: number;
  readonly target: string;
  readonly why: string;
  readonly pinned: boolean;
  /** Near-collisions: a legacy or avoided port next to it, or a derived port that had to step past one. */
  readonly notes: readonly string[];
}

export interface PortRangeModel {
  /** `backend block 30200-30299`, `web family 8100-8199`. */
  readonly label: string;
  readonly categories: readonly PortCategory[];
  readonly start: number;
  readonly end: number;
  readonly services: readonly { readonly service: string; readonly port: number }[];
  readonly legacy: readonly { readonly use: string; readonly port: number }[];
  readonly avoided: readonly number[];
  readonly free: number;
}

export interface PortsModel {
  readonly strategy: PortStrategy;
  readonly rows: readonly PortRow[];
  readonly ranges: readonly PortRangeModel[];
  readonly legacy: readonly { readonly use: string; readonly port: number; readonly note: string }[];
  readonly avoid: readonly number[];
}

// ---- access ----------------------------------------------------------------------------------------------------

export interface AccessCell {
  readonly level: AccessLevel;
  readonly iam: readonly string[];
  readonly kubernetes: readonly string[];
}

export interface AccessRoleModel {
  readonly role: string;
  readonly members: readonly string[];
  readonly cells: Readonly<Record<AccessArea, AccessCell>>;
  /** Cluster-wide grants (System Admin's cluster-admin). */
  readonly cluster: readonly string[];
}

export interface AccessModel {
  readonly areas: readonly AccessArea[];
  readonly roles: readonly AccessRoleModel[];
  readonly kubernetesRoles: readonly { readonly name: string; readonly namespace: string; readonly rules: readonly string[] }[];
  readonly projectIam: readonly { readonly role: string; readonly members: readonly string[]; readonly conditioned: boolean }[];
  readonly conditionNote?: string;
  readonly warnings: readonly string[];
}

// ---- resources -------------------------------------------------------------------------------------------------

export interface ConstructGroupModel {
  /** `platform/k8s`, `database`, `(stack)`. */
  readonly construct: string;
  readonly total: number;
  readonly types: readonly { readonly type: string; readonly count: number }[];
}

export type ProtectionState = "on" | "off" | "n/a";

export interface Protection {
  readonly label: "deletion protection" | "backups" | "PITR" | "HA";
  readonly state: ProtectionState;
  readonly detail: string;
}

export interface StatefulResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly construct: string;
  /** The destroy guard's level for this type. */
  readonly level: GuardLevel;
  readonly why: string;
  readonly protections: readonly Protection[];
}

export interface ResourcesModel {
  readonly total: number;
  readonly dataSources: number;
  readonly outputs: number;
  readonly groups: readonly ConstructGroupModel[];
  readonly stateful: readonly StatefulResource[];
}

// ---- monitoring ------------------------------------------------------------------------------------------------

export interface AlertModel {
  readonly name: string;
  readonly severity: "P0" | "P1" | "?";
  readonly title: string;
  readonly threshold: string;
  readonly condition: string;
  readonly channels: readonly string[];
}

export interface UptimeModel {
  readonly name: string;
  readonly side: string;
  readonly url: string;
  readonly period: string;
  readonly alert?: string;
}

export interface MonitoringModel {
  readonly channels: readonly { readonly name: string; readonly target: string }[];
  readonly alerts: readonly AlertModel[];
  readonly uptime: readonly UptimeModel[];
}

// ---- plan ------------------------------------------------------------------------------------------------------

export interface PlanChangeModel {
  readonly kind: string;
  readonly address: string;
  readonly construct?: string;
  readonly notes: readonly string[];
  readonly attributes: readonly { readonly path: string; readonly before: string; readonly after: string }[];
}

export interface GuardFindingModel {
  readonly level: GuardLevel;
  readonly action: GuardAction;
  readonly kind: string;
  readonly address: string;
  readonly reason: string;
}

export interface PlanModel {
  readonly file: string;
  /** Set when the plan was refused (not a complete plan): nothing else is shown. */
  readonly refused?: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly intent: readonly string[];
  readonly changes: readonly PlanChangeModel[];
  readonly findings: readonly GuardFindingModel[];
  readonly blocked: boolean;
  readonly hash?: string;
  /** The PR comment itself, as `tandem-preview` renders it for this plan. */
  readonly comment: string;
}
