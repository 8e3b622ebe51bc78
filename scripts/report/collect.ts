/**
 * The report's model, read from an environment's real stack: the constructs `cliStack` built exactly as the deploy
 * builds them, and the JSON that stack synthesizes. Config is read only for what it names (the roles of the access
 * table, the legacy system's name); every planned value comes from a construct.
 */
import { AnnotationMetadataEntryType } from "cdktf";
import { ACCESS_AREAS, AccessArea, AccessLevel } from "../../src/access";
import { EnvironmentConfig } from "../../src/config";
import { BlueGreenService, COLORS } from "../../src/deploy";
import { MIGRATION_PHASES, ParallelPlatform, PORT_DEFAULTS, RouterTarget } from "../../src/platform";
import type { DevStack, GcpStack } from "../../stacks";
import { frontDoorOf } from "./edge";
import { AccessCell, AccessModel, AccessRoleModel, BlueGreenModel, Fact, PlanModel, ReadinessWarning, ReportModel, RoutedPath, TrafficModel, TrafficTarget } from "./model";
import { monitoringModel } from "./monitoring";
import { portsModel, targetsFromTable } from "./ports";
import { resourcesModel } from "./resources";
import { defaultRouting, formatPercent, neighbourSteps } from "./routing";
import { byPath, resourcesOf, str, SynthesizedJson, SynthResource } from "./terraform-json";

export interface CollectOptions {
  readonly now: Date;
  readonly commit?: string;
  readonly plan?: PlanModel;
}

/** Whether the stack is a cloud one (it has a cluster, a database, access and monitoring). */
function isGcp(stack: DevStack | GcpStack): stack is GcpStack {
  return "access" in stack;
}

export function collectReport(config: EnvironmentConfig, stack: DevStack | GcpStack, json: SynthesizedJson, options: CollectOptions): ReportModel {
  const resources = resourcesOf(json);
  const at = byPath(resources);
  const gcp = isGcp(stack) ? stack : undefined;
  const platform = stack.platform;
  return {
    env: config.name,
    target: config.target,
    facts: facts(config, stack, resources.length, at),
    generated: { at: options.now.toISOString(), commit: options.commit },
    traffic: trafficModel(config, platform, gcp?.blueGreen ?? {}, resources, at),
    ports: portsModel({
      plan: platform.portPlan,
      targets: targetsFromTable(platform.formatPlan(true)),
      reserved: config.legacy.reservedPorts,
      avoid: config.platform.ports.avoid ?? PORT_DEFAULTS.avoid,
    }),
    access: gcp && config.target === "gcp" ? accessModel(config.access.roles, gcp) : undefined,
    resources: resourcesModel(json),
    monitoring: gcp
      ? monitoringModel(
          {
            channels: paths(gcp.monitoring.channels),
            alertPolicies: paths(gcp.monitoring.alertPolicies),
            uptimeChecks: paths(gcp.monitoring.uptimeChecks),
          },
          at,
        )
      : undefined,
    plan: options.plan,
    warnings: readinessWarnings(stack),
  };
}

function paths(constructs: Readonly<Record<string, { readonly node: { readonly path: string } }>>): Record<string, string> {
  return Object.fromEntries(Object.entries(constructs).map(([k, c]) => [k, c.node.path]));
}

function facts(config: EnvironmentConfig, stack: DevStack | GcpStack, resources: number, at: ReadonlyMap<string, SynthResource>): Fact[] {
  const out: Fact[] = [{ label: "target", value: config.target === "docker" ? "Docker (one machine)" : "Google Cloud" }];
  if (isGcp(stack) && config.target === "gcp") {
    out.push({ label: "project", value: config.gcp.project }, { label: "region", value: config.gcp.region });
    // Attributes may be tokens; the synthesized resource has the value.
    const cluster = str(at.get(stack.cluster.resource.node.path)?.body, "name") ?? stack.cluster.resource.node.id;
    out.push({ label: "cluster", value: cluster }, { label: "database", value: stack.database.instanceNames.join(", ") });
    out.push({ label: "namespace", value: stack.platform.plan.namespace });
  }
  out.push({ label: "state", value: config.state.backend === "gcs" ? `gs://${config.state.bucket}/${config.state.prefix}` : `local ${config.state.path}` });
  out.push({ label: "resources", value: String(resources) });
  out.push({ label: "router config", value: `sha256 ${stack.platform.routerConfigHash.slice(0, 12)}` });
  return out;
}

// ---- traffic ---------------------------------------------------------------------------------------------------

