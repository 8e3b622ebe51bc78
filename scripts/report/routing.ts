/**
 * What the migration router does, read from its nginx.conf: the text the router really runs (ParallelPlatform's
 * `routerConfig`), and for the neighbouring phases the text the router's own generator writes for them. The
 * report never re-implements the phases: it reads each location's `set $tandem_side` / `$tandem_service`.
 */
import { MIGRATION_PHASES, MigrationPhase, renderRouterConfig, RouterConfigInput } from "../../src/platform";
import { PathChange, PhaseStep, RoutedPath, Side } from "./model";

export interface RouterServer {
  readonly serverName: string;
  readonly isDefault: boolean;
  readonly locations: readonly RoutedPath[];
}

/**
 * The servers of an nginx.conf and, per server, every location that proxies traffic (health endpoints, which set
 * no side, are left out). A location whose side is chosen per client (the weighted phase) is a `split`.
 */
export function parseRouterConfig(conf: string): RouterServer[] {
  const servers: RouterServer[] = [];
  let server: { serverName: string; isDefault: boolean; locations: RoutedPath[] } | undefined;
  let location: { path: string; side?: Side; service?: string } | undefined;
  let depth = 0;
  let serverDepth = -1;
  let locationDepth = -1;
  for (const raw of conf.split("\n")) {
    const line = raw.trim();
    const opens = (line.match(/\{/g) ?? []).length;
    const closes = (line.match(/\}/g) ?? []).length;
    if (/^server\s*\{$/.test(line)) {
      server = { serverName: "", isDefault: false, locations: [] };
      serverDepth = depth;
    } else if (server && !location) {
      const listen = /^listen\s+.*\bdefault_server\b/.test(line);
      if (listen) server.isDefault = true;
      const name = /^server_name\s+([^;]+);$/.exec(line);
      if (name) server.serverName = name[1];
      const loc = /^location\s+(=\s+)?(\S+)\s*\{(.*)$/.exec(line);
      if (loc && !loc[3].includes("}")) {
        location = { path: loc[2] };
        locationDepth = depth;
      }
    } else if (server && location) {
      const side = /^set \$tandem_side (\S+);$/.exec(line);
      if (side) location.side = side[1] === "legacy" || side[1] === "new" ? side[1] : "split";
      const service = /^set \$tandem_service (\S+);$/.exec(line);
      if (service) location.service = service[1].replace(/^"|"$/g, "");
    }
    depth += opens - closes;
    if (location && depth <= locationDepth) {
      if (location.side && server) server.locations.push({ path: location.path, side: location.side, service: serviceName(location.service) });
      location = undefined;
    }
    if (server && depth <= serverDepth) {
      servers.push(server);
      server = undefined;
    }
  }
  return servers;
}

/** A split location names its services through map variables; the report calls that "legacy or new". */
function serviceName(s: string | undefined): string {
  return s === undefined || s.startsWith("$") ? "legacy or new" : s;
}

/** The default server's locations (every host but new.<domain>). */
export function defaultRouting(conf: string): RoutedPath[] {
  return parseRouterConfig(conf).find((s) => s.isDefault)?.locations.map((l) => ({ ...l })) ?? [];
}

/** Where a path goes: its own location, else the one for `/`. */
function destination(routing: readonly RoutedPath[], path: string, weight: number): string {
  const own = routing.find((r) => r.path === path) ?? routing.find((r) => r.path === "/");
  if (!own) return "(nothing)";
  return describe(own, weight);
}

/** `new (web)`, `legacy`, `25 % new (web), 75 % legacy`. */
export function describe(r: RoutedPath, weight: number): string {
  if (r.side === "legacy") return "legacy";
  if (r.side === "new") return `new (${r.service})`;
  return `${formatPercent(weight)} % new, ${formatPercent(100 - weight)} % legacy (sticky per client)`;
}

export function formatPercent(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** Every path whose destination differs between two routings. */
export function routingChanges(before: readonly RoutedPath[], beforeWeight: number, after: readonly RoutedPath[], afterWeight: number): PathChange[] {
  const paths = [...new Set([...before.map((r) => r.path), ...after.map((r) => r.path)])].sort(byPath);
  const out: PathChange[] = [];
  for (const path of paths) {
    const from = destination(before, path, beforeWeight);
    const to = destination(after, path, afterWeight);
    if (from !== to) out.push({ path, from, to });
  }
  return out;
}

/** `/` last, then by path: the catch-all reads best at the end. */
function byPath(a: string, b: string): number {
  if (a === "/") return 1;
  if (b === "/") return -1;
  return a.localeCompare(b);
}

/**
 * The previous and next phase from the router config input the platform planned: each rendered by the router's own
 * generator and compared with the current one. Moving into `weighted` needs a weight; the step keeps the
 * configured one when there is one and says so when there is none.
 */
export function neighbourSteps(input: RouterConfigInput): { previous?: PhaseStep; next?: PhaseStep } {
  const i = MIGRATION_PHASES.indexOf(input.phase);
  const weight = input.weightPercent ?? 0;
  const current = defaultRouting(renderRouterConfig(input));
  const step = (phase: MigrationPhase | undefined): PhaseStep | undefined => {
    if (!phase) return undefined;
    const w = phase === "weighted" ? (weight > 0 && weight < 100 ? weight : 0) : 0;
    const routing = defaultRouting(renderRouterConfig({ ...input, phase, weightPercent: w }));
    const note = phase === "weighted" ? (w > 0 ? `keeps weightPercent ${formatPercent(w)}` : "needs router.weightPercent between 0 and 100 (exclusive); shown here at 0") : undefined;
    return { phase, changes: routingChanges(current, weight, routing, w), note };
  };
  return { previous: step(MIGRATION_PHASES[i - 1]), next: step(MIGRATION_PHASES[i + 1]) };
}
