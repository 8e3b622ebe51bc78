/**
 * The new platform planned once, as pure data: every service's name, port and address, the router's routes, legacy's
 * origin, and every problem with the props (paths relative to ParallelPlatformProps). The construct, both targets,
 * the CLIs and config validation all read this one result.
 */
import { NODE_PORT_RANGE } from "../edge/rules";
import { computePortPlan, PORT_CATEGORIES, PortConflict, PortPlan, PortRequest } from "../ports/plan";
import { withDefaults } from "../validation/defaults";
import { Problem, unless, warnIf } from "../validation/problem";
import { duplicates, intRange, known, pinnedImage, publishedPort, listenPort, rfc1035 } from "../validation/rules";
import { DEFAULT_FIXED_REPLICAS, LEGACY_DEFAULTS, LegacySystem, PARALLEL_PLATFORM_DEFAULTS, ParallelPlatformProps, PLATFORM_SERVICE_DEFAULTS, PlatformService, PORT_DEFAULTS, ROUTER_SPEC_DEFAULTS, RouterSpec } from "./options";
import { healthPathProblem, LegacyOriginConfig, MIGRATION_PHASES, NewRoute, RouterConfigInput, RouterTarget, routePathProblem } from "./router-config";
import { DOCKER_DNS, KUBE_DNS, ROUTER_CONTAINER_PORT, TRUSTED_PROXIES_INCLUDE } from "./router-defaults";
import { resolveScale, scaleProblems, type ServingScale } from "../scaling/scaling";

/** The migration router's name in the port plan and in workload names (`<platform>-router`). */
export const ROUTER_SERVICE = "router";
/** The Kubernetes Service that points at legacy. */
export const LEGACY_SERVICE = "legacy";

/** `<platform>-<service>`: the container (Docker), Deployment and Service (Kubernetes), and the router's upstream host. */
export function workloadName(platform: string, service: string): string {
  return `${platform}-${service}`;
}

/** A service with its defaults applied. */
export type ResolvedService = ReturnType<typeof resolveService>;
export function resolveService(s: PlatformService) {
  return withDefaults(PLATFORM_SERVICE_DEFAULTS, s);
}

/** One service as planned. */
export interface PlannedService {
  /** Its key in `services`. */
  readonly name: string;
  /** `<platform>-<service>`. */
  readonly workloadName: string;
  /** Published port (Docker host port; Kubernetes Service port). */
  readonly port: number;
  /** `host:port` other workloads and the router reach it at. */
  readonly address: string;
  readonly spec: ResolvedService;
  /** Its pods on Kubernetes: an HPA's bounds or a fixed count. */
  readonly scale: ServingScale;
}

/** Where the router and the bridge services reach legacy, derived from `upstream` and `baseUrl`. */
export interface LegacyEndpoint {
  readonly host: string;
  readonly port: number;
  /** Legacy speaks TLS (its base URL is https). */
  readonly tls: boolean;
  /** The name on legacy's certificate (SNI): the host of `baseUrl`. */
  readonly serverName: string;
  /** The URL bridge services call legacy at, before any target-specific aliasing. */
  readonly url: string;
}

export interface PlatformPlan {
  /** Errors and warnings; the rest of the plan is complete only when there is no error. */
  readonly problems: readonly Problem[];
  readonly ports?: PortPlan;
  readonly services: Readonly<Record<string, PlannedService>>;
  readonly router: { readonly workloadName: string; readonly port: number; readonly spec: ReturnType<typeof resolveRouter>; readonly scale: ServingScale };
  readonly legacy: LegacyEndpoint;
  /** The router's nginx config input for the services alone (releases add their routes to it). */
  readonly routerConfig: RouterConfigInput;
  readonly namespace: string;
}

/** The router with its defaults applied. */
export function resolveRouter(r: RouterSpec) {
  return withDefaults(ROUTER_SPEC_DEFAULTS, r);
}

/** The new platform's own public name: `new.<domain>`. */
export function newPlatformHost(domain: string): string {
  return `new.${domain.toLowerCase()}`;
}