function trafficModel(config: EnvironmentConfig, platform: ParallelPlatform, blueGreen: Readonly<Record<string, BlueGreenService>>, resources: readonly SynthResource[], at: ReadonlyMap<string, SynthResource>): TrafficModel {
  const input = platform.plan.routerConfig;
  const weight = input.weightPercent ?? 0;
  const routing = defaultRouting(platform.routerConfig);
  const router = platform.plan.router;
  const { previous, next } = neighbourSteps(input);
  const newHost = `new.${input.domain}`;
  const origin = `${platform.plan.legacy.host}:${platform.plan.legacy.port}`;
  const targets: TrafficTarget[] = [legacyTarget(config.legacy.name, origin, input.legacy.upstream, routing, weight)];
  const routedTargets: RouterTarget[] = [input.entry, ...(input.routes ?? [])];
  const routedNames = new Set(routedTargets.map((t) => t.service));
  for (const name of [...routedNames]) {
    targets.push(newTarget(name, routedTargets.filter((t) => t.service === name), input.entry.service === name, routing, weight, newHost, input.routes ?? []));
  }
  const bgModels = Object.entries(blueGreen).map(([name, bg]) => blueGreenModel(name, bg, at));
  for (const bg of bgModels) {
    if (routedNames.has(bg.name)) continue;
    const live = bg.colors.filter((c) => c.serving).map((c) => `${c.color}${c.image ? ` ${shortImage(c.image)}` : ""}`);
    targets.push({
      id: `bg-${bg.name}`,
      side: "new",
      title: `${bg.name} (blue-green)`,
      lines: [`live: ${live.join(" + ")}`, `canary ${formatPercent(bg.effectiveCanaryPercent)} %`, `in-cluster Service ${bg.services.shared}`],
      share: "not routed by the router",
      routed: false,
    });
  }
  const unrouted = Object.values(platform.plan.services)
    .map((s) => s.name)
    .filter((n) => !routedNames.has(n));
  if (unrouted.length > 0) {
    targets.push({ id: "unrouted", side: "new", title: "not behind the router", lines: chunk(unrouted, 3).map((c) => c.join(", ")), share: "nothing through the router (reached directly)", routed: false });
  }
  return {
    phase: input.phase,
    phases: MIGRATION_PHASES,
    weightPercent: weight,
    domain: input.domain,
    newHost,
    frontDoor: frontDoorOf(resources, router.workloadName),
    router: { name: router.workloadName, lines: [`phase ${input.phase}${input.phase === "weighted" ? ` ${formatPercent(weight)} %` : ""}`, `${config.target === "docker" ? "1 container" : router.scale.kind === "autoscaled" ? `${router.scale.minReplicas}-${router.scale.maxReplicas} replicas (HPA)` : `${router.scale.replicas} replica${router.scale.replicas === 1 ? "" : "s"}`}, port ${router.port}`, shortImage(router.spec.image)] },
    legacy: { name: config.legacy.name, baseUrl: config.legacy.baseUrl, upstream: input.legacy.upstream },
    routing,
    targets,
    previous,
    next,
    blueGreen: bgModels,
  };
}

