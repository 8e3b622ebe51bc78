/**
 * The engine's containers as `docker inspect` reports them, and the stand-in legacy system: NetBox's docker compose
 * project as the e2e test imitates it (network `netbox_default`; NetBox listening on 8080 inside and published on
 * 127.0.0.1:8000, PostgreSQL on 5432, Redis on 6379).
 */
import { docker, Engine } from "./engine";

export interface ContainerState {
  readonly name: string;
  readonly id: string;
  readonly startedAt: string;
  readonly running: boolean;
  readonly status: string;
  readonly exitCode: number;
  readonly restartCount: number;
  /** Docker's health status (`healthy`, `starting`, ...), or undefined without a health check. */
  readonly health?: string;
  readonly networks: readonly string[];
  /** The container's host name: what the stand-ins answer with. */
  readonly hostname: string;
  readonly labels: Readonly<Record<string, string>>;
}

interface InspectJson {
  readonly Id: string;
  readonly Name: string;
  readonly RestartCount: number;
  readonly State: { readonly Status: string; readonly Running: boolean; readonly StartedAt: string; readonly ExitCode: number; readonly Health?: { readonly Status: string } };
  readonly Config: { readonly Hostname: string; readonly Labels?: Record<string, string> | null };
  readonly NetworkSettings: { readonly Networks?: Record<string, unknown> | null };
}

/** Parses `docker inspect` output (a JSON array of containers). */
export function parseInspect(text: string): ContainerState[] {
  return (JSON.parse(text) as InspectJson[]).map((c) => ({
    name: c.Name.replace(/^\//, ""),
    id: c.Id,
    startedAt: c.State.StartedAt,
    running: c.State.Running,
    status: c.State.Status,
    exitCode: c.State.ExitCode,
    restartCount: c.RestartCount,
    health: c.State.Health?.Status,
    networks: Object.keys(c.NetworkSettings.Networks ?? {}).sort(),
    hostname: c.Config.Hostname,
    labels: c.Config.Labels ?? {},
  }));
}

/** Every container of the engine (running or not), by name. */
export function containers(engine: Engine, filter?: string): Map<string, ContainerState> {
  const ids = docker(engine, ["ps", "-aq", "--no-trunc", ...(filter ? ["--filter", filter] : [])]).stdout.split("\n").filter(Boolean);
  if (ids.length === 0) return new Map();
  const r = docker(engine, ["inspect", ...ids]);
  if (r.code !== 0) throw new Error(`docker inspect: ${r.stderr.trim()}`);
  return new Map(parseInspect(r.stdout).map((c) => [c.name, c]));
}

/** The stand-in legacy system. */
export const LEGACY_NETWORK = "netbox_default";
export const LEGACY_IMAGES = { http: "tandem-e2e/netbox:stand-in", redis: "tandem-e2e/netbox-redis:stand-in" } as const;
export const LEGACY_CONTAINERS = [
  { name: "netbox-docker-netbox-1", image: LEGACY_IMAGES.http, port: 8080, hostPort: 8000 },
  // Something that holds the port, as PostgreSQL does; nothing talks PostgreSQL to it.
  { name: "netbox-docker-postgres-1", image: LEGACY_IMAGES.http, port: 5432, hostPort: 5432 },
  { name: "netbox-docker-redis-1", image: LEGACY_IMAGES.redis, port: 6379, hostPort: 6379 },
] as const;

/** Starts the stand-in legacy system; throws with docker's message if a container does not start. */
export function startLegacy(engine: Engine): Map<string, ContainerState> {
  const net = docker(engine, ["network", "create", "--label", "tandem.e2e=legacy", LEGACY_NETWORK]);
  if (net.code !== 0) throw new Error(`docker network create ${LEGACY_NETWORK}: ${net.stderr.trim()}`);
  for (const c of LEGACY_CONTAINERS) {
    const r = docker(engine, [
      "run", "-d", "--name", c.name, "--network", LEGACY_NETWORK, "--restart", "unless-stopped", "--label", "tandem.e2e=legacy",
      "-e", `PORT=${c.port}`, "-p", `127.0.0.1:${c.hostPort}:${c.port}`, c.image,
    ]);
    if (r.code !== 0) throw new Error(`docker run ${c.name}: ${r.stderr.trim()}`);
  }
  return containers(engine, "label=tandem.e2e=legacy");
}

/** Differences between two snapshots of the same containers (id, start time, running), one line each. */
export function changedContainers(before: ReadonlyMap<string, ContainerState>, after: ReadonlyMap<string, ContainerState>): string[] {
  const out: string[] = [];
  for (const [name, b] of before) {
    const a = after.get(name);
    if (!a) out.push(`${name}: gone`);
    else if (a.id !== b.id) out.push(`${name}: replaced (${b.id.slice(0, 12)} → ${a.id.slice(0, 12)})`);
    else if (a.startedAt !== b.startedAt) out.push(`${name}: restarted (${b.startedAt} → ${a.startedAt})`);
    else if (b.running && !a.running) out.push(`${name}: no longer running (${a.status})`);
  }
  return out;
}