/**
 * The names users reach an environment by: legacy's public host (of `baseUrl`, which moves to the router from the
 * path phase on) and `new.<domain>`. The front door's certificate, the uptime checks and the cross-environment
 * rule read them here.
 */
export function publicHosts(legacy: LegacySystem, router: RouterSpec): { readonly legacy: string; readonly new: string } {
  return { legacy: new URL(legacy.baseUrl).hostname.toLowerCase(), new: newPlatformHost(router.domain) };
}

/** Legacy's origin: `upstream` when set, else the host and port of `baseUrl`. */
export function legacyEndpoint(legacy: LegacySystem): LegacyEndpoint {
  const base = new URL(legacy.baseUrl);
  const tls = base.protocol === "https:";
  const [host, portText] = (legacy.upstream ?? hostPort(legacy.baseUrl)).split(/:(?=\d+$)/);
  const port = Number(portText);
  return { host, port, tls, serverName: base.hostname, url: `${tls ? "https" : "http"}://${host}:${port}` };
}

/** `host:port` of a URL, with the scheme's default port. */
export function hostPort(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}`;
}

/** Plans the platform. Pure: the same props give the same plan. */
export function planPlatform(props: Omit<ParallelPlatformProps, "labels">): PlatformPlan {
  const problems = platformProblems(props);
  const kubernetes = props.target.kind === "kubernetes";
  const namespace = props.namespace ?? PARALLEL_PLATFORM_DEFAULTS.namespace;
  const requests: Record<string, PortRequest> = { [ROUTER_SERVICE]: { category: "public", port: props.router?.port } };
  for (const [name, s] of Object.entries(props.services ?? {})) requests[name] = { category: s.category, port: s.port };
  const { plan: ports, conflicts } = computePortPlan({ strategy: props.ports?.strategy, reserved: props.legacy?.reservedPorts ?? {}, avoid: props.ports?.avoid ?? PORT_DEFAULTS.avoid, services: requests });
  // An unknown category is the rules' to report; the port plan only cannot place such a service.
  problems.push(...conflicts.filter((c) => !c.rule.startsWith("unknown category")).map(conflictProblem));
  const portOf = (service: string) => ports?.assignments.find((a) => a.service === service)?.port ?? 0;

  const services: Record<string, PlannedService> = {};
  for (const [name, s] of Object.entries(props.services ?? {})) {
    const spec = resolveService(s);
    const workload = workloadName(props.name, name);
    const port = portOf(name);
    // The name the router (and other services) reach a service by: the container on Docker, the Service in the cluster.
    services[name] = { name, workloadName: workload, port, spec, scale: resolveScale(s.replicas, s.autoscaling, DEFAULT_FIXED_REPLICAS), address: kubernetes ? `${workload}.${namespace}.svc.cluster.local:${port}` : `${workload}:${spec.containerPort}` };
  }
  const router = resolveRouter(props.router ?? ({} as RouterSpec));
  const legacySpec = withDefaults(LEGACY_DEFAULTS, props.legacy ?? ({} as LegacySystem));
  const legacy = safeLegacyEndpoint(props.legacy);
  const entry = Object.values(services).find((s) => s.spec.entry);
  const target = (s: PlannedService): RouterTarget => ({ service: s.name, backends: [{ upstream: s.address, weightPercent: 100 }] });
  const routes: NewRoute[] = Object.values(services)
    .filter((s) => s.spec.routePath !== undefined)
    .map((s) => ({ path: s.spec.routePath!, ...target(s) }));
  const legacyOrigin: LegacyOriginConfig = {
    // In the cluster the router reaches legacy through the `legacy` Service (ExternalName or EndpointSlice).
    upstream: kubernetes ? `${LEGACY_SERVICE}.${namespace}.svc.cluster.local:${legacy.port}` : `${legacy.host}:${legacy.port}`,
    tls: legacy.tls,
    serverName: legacy.serverName,
    verifyTls: legacySpec.verifyTls,
    trustedCertificate: legacySpec.trustedCertificate,
    healthPath: legacySpec.healthPath,
  };
  return {
    problems,
    ports,
    services,
    router: { workloadName: workloadName(props.name, ROUTER_SERVICE), port: portOf(ROUTER_SERVICE), spec: router, scale: resolveScale(router.replicas, router.autoscaling, DEFAULT_FIXED_REPLICAS) },
    legacy,
    namespace,
    routerConfig: {
      phase: router.phase,
      domain: router.domain,
      weightPercent: router.weightPercent,
      legacy: legacyOrigin,
      entry: entry ? { ...target(entry), healthPath: entry.spec.healthPath } : { service: "none", backends: [], healthPath: "/" },
      routes,
      // Docker's embedded DNS on user-defined networks; kube-dns in the cluster.
      resolver: kubernetes ? KUBE_DNS : DOCKER_DNS,
      listenPort: ROUTER_CONTAINER_PORT,
      ...(props.target.kind === "kubernetes" && (props.target.trustedProxies ?? []).length > 0
        ? { trustedProxies: props.target.trustedProxies, trustedProxyFiles: (props.target.trustedProxyAddresses ?? []).length > 0 ? TRUSTED_PROXIES_INCLUDE : undefined }
        : {}),
    },
  };
}

function safeLegacyEndpoint(legacy: LegacySystem | undefined): LegacyEndpoint {
  try {
    return legacyEndpoint(legacy!);
  } catch {
    // An invalid baseUrl is reported by the rules; the plan still needs a value.
    return { host: "invalid", port: 0, tls: false, serverName: "invalid", url: "http://invalid:0" };
  }
}

/** A port conflict at the config path of the service to change. */
function conflictProblem(c: PortConflict): Problem {
  const service = c.services[0];
  return {
    path: service === ROUTER_SERVICE ? ["router", "port"] : service ? ["services", service, "port"] : ["ports"],
    value: c.port,
    rule: `port ${c.port}: ${c.claimants.join(" and ")}: ${c.rule}`,
  };
}

const SERVICE_NAME_MAX = 42;

/** Every rule of the platform's props (the port plan's conflicts are added by planPlatform). */
export function platformProblems(props: Omit<ParallelPlatformProps, "labels">): Problem[] {
  const out: Problem[] = [];
  const services = Object.entries(props.services ?? {});
  out.push(...unless(!known(props.name) || /^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/.test(props.name), ["name"], props.name, "must be a short lower-case DNS label (at most 22 characters): it prefixes container, network and workload names"));
  out.push(...rfc1035(["namespace"], props.namespace, 63, "Kubernetes namespace name"));
  out.push(...(props.ports?.avoid ?? []).flatMap((p, i) => publishedPort(["ports", "avoid", i], p)));
  out.push(...unless(services.length > 0, ["services"], props.services, "must name at least one service"));
  const entries = services.filter(([, s]) => s.entry).map(([n]) => n);
  out.push(...unless(services.length === 0 || entries.length === 1, ["services"], entries, `exactly one service must set entry: true (found ${entries.length === 0 ? "none" : entries.join(", ")}); it receives "/" and new.<domain>`));
  out.push(...unless(!(ROUTER_SERVICE in (props.services ?? {})), ["services", ROUTER_SERVICE], ROUTER_SERVICE, `"${ROUTER_SERVICE}" is the migration router's name`, "rename the service"));
  const kubernetes = props.target?.kind === "kubernetes";
  for (const [name, s] of services) out.push(...serviceProblems(name, s, kubernetes));
  const names = services.map(([n]) => n);
  for (const [name, s] of services) {
    for (const [i, callee] of (s.calls ?? []).entries()) {
      out.push(...unless(callee !== name, ["services", name, "calls", i], callee, "a service does not call itself through the network policy", "remove it"));
      out.push(...unless(callee === name || names.includes(callee), ["services", name, "calls", i], callee, `names no service of the platform; known: ${names.join(", ")}`));
    }
    for (const dup of duplicates(s.calls ?? [])) out.push({ path: ["services", name, "calls"], value: dup, rule: "names a service twice" });
  }
  const routePaths = services.filter(([, s]) => s.routePath !== undefined).map(([, s]) => s.routePath!);
  for (const dup of duplicates(routePaths)) {
    const owners = services.filter(([, s]) => s.routePath === dup).map(([n]) => n);
    out.push({ path: ["services", owners[1], "routePath"], value: dup, rule: `is also ${owners[0]}'s routePath; a path goes to one service` });
  }
  out.push(...routerProblems(props.router, kubernetes));
  if (props.target?.kind === "kubernetes") {
    out.push(...intRange(["target", "routerNodePort"], props.target.routerNodePort, NODE_PORT_RANGE.min, NODE_PORT_RANGE.max, "Kubernetes' NodePort range"));
    out.push(...(props.target.trustedProxies ?? []).flatMap((c, i) => unless(!known(c) || /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(c), ["target", "trustedProxies", i], c, "must be an IPv4 address or CIDR")));
  }
  out.push(...legacyProblems(props));
  return out;
}