function chunk<T>(list: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

/** `europe-west1-docker.pkg.dev/tandem-shared/platform/api:1.4.0` → `api:1.4.0`. */
export function shortImage(image: string): string {
  return image.split("/").pop() ?? image;
}

function legacyTarget(name: string, origin: string, upstream: string, routing: readonly RoutedPath[], weight: number): TrafficTarget {
  const paths = routing.filter((r) => r.side === "legacy").map((r) => (r.path === "/" ? "everything else" : r.path));
  const split = routing.find((r) => r.side === "split");
  const share = split ? `${formatPercent(100 - weight)} % of other clients` : paths.length > 0 ? paths.join(", ") : "nothing (cut over; still running)";
  return { id: "legacy", side: "legacy", title: `${name} (legacy)`, lines: [`origin ${origin}`, ...(upstream !== origin ? [`router reaches it as ${upstream.split(".")[0]} (${upstream.slice(upstream.lastIndexOf(":") + 1)})`] : [])], share, routed: true };
}

function newTarget(name: string, targets: readonly RouterTarget[], entry: boolean, routing: readonly RoutedPath[], weight: number, newHost: string, routes: readonly { path: string; service: string }[]): TrafficTarget {
  const own = routing.filter((r) => r.side === "new" && r.service === name).map((r) => (r.path === "/" ? "everything else" : r.path));
  const split = entry ? routing.find((r) => r.side === "split") : undefined;
  const parts = [...own, ...(split ? [`${formatPercent(weight)} % of other clients`] : [])];
  const lines: string[] = [];
  if (entry) lines.push(`${newHost} (every phase)`);
  const paths = routes.filter((r) => r.service === name).map((r) => r.path);
  if (paths.length > 0) lines.push(`routes ${paths.join(", ")}`);
  for (const t of targets) {
    const live = t.backends.filter((b) => b.weightPercent > 0);
    if (live.length > 1 || live.some((b) => b.label)) lines.push(live.map((b) => `${b.label ?? b.upstream} ${formatPercent(b.weightPercent)} %`).join(" · "));
  }
  return { id: `svc-${name}`, side: "new", title: name, lines, share: parts.length > 0 ? parts.join(", ") : `only via ${newHost}`, routed: true };
}

function blueGreenModel(name: string, bg: BlueGreenService, at: ReadonlyMap<string, SynthResource>): BlueGreenModel {
  const image = (color: (typeof COLORS)[number]) => {
    const deployment = bg.deployments[color];
    return deployment ? str(at.get(deployment.node.path)?.body, "spec.template.spec.container.image") : undefined;
  };
  // Capacity is an HPA floor per colour (both colours autoscale from it); serving means the router sends it requests.
  const colors = COLORS.map((color) => ({ color, image: image(color), replicas: bg.plan.colors[color].floor, serving: bg.plan.serving.includes(color), autoscaled: bg.plan.colors[color].floor > 0 }));
  const canaryPercent = bg.plan.colors[bg.idleColor].weightPercent;
  const idle = colors.find((c) => c.color === bg.idleColor)!;
  const services = { shared: bg.serviceName, active: bg.activeServiceName, preview: bg.previewServiceName };
  const switched = `${services.shared}, ${services.active} and ${services.preview} switch their selectors to ${idle.color}`;
  let promote: string;
  if (!idle.image) promote = `${idle.color} has no image: set ${idle.color}.image first`;
  else if (idle.replicas === 0) promote = `activeColor "${idle.color}": ${switched}; ${idle.color} (${shortImage(idle.image)}) has no pods yet, so the switch waits for them to start`;
  else promote = `activeColor "${idle.color}": ${switched}; ${idle.color} (${shortImage(idle.image)}) already keeps ${idle.replicas} pod${idle.replicas === 1 ? "" : "s"} (its HPA floor), so the switch is immediate`;
  const rollback =
    canaryPercent > 0
      ? `canaryPercent 0: all traffic back on ${bg.activeColor}; ${idle.color} goes back to idle`
      : `after a promotion, activeColor "${bg.activeColor}" switches back; ${bg.activeColor} stays warm at the idle replica count`;
  return { name, activeColor: bg.activeColor, idleColor: bg.idleColor, effectiveCanaryPercent: canaryPercent, colors, services, promote, rollback };
}

// ---- access ----------------------------------------------------------------------------------------------------

function accessModel(roles: Readonly<Record<string, unknown>>, stack: GcpStack): AccessModel {
  const plan = stack.access.plan;
  const ns = stack.platform.plan.namespace;
  const token = stack.platform.namespaceRef;
  const real = (s: string) => s.split(token).join(ns);
  const roleModels: AccessRoleModel[] = Object.keys(roles).map((role) => {
    const rows = plan.rows.filter((r) => r.role === role);
    const cells = byArea((area): AccessCell => {
      const row = rows.find((r) => r.area === area);
      const level: AccessLevel = row && row.level !== "admin" ? row.level : "none";
      return { level, iam: row?.iam ?? [], kubernetes: (row?.kubernetes ?? []).map(real) };
    });
    return { role, members: rows[0]?.members ?? [], cells, cluster: rows.filter((r) => r.area === "cluster").flatMap((r) => r.kubernetes) };
  });
  const kubernetesRoles = Object.values(plan.roles).map((r) => ({
    name: r.name,
    namespace: real(r.namespace),
    rules: r.rules.map((rule) => `${rule.verbs.join("/")} ${rule.apiGroups[0] === "" ? "core" : rule.apiGroups[0]}: ${rule.resources.join(", ")}${rule.resourceNames ? ` named ${rule.resourceNames.join(", ")}` : ""}`),
  }));
  const projectIam = [
    ...Object.entries(plan.iam).map(([role, members]) => ({ role, members, conditioned: false })),
    ...Object.entries(plan.databaseIam).map(([role, members]) => ({ role, members, conditioned: true })),
  ];
  const conditionNote = Object.keys(plan.databaseIam).length > 0 ? `only on the Cloud SQL instances ${stack.database.instanceNames.join(", ")} (IAM condition)` : undefined;
  return { areas: ACCESS_AREAS, roles: roleModels, kubernetesRoles, projectIam, conditionNote, warnings: plan.warnings.map(real) };
}

function byArea<T>(f: (area: AccessArea) => T): Record<AccessArea, T> {
  const out: Partial<Record<AccessArea, T>> = {};
  for (const area of ACCESS_AREAS) out[area] = f(area);
  return out as Record<AccessArea, T>;
}

// ---- warnings --------------------------------------------------------------------------------------------------

const PLACEHOLDER = /placeholder|documentation range|RFC 5737|RFC 3849|example\.(com|org|net)/i;

/** Every warning annotation in the stack (what synth prints as `warning: [path] ...`). */
export function readinessWarnings(stack: DevStack | GcpStack): ReadinessWarning[] {
  const prefix = `${stack.node.path}/`;
  return stack.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === AnnotationMetadataEntryType.WARN)
      .map((m) => {
        const message = String(m.data);
        const construct = c.node.path === stack.node.path ? "(stack)" : c.node.path.startsWith(prefix) ? c.node.path.slice(prefix.length) : c.node.path;
        return { construct, message, placeholder: PLACEHOLDER.test(message) };
      }),
  );
}