function serviceProblems(name: string, s: PlatformService, kubernetes: boolean): Problem[] {
  const at = (...p: (string | number)[]) => ["services", name, ...p];
  return [
    ...rfc1035(at(), name, SERVICE_NAME_MAX, "service name"),
    ...unless((PORT_CATEGORIES as readonly string[]).includes(s.category), at("category"), s.category, `must be one of: ${PORT_CATEGORIES.join(", ")}`),
    ...pinnedImage(at("image"), s.image),
    ...listenPort(at("containerPort"), s.containerPort),
    ...publishedPort(at("port"), s.port),
    ...Object.keys(s.env ?? {}).flatMap((k) => unless(/^[A-Z_][A-Z0-9_]*$/.test(k), at("env", k), k, "env names must be upper-case letters, digits and '_'")),
    ...(s.healthPath === undefined ? [] : unless(healthPathProblem(s.healthPath) === undefined, at("healthPath"), s.healthPath, healthPathProblem(s.healthPath) ?? "")),
    ...(s.healthCommand === undefined ? [] : unless(s.healthCommand.length > 0 && s.healthCommand.every((c) => c.length > 0), at("healthCommand"), s.healthCommand, 'must give the command and its arguments, e.g. ["redis-cli", "ping"]')),
    ...(s.writablePaths ?? []).flatMap((p, i) => unless(/^\/[A-Za-z0-9._/-]+$/.test(p) && !p.split("/").includes(".."), at("writablePaths", i), p, "must be an absolute path below / without '..'")),
    ...intRange(at("cpuMillis"), s.cpuMillis, 50, 16000, "millicores"),
    ...intRange(at("memoryMb"), s.memoryMb, 32, 65536, "MiB"),
    ...scaleProblems(at(), s.replicas, s.autoscaling, 100, `service "${name}"`, kubernetes ? "warning" : "allowed"),
    ...intRange(at("preStopSleepSeconds"), s.preStopSleepSeconds, 0, 120, "seconds"),
    ...intRange(at("runAsUser"), s.runAsUser, 1, 2147483647, "workloads never run as root"),
    ...(s.routePath === undefined ? [] : unless(routePathProblem(s.routePath) === undefined, at("routePath"), s.routePath, routePathProblem(s.routePath) ?? "")),
  ];
}

function routerProblems(r: RouterSpec | undefined, kubernetes: boolean): Problem[] {
  if (!r) return [];
  const weight = r.weightPercent;
  return [
    ...unless(!known(r.domain) || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(r.domain), ["router", "domain"], r.domain, "must be a domain such as example.com"),
    ...unless((MIGRATION_PHASES as readonly string[]).includes(r.phase), ["router", "phase"], r.phase, `must be one of: ${MIGRATION_PHASES.join(", ")}`),
    ...intRange(["router", "weightPercent"], weight === undefined ? undefined : Math.round(weight * 100), 0, 10000).map((p) => ({ ...p, value: weight, rule: "must be 0-100 with at most two decimals" })),
    ...unless(!(r.phase === "weighted" && !(weight !== undefined && weight > 0 && weight < 100)), ["router", "weightPercent"], weight, "the weighted phase needs a weight between 0 and 100 exclusive (0 is the path phase, 100 is cutover)"),
    ...warnIf(r.phase !== "weighted" && weight !== undefined && weight !== 0, ["router", "weightPercent"], weight, `does nothing in the ${r.phase} phase (only the weighted phase splits by weight)`, "remove it, or set phase to weighted"),
    ...publishedPort(["router", "port"], r.port),
    // Every request, legacy's too, goes through the router: one pod would take both sides down on each node drain.
    ...scaleProblems(["router"], r.replicas, r.autoscaling, 20, "the migration router (every request, legacy's too, goes through it)", kubernetes ? "error" : "allowed"),
    ...pinnedImage(["router", "image"], r.image),
    ...intRange(["router", "runAsUser"], r.runAsUser, 1, 2147483647, "the router never runs as root"),
  ];
}

function legacyProblems(props: Omit<ParallelPlatformProps, "labels">): Problem[] {
  const l = props.legacy;
  if (!l) return [];
  const out: Problem[] = [];
  out.push(...rfc1035(["legacy", "name"], l.name, 63, "name"));
  let base: URL | undefined;
  try {
    base = new URL(l.baseUrl);
  } catch {
    base = undefined;
  }
  out.push(...unless(base !== undefined && (base.protocol === "http:" || base.protocol === "https:"), ["legacy", "baseUrl"], l.baseUrl, "must be an http(s) URL such as http://localhost:8000"));
  if (l.healthPath !== undefined) out.push(...unless(healthPathProblem(l.healthPath) === undefined, ["legacy", "healthPath"], l.healthPath, healthPathProblem(l.healthPath) ?? ""));
  for (const [use, port] of Object.entries(l.reservedPorts ?? {})) out.push(...listenPort(["legacy", "reservedPorts", use], port));
  const upstreamOk = l.upstream === undefined || /^[A-Za-z0-9.-]+:\d{1,5}$/.test(l.upstream);
  out.push(...unless(upstreamOk, ["legacy", "upstream"], l.upstream, "must be host:port"));
  if (props.target.kind === "docker" && Object.values(props.services ?? {}).some((s) => s.bridgeToLegacy) && !l.dockerNetwork) {
    const bridged = Object.entries(props.services).filter(([, s]) => s.bridgeToLegacy).map(([n]) => n);
    out.push({ path: ["legacy", "dockerNetwork"], value: undefined, rule: `${bridged.join(", ")} bridge to legacy, so name the legacy Docker network to join` });
  }
  if (!base || !upstreamOk || !props.router) return out;
  // The router must never reach "legacy" through a name that points at the router itself.
  const { host, port } = legacyEndpoint(l);
  const domain = String(props.router.domain).toLowerCase();
  const path = l.upstream !== undefined ? ["legacy", "upstream"] : ["legacy", "baseUrl"];
  out.push(...unless(host.toLowerCase() !== newPlatformHost(domain), path, host, "is the new platform's own name (new.<domain>); the router would proxy to itself", "set legacy.upstream to the legacy origin"));
  if (props.target.kind === "docker") {
    out.push(
      ...unless(!["localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"].includes(host), path, `${host}:${port}`, "is the container itself from inside a container", `set legacy.upstream to the legacy container's <name>:<port> on legacy.dockerNetwork (e.g. "netbox-docker-netbox-1:8080", the port inside the container, not the published one)`),
    );
  } else {
    // From the path phase on the public name points at the router: reaching legacy by it would loop.
    out.push(...warnIf(host.toLowerCase() === base.hostname.toLowerCase(), path, host, "is legacy's public name; once its DNS points at the router (the path phase on), the router would proxy to itself", "set legacy.upstream to the legacy origin (a name that keeps pointing at legacy)"));
  }
  return out;
}
