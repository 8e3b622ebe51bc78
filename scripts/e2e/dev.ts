/**
 * `npm run test:e2e`: deploys the `dev` stack with `cdktf deploy dev` on a real Docker engine (one of the test's own)
 * next to a stand-in of the legacy NetBox, and checks what seed 000 asks of it: the port plan holds, every host port
 * answers, only the bridge services and the router join the legacy network, the router routes per phase, a phase
 * change and its rollback under load replace only the router-config writer and drop no request, nothing drifts,
 * and destroy removes the platform and leaves legacy alone.
 *
 * It works in a scratch copy of the project (it edits environments/dev.ts there) and cleans up everything it
 * started, also on failure. Providers come the way the Terraform tier finds them (scripts/terraform/lib/terraform.ts);
 * without the docker provider or a Docker engine every step is skipped with the reason and the run exits 0.
 *
 *   npm run test:e2e [-- --keep]     --keep: leave the scratch directory (project copy, logs) for a look
 * Environment: TANDEM_PROVIDER_MIRROR / TF_CLI_CONFIG_FILE (providers), TANDEM_TERRAFORM, TANDEM_CACHE_DIR
 * (image cache, default ~/.cache/tandem), TANDEM_DOCKERD (default dockerd on PATH), TANDEM_E2E_IPTABLES=1 (let
 * the engine manage iptables).
 */
import { ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { environments } from "../../environments";
import { DockerEnvironmentConfig, loadEnvironment } from "../../src/config";
import { ACCESS_LOG_FIELDS, ACCESS_LOG_KIND, CLIENT_COOKIE, ROUTER_HEALTH_PATH, SIDE_HEADER } from "../../src/platform/router-config";
import { formatResults, tally } from "../terraform/lib/report";
import { firstError, indent, run, RunResult } from "../terraform/lib/run";
import { findTerraform, probeProviders, ProviderSource, providerSource, requiredProviders, TerraformCli, workDirectory } from "../terraform/lib/terraform";
import { changedContainers, containers, ContainerState, LEGACY_CONTAINERS, LEGACY_IMAGES, LEGACY_NETWORK, startLegacy } from "./containers";
import { docker, Engine, startEngine, stopEngine } from "./engine";
import { cookieValue, get, HttpResult, redisPing, tcpConnect, websocket } from "./http";
import { buildImages, imageRoles } from "./images";
import { loadWindow, LoadWindow, readLoad } from "./load";
import { accessLines, applyCounts, stripAnsi } from "./parse";
import { DockerStackJson, planChanges, PlannedContainer, plannedContainers, plannedNetworks } from "./plan";
import { copyProject, setRouterPhase } from "./project";
import { SkipStep, Steps } from "./steps";

const REPO = path.resolve(__dirname, "..", "..");
const ENV = "dev";
const log = (line = "") => console.log(line);

/** Everything the steps share. */
interface Context {
  readonly work: string;
  readonly project: string;
  readonly tf: TerraformCli;
  readonly source: ProviderSource;
  readonly engine: Engine;
  readonly config: DockerEnvironmentConfig;
  readonly planned: readonly PlannedContainer[];
  readonly stack: DockerStackJson;
  readonly routerPort: number;
  /** The figures the report ends with. */
  readonly figures: string[];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns a value (not undefined) or the time is up; returns the last error otherwise. */
async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T | Error> {
  const deadline = Date.now() + timeoutMs;
  let last: Error = new Error("timed out");
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e instanceof Error ? e : new Error(String(e));
    }
    if (Date.now() >= deadline) return last;
    await sleep(intervalMs);
  }
}

const seconds = (s: number) => `${s.toFixed(1)} s`;

/** The environment every cdktf and terraform run gets: the provider source, our engine, no telemetry. */
function tfEnv(ctx: Pick<Context, "source" | "engine" | "tf">): Record<string, string | undefined> {
  return { ...ctx.source.env, DOCKER_HOST: ctx.engine.host, CHECKPOINT_DISABLE: "1", TERRAFORM_BINARY_NAME: ctx.tf.binary, CI: "1", FORCE_COLOR: "0" };
}

/** `npx cdktf deploy|destroy dev` in the copy; its output goes to a log file in the scratch directory. */
function cdktf(ctx: Context, command: "deploy" | "destroy", label: string): RunResult {
  const r = run("npx", ["cdktf", command, ENV, "--auto-approve", "--skip-provider-lock", "--no-color"], { cwd: ctx.project, env: tfEnv(ctx), timeoutSeconds: 900 });
  fs.writeFileSync(path.join(ctx.work, `${label}.log`), stripAnsi(r.stdout + r.stderr));
  if (r.code !== 0) {
    log(indent(stripAnsi(r.stdout + r.stderr).split("\n").filter((l) => l.trim()).slice(-25).join("\n")));
    throw new Error(`cdktf ${command} exited ${r.code}: ${r.error ?? firstError(stripAnsi(r.stdout + r.stderr))}`);
  }
  return r;
}

/** The platform's containers in the engine (by the label every one of them carries). */
function platformContainers(ctx: Context): Map<string, ContainerState> {
  return containers(ctx.engine, `label=tandem.platform=${ctx.config.platform.name}`);
}

/** Who answered: the container whose host name the stand-in reported. */
function answeredBy(ctx: Context, r: HttpResult | { echo?: { hostname: string } }): string {
  if (!r.echo) return "(not a stand-in)";
  const all = containers(ctx.engine);
  for (const c of all.values()) if (c.hostname === r.echo.hostname) return c.name;
  return `(unknown host ${r.echo.hostname})`;
}

function containerOf(ctx: Context, service: string): string {
  return `${ctx.config.platform.name}-${service}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Steps after the deploy

/** Every planned host port answers on its address: HTTP health path, Redis PING, or a TCP connect. */
async function hostPorts(ctx: Context): Promise<string> {
  const seen: string[] = [];
  for (const c of ctx.planned.filter((p) => !p.oneShot)) {
    for (const hp of c.hostPorts) {
      if (hp.ip !== "127.0.0.1") throw new Error(`${c.name} publishes ${hp.ip}:${hp.port}; dev binds 127.0.0.1 only`);
      const path = c.service === "router" ? ROUTER_HEALTH_PATH : c.probe.kind === "http" ? c.probe.path : "";
      const result = await waitFor(async () => {
        if (c.probe.kind === "redis") return (await redisPing(hp.port)) === "+PONG" ? "PONG" : undefined;
        if (c.probe.kind === "tcp") return tcpConnect(hp.port).then(() => "open");
        const r = await get(hp.port, path);
        if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
        return `HTTP 200 ${path}`;
      }, 60_000);
      if (result instanceof Error) throw new Error(`127.0.0.1:${hp.port} (${c.name}) does not answer: ${result.message}`);
      seen.push(`${hp.port} ${c.service}`);
    }
  }
  return `${seen.length} host ports answer on 127.0.0.1: ${seen.join(", ")}`;
}

/** Docker's own health checks (wget or redis-cli inside each image) report healthy. */
async function healthChecks(ctx: Context): Promise<string> {
  const started = Date.now();
  const names = ctx.planned.filter((p) => !p.oneShot).map((p) => p.name);
  const result = await waitFor(async () => {
    const all = platformContainers(ctx);
    const bad = names.filter((n) => all.get(n)?.health !== "healthy");
    if (bad.some((n) => all.get(n)?.health === "unhealthy")) throw new Error(`unhealthy: ${bad.map((n) => `${n} ${all.get(n)?.health}`).join(", ")}`);
    if (bad.length > 0) throw new Error(`not healthy yet: ${bad.map((n) => `${n} ${all.get(n)?.health ?? all.get(n)?.status ?? "missing"}`).join(", ")}`);
    return true;
  }, 90_000, 1000);
  if (result instanceof Error) throw result;
  return `${names.length} containers healthy ${seconds((Date.now() - started) / 1000)} after the checks began`;
}

/** Each container runs as its planned uid, cannot write its root, and can write /tmp and its writable paths. */
function filesystem(ctx: Context): string {
  const problems: string[] = [];
  const services = ctx.planned.filter((p) => !p.oneShot);
  for (const c of services) {
    const script = [`id -u`, `touch /.tandem-e2e 2>/dev/null && echo "ROOT-WRITABLE"`, ...c.writablePaths.map((p) => `(touch ${p}/.tandem-e2e && rm ${p}/.tandem-e2e) 2>/dev/null || echo "NOT-WRITABLE ${p}"`)].join("; ");
    const r = docker(ctx.engine, ["exec", c.name, "sh", "-c", script]);
    if (r.code !== 0) {
      problems.push(`${c.name}: docker exec failed: ${r.stderr.trim()}`);
      continue;
    }
    const [uid, ...rest] = r.stdout.trim().split("\n");
    if (uid !== c.user.split(":")[0]) problems.push(`${c.name} runs as uid ${uid}, planned ${c.user}`);
    for (const line of rest) problems.push(`${c.name}: ${line === "ROOT-WRITABLE" ? "root filesystem is writable" : `${line.slice("NOT-WRITABLE ".length)} is not writable by uid ${uid}`}`);
  }
  if (problems.length > 0) throw new Error(problems.join("; "));
  return `${services.length} containers: planned uid, read-only root, ${services.map((c) => c.writablePaths.length).reduce((a, b) => a + b, 0)} tmpfs paths writable`;
}

/** The engine's network membership matches the plan: all on the platform network, only bridges on legacy's. */
function networks(ctx: Context): string {
  const nets = plannedNetworks(ctx.stack);
  const own = nets.own[0];
  const legacy = nets.legacy[0];
  const all = platformContainers(ctx);
  const problems: string[] = [];
  for (const c of ctx.planned.filter((p) => !p.oneShot)) {
    const actual = all.get(c.name)?.networks ?? [];
    if (JSON.stringify(actual) !== JSON.stringify(c.networks)) problems.push(`${c.name} is on ${actual.join(", ") || "nothing"}, planned ${c.networks.join(", ")}`);
    if (!actual.includes(own)) problems.push(`${c.name} is not on ${own}`);
  }
  const onLegacy = [...all.values()].filter((c) => c.networks.includes(legacy)).map((c) => c.name).sort();
  // Seed 000: the migration bridge (api-gateway) and the router; nothing else of the platform.
  const bridges = Object.entries(ctx.config.platform.services).filter(([, s]) => s.bridgeToLegacy).map(([n]) => containerOf(ctx, n));
  const expected = [...bridges, containerOf(ctx, "router")].sort();
  if (JSON.stringify(onLegacy) !== JSON.stringify(expected)) problems.push(`on ${legacy}: ${onLegacy.join(", ")}; expected ${expected.join(", ")}`);
  if (problems.length > 0) throw new Error(problems.join("; "));
  return `${own}: all ${ctx.planned.filter((p) => !p.oneShot).length} containers; ${legacy}: ${onLegacy.join(", ")} (+ legacy's own)`;
}

interface RouteCheck {
  readonly what: string;
  readonly path: string;
  readonly host?: string;
  /** The container that must answer, and the path it must see. */
  readonly container: string;
  readonly seenPath: string;
  readonly side: "new" | "legacy";
}

/** What the `path` phase must do (seed 000): route paths to their services, prefix stripped; the rest to legacy. */
function pathPhaseChecks(ctx: Context): RouteCheck[] {
  const services = Object.entries(ctx.config.platform.services);
  const entry = services.find(([, s]) => s.entry)?.[0];
  if (!entry) throw new Error("dev has no entry service");
  const legacy = legacyContainer(ctx);
  const newHost = `new.${ctx.config.platform.router.domain}`;
  return [
    ...services.filter(([, s]) => s.routePath).map(([n, s]) => ({ what: `${s.routePath} → ${n}`, path: `${s.routePath}e2e/item?q=1`, container: containerOf(ctx, n), seenPath: "/e2e/item?q=1", side: "new" as const })),
    { what: `/v2/ → ${entry}`, path: "/v2/things", container: containerOf(ctx, entry), seenPath: "/v2/things", side: "new" },
    { what: "/ → legacy", path: "/dcim/devices/", container: legacy, seenPath: "/dcim/devices/", side: "legacy" },
    { what: `${newHost} → ${entry}`, path: "/anything", host: newHost, container: containerOf(ctx, entry), seenPath: "/anything", side: "new" },
  ];
}

function legacyContainer(ctx: Context): string {
  const upstream = ctx.config.legacy.upstream ?? "";
  return upstream.split(":")[0];
}

/** Runs route checks; returns the problems. */
async function checkRoutes(ctx: Context, checks: readonly RouteCheck[], phase: string): Promise<string[]> {
  const problems: string[] = [];
  for (const c of checks) {
    const r = await get(ctx.routerPort, c.path, { host: c.host });
    const who = answeredBy(ctx, r);
    const side = r.headers[SIDE_HEADER.toLowerCase()];
    const got = `HTTP ${r.status} from ${who} path ${r.echo?.path ?? "-"} side ${String(side)} phase ${r.echo?.phase ?? "-"}`;
    if (r.status !== 200 || who !== c.container || r.echo?.path !== c.seenPath || side !== c.side || r.echo?.side !== c.side || r.echo?.phase !== phase) {
      problems.push(`${c.what}: ${got}; expected ${c.container} path ${c.seenPath} side ${c.side} phase ${phase}`);
    }
  }
  return problems;
}

/** The router's last error lines (nginx says why it answered 502: which upstream, which error). */
function routerErrors(ctx: Context): string {
  const r = docker(ctx.engine, ["logs", "--tail", "200", containerOf(ctx, "router")]);
  const errors = r.stderr.split("\n").filter((l) => /\[(error|crit|alert|emerg)\]/.test(l));
  return errors.slice(-2).map((l) => l.replace(/^\S+ \S+ /, "")).join(" | ");
}

async function routing(ctx: Context): Promise<string> {
  const checks = pathPhaseChecks(ctx);
  const problems = await checkRoutes(ctx, checks, ctx.config.platform.router.phase);
  if (problems.length > 0) throw new Error(`${problems.join("; ")}; router: ${routerErrors(ctx) || "no errors logged"}`);
  return `phase path: ${checks.map((c) => c.what).join(", ")}`;
}

async function websocketRoute(ctx: Context): Promise<string> {
  const ws = Object.entries(ctx.config.platform.services).find(([, s]) => s.routePath === "/ws/");
  if (!ws) throw new SkipStep("dev routes no /ws/");
  const r = await websocket(ctx.routerPort, "/ws/chat", "ping from e2e");
  const who = answeredBy(ctx, r);
  const problems: string[] = [];
  if (r.status !== 101) problems.push(`HTTP ${r.status}, not 101`);
  if (!r.acceptValid) problems.push("Sec-WebSocket-Accept wrong or missing");
  if (who !== containerOf(ctx, ws[0]) || r.echo?.path !== "/chat") problems.push(`upgrade reached ${who} path ${r.echo?.path}`);
  if (r.reply !== "ping from e2e") problems.push(`echo was ${JSON.stringify(r.reply)}`);
  if (problems.length > 0) throw new Error(problems.join("; "));
  return `/ws/chat: 101 with a valid accept, ${who} saw /chat, a frame went there and back`;
}

async function healthEndpoints(ctx: Context): Promise<string> {
  const entry = Object.entries(ctx.config.platform.services).find(([, s]) => s.entry)!;
  const problems: string[] = [];
  const router = await get(ctx.routerPort, ROUTER_HEALTH_PATH);
  if (router.status !== 200 || router.body.trim() !== "ok") problems.push(`${ROUTER_HEALTH_PATH}: HTTP ${router.status} ${router.body.trim()}`);
  for (const [path, container, seen] of [
    ["/tandem/health/legacy", legacyContainer(ctx), ctx.config.legacy.healthPath ?? "/health"],
    ["/tandem/health/new", containerOf(ctx, entry[0]), entry[1].healthPath ?? "/health"],
  ] as const) {
    const r = await get(ctx.routerPort, path);
    const who = answeredBy(ctx, r);
    if (r.status !== 200 || who !== container || r.echo?.path !== seen) problems.push(`${path}: HTTP ${r.status} from ${who} path ${r.echo?.path}; expected ${container} ${seen}`);
  }
  if (problems.length > 0) throw new Error(problems.join("; "));
  return `${ROUTER_HEALTH_PATH} ok; /tandem/health/legacy → ${legacyContainer(ctx)}; /tandem/health/new → ${containerOf(ctx, entry[0])}`;
}

function accessLog(ctx: Context): string {
  const r = docker(ctx.engine, ["logs", containerOf(ctx, "router")]);
  const lines = accessLines(r.stdout);
  if (lines.length === 0) throw new Error(`no JSON access lines in the router's stdout (${r.stdout.split("\n").length} lines); stderr ends: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  const incomplete = lines.filter((l) => ACCESS_LOG_FIELDS.some((f) => !(f in l)));
  if (incomplete.length > 0) throw new Error(`${incomplete.length} access lines miss fields, e.g. ${JSON.stringify(incomplete[0])}`);
  const sides = new Map<string, number>();
  for (const l of lines) sides.set(String(l.side), (sides.get(String(l.side)) ?? 0) + 1);
  return `${lines.length} JSON lines (kind ${ACCESS_LOG_KIND}, all ${ACCESS_LOG_FIELDS.length} fields): ${[...sides].map(([s, n]) => `${s} ${n}`).join(", ")}`;
}

/** `terraform plan -detailed-exitcode` in the stack's cdktf.out directory: no changes expected. */
function drift(ctx: Context, label: string): string {
  const dir = path.join(ctx.project, "cdktf.out", "stacks", ENV);
  const planFile = path.join(ctx.work, `${label}.tfplan`);
  const p = run(ctx.tf.binary, ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", `-out=${planFile}`], { cwd: dir, env: tfEnv(ctx), timeoutSeconds: 300 });
  if (p.code === 0) return `terraform plan: no changes (${seconds(p.seconds)})`;
  if (p.code !== 2) throw new Error(`terraform plan exited ${p.code}: ${firstError(p.stderr || p.stdout)}`);
  const show = run(ctx.tf.binary, ["show", "-json", planFile], { cwd: dir, env: tfEnv(ctx), timeoutSeconds: 120 });
  const changes = planChanges(JSON.parse(show.stdout) as Parameters<typeof planChanges>[0]);
  log(indent(p.stdout.split("\n").filter((l) => /^\s+[~+-]|#/.test(l)).slice(0, 40).join("\n")));
  throw new Error(`drift: ${changes.map((c) => `${c.address} ${c.actions.join("/")} (${c.attributes.join(", ")})`).join("; ")}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Phase change under load

/** The load generator, a child process at 10 requests/s alternating / and /api/v2/x. */
function startLoad(ctx: Context, file: string): ChildProcess {
  const child = spawn(process.execPath, ["--require", "tsx/cjs", path.join(__dirname, "load.ts"), String(ctx.routerPort), file, "10", "900", "/,/api/v2/x"], { cwd: REPO, stdio: "ignore" });
  return child;
}

function stopLoad(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Waits until requests through the router carry `phase` (the router reloaded its config); seconds it took. */
async function routerOnPhase(ctx: Context, phase: string): Promise<number> {
  const started = Date.now();
  const r = await waitFor(async () => ((await get(ctx.routerPort, "/api/v2/phase-probe")).echo?.phase === phase ? true : undefined), 30_000, 100);
  if (r instanceof Error) throw new Error(`the router did not switch to phase ${phase} within 30 s: ${r.message}`);
  return (Date.now() - started) / 1000;
}

interface PhaseChange {
  readonly deploySeconds: number;
  readonly reloadSeconds: number;
  readonly from: number;
  readonly to: number;
  readonly counts?: { added: number; changed: number; destroyed: number };
  readonly writerBefore: string;
  readonly writerAfter: string;
}

function writerName(ctx: Context): string {
  const writers = [...platformContainers(ctx).values()].filter((c) => c.labels["tandem.service"] === "router-config").map((c) => c.name);
  if (writers.length !== 1) throw new Error(`expected one router-config writer, found ${writers.join(", ") || "none"}`);
  return writers[0];
}

/** Edits the copy's phase and deploys; returns when the router serves the new phase. */
async function changePhase(ctx: Context, phase: string, weightPercent: number | undefined, label: string): Promise<PhaseChange> {
  const writerBefore = writerName(ctx);
  setRouterPhase(ctx.project, ENV, phase, weightPercent);
  const from = Date.now();
  const r = cdktf(ctx, "deploy", label);
  const deploySeconds = r.seconds;
  const reloadSeconds = await routerOnPhase(ctx, phase);
  // Two more seconds of load after the switch: a reload that drops connections late would show here.
  await sleep(2000);
  return { deploySeconds, reloadSeconds, from, to: Date.now(), counts: applyCounts(stripAnsi(r.stdout)), writerBefore, writerAfter: writerName(ctx) };
}

function describeChange(c: PhaseChange, w: LoadWindow): string {
  const counts = c.counts ? `${c.counts.added} added, ${c.counts.changed} changed, ${c.counts.destroyed} destroyed` : "counts not found";
  return `deploy ${seconds(c.deploySeconds)} (${counts}; writer ${c.writerBefore} → ${c.writerAfter}), router on the new phase ${seconds(c.reloadSeconds)} after cdktf returned; ${w.failed} of ${w.requests} requests failed`;
}

function checkChange(c: PhaseChange, w: LoadWindow): void {
  const problems: string[] = [];
  if (w.failed > 0) problems.push(`failures: ${w.examples.join("; ")}`);
  if (w.requests === 0) problems.push("the load loop sent nothing");
  if (c.counts && (c.counts.added !== 1 || c.counts.changed !== 0 || c.counts.destroyed !== 1)) problems.push(`expected 1 added, 0 changed, 1 destroyed (the writer); got ${JSON.stringify(c.counts)}`);
  if (c.writerBefore === c.writerAfter) problems.push("the router-config writer was not replaced");
  if (problems.length > 0) throw new Error(`${describeChange(c, w)}; ${problems.join("; ")}`);
}

/** In the weighted phase a share of fresh clients lands on new, and each client stays where it landed. */
async function weightedRouting(ctx: Context, weightPercent: number): Promise<string> {
  const clients = 200;
  const sides: Record<string, string[]> = { new: [], legacy: [] };
  const entry = containerOf(ctx, Object.entries(ctx.config.platform.services).find(([, s]) => s.entry)![0]);
  const problems: string[] = [];
  for (let i = 0; i < clients; i++) {
    const r = await get(ctx.routerPort, "/");
    const side = String(r.headers[SIDE_HEADER.toLowerCase()]);
    const cookie = cookieValue(r.headers, CLIENT_COOKIE);
    if (!cookie) problems.push(`request ${i}: no ${CLIENT_COOKIE} cookie`);
    const who = answeredBy(ctx, r);
    if ((side === "new" && who !== entry) || (side === "legacy" && who !== legacyContainer(ctx)) || r.status !== 200) problems.push(`request ${i}: side ${side} answered by ${who} (HTTP ${r.status})`);
    (sides[side] ??= []).push(cookie ?? "");
    if (problems.length > 5) break;
  }
  const share = (100 * sides.new.length) / clients;
  // 200 clients at 50 %: a share outside 35-65 % has a chance below 1 in 10,000.
  if (Math.abs(share - weightPercent) > 15) problems.push(`${share} % of fresh clients on new, configured ${weightPercent} %`);
  for (const side of ["new", "legacy"]) {
    const cookie = sides[side]?.[0];
    if (!cookie) continue;
    for (let i = 0; i < 10; i++) {
      const r = await get(ctx.routerPort, `/sticky/${i}`, { headers: { Cookie: `${CLIENT_COOKIE}=${cookie}` } });
      const got = String(r.headers[SIDE_HEADER.toLowerCase()]);
      if (got !== side) problems.push(`client ${cookie} went ${side}, then ${got} on request ${i}`);
      if (cookieValue(r.headers, CLIENT_COOKIE)) problems.push(`client ${cookie} was given a new cookie`);
    }
  }
  const routed = await checkRoutes(ctx, pathPhaseChecks(ctx).filter((c) => c.side === "new"), "weighted");
  problems.push(...routed);
  if (problems.length > 0) throw new Error(problems.slice(0, 8).join("; "));
  return `${sides.new.length} of ${clients} fresh clients on new (${share} %, configured ${weightPercent} %), sticky by ${CLIENT_COOKIE} (10 of 10 for a new and a legacy client); route paths still new`;
}

// ---------------------------------------------------------------------------------------------------------------

function destroyCheck(ctx: Context): string {
  const r = cdktf(ctx, "destroy", "destroy");
  const left = platformContainers(ctx);
  const nets = plannedNetworks(ctx.stack);
  const problems: string[] = [];
  if (left.size > 0) problems.push(`containers left: ${[...left.keys()].join(", ")}`);
  for (const n of nets.own) if (docker(ctx.engine, ["network", "inspect", n]).code === 0) problems.push(`network ${n} left`);
  for (const v of nets.volumes) if (docker(ctx.engine, ["volume", "inspect", v]).code === 0) problems.push(`volume ${v} left`);
  if (problems.length > 0) throw new Error(problems.join("; "));
  ctx.figures.push(`destroy: ${seconds(r.seconds)}`);
  return `cdktf destroy ${seconds(r.seconds)}: no platform container, network ${nets.own.join(", ")} and volume ${nets.volumes.join(", ")} gone`;
}

function legacyUntouched(ctx: Context, before: ReadonlyMap<string, ContainerState>): string {
  const after = containers(ctx.engine, "label=tandem.e2e=legacy");
  const changed = changedContainers(before, after);
  if (docker(ctx.engine, ["network", "inspect", LEGACY_NETWORK]).code !== 0) changed.push(`${LEGACY_NETWORK} is gone`);
  if (changed.length > 0) throw new Error(changed.join("; "));
  return `${before.size} legacy containers keep their ids and start times, still running; ${LEGACY_NETWORK} still there`;
}

// ---------------------------------------------------------------------------------------------------------------

function synth(project: string): DockerStackJson {
  const s = run(process.execPath, ["scripts/run-ts.cjs", "main.ts"], { cwd: project, timeoutSeconds: 300 });
  if (s.code !== 0) throw new Error(`synth failed (exit ${s.code}): ${s.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return JSON.parse(fs.readFileSync(path.join(project, "cdktf.out", "stacks", ENV, "cdk.tf.json"), "utf8")) as DockerStackJson;
}

function cacheDir(): string {
  return path.join(process.env.TANDEM_CACHE_DIR ?? path.join(os.homedir(), ".cache", "tandem"), "e2e");
}

interface Resources {
  engine?: Engine;
  load?: ChildProcess;
}

/** Stops what the run started: the load loop, the engine (and everything in it), the scratch directory. */
function cleanup(resources: Resources, work: string, keep: boolean): string[] {
  const problems: string[] = [];
  if (resources.load && resources.load.exitCode === null) resources.load.kill("SIGKILL");
  if (resources.engine) problems.push(...stopEngine(resources.engine));
  resources.engine = undefined;
  if (!keep) fs.rmSync(work, { recursive: true, force: true });
  return problems;
}

async function main(argv: readonly string[]): Promise<number> {
  const keep = argv.includes("--keep");
  const started = Date.now();
  const steps = new Steps(ENV);
  const work = workDirectory("tandem-e2e-");
  const project = path.join(work, "project");
  const resources: Resources = {};
  const figures: string[] = [];
  // Ctrl-C or a kill: clean up (all synchronous) before going.
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: cleaning up`);
    cleanup(resources, work, keep);
    process.exit(1);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await e2e(steps, { work, project, resources, figures, keep });
  } catch (e) {
    // Something no step expected: it fails the step that was running, and the rest do not run.
    steps.failRest(e instanceof Error ? (e.stack ?? e.message) : String(e));
  } finally {
    // A run that could not start has reported cleanup skipped already; there is still a scratch directory to remove.
    if (steps.has("cleanup")) cleanup(resources, work, keep);
    else await steps.run("cleanup", [], () => {
      const problems = cleanup(resources, work, keep);
      if (problems.length > 0) throw new Error(problems.join("; "));
      return keep ? `engine stopped and removed; kept ${work}` : "load loop, engine (its containers, networks, volumes, images) and scratch directory removed";
    });
  }
  figures.push(`total: ${seconds((Date.now() - started) / 1000)}`);
  log(`\n==> figures\n${indent(figures.join("\n"))}\n`);
  log(formatResults("e2e", steps.results));
  return tally(steps.results).failed > 0 ? 1 : 0;
}

interface RunState {
  readonly work: string;
  readonly project: string;
  readonly resources: Resources;
  readonly figures: string[];
  readonly keep: boolean;
}

async function e2e(steps: Steps, s: RunState): Promise<void> {
  const config = loadEnvironment(ENV, environments[ENV]);
  if (config.target !== "docker") throw new Error(`${ENV} is not a Docker environment`);

  // Prerequisites: Terraform, a synthesized stack, its providers, an engine. Without one of them nothing can be
  // checked here, so every step is skipped with the reason; they are recorded as steps only once all are there.
  const tf = findTerraform();
  if ("missing" in tf) return steps.skipRest(tf.missing);
  log(`==> copy the project into ${s.project}`);
  log(`    ${copyProject(REPO, s.project)} tracked files`);
  log("\n==> synth");
  let stack: DockerStackJson;
  try {
    stack = synth(s.project);
  } catch (e) {
    await steps.run("synth", [], () => {
      throw e;
    });
    return steps.skipRest("needs synth, which failed");
  }
  const source = providerSource(s.work);
  for (const note of source.notes) log(`note: ${note}`);
  log(`\n==> providers from the ${source.description}`);
  const probe = probeProviders(tf, source, requiredProviders(stack as Parameters<typeof requiredProviders>[0]), s.work);
  for (const [provider, reason] of probe) log(`    ${provider}: ${reason === undefined ? "available" : `not available: ${reason}`}`);
  const missing = [...probe].filter(([, reason]) => reason !== undefined);
  if (missing.length > 0) return steps.skipRest(missing.map(([p, reason]) => `provider ${p} not available from the ${source.description}: ${reason}`).join("; "));
  log("\n==> engine");
  const engine = startEngine(path.join(s.work, "engine"));
  if ("missing" in engine) return steps.skipRest(engine.missing);
  s.resources.engine = engine;
  s.figures.push(`dockerd start: ${seconds(engine.startSeconds)}`);
  await steps.run("synth", [], () => `${Object.keys(stack.resource?.docker_container ?? {}).length} containers planned; providers from the ${source.description}`);
  await steps.run("engine", [], () => `dockerd ${engine.version} (pid ${engine.pid}) answering on ${engine.host} after ${seconds(engine.startSeconds)}; ${process.env.TANDEM_E2E_IPTABLES === "1" ? "managing iptables" : "iptables, forwarding and docker0 left alone"}`);

  const planned = plannedContainers(stack);
  const router = planned.find((p) => p.service === "router");
  if (!router?.hostPorts[0]) throw new Error("the stack has no router container with a host port");
  const ctx: Context = { work: s.work, project: s.project, tf, source, engine, config, planned, stack, routerPort: router.hostPorts[0].port, figures: s.figures };

  await steps.run("images", ["engine"], () => {
    const roles = imageRoles(stack);
    const b = buildImages(engine!, roles, new Map([[LEGACY_IMAGES.http, "http"], [LEGACY_IMAGES.redis, "redis"]]), cacheDir(), s.work);
    const sizes = Object.entries(b.rootfs).map(([role, r]) => `${role} ${(r.bytes / 1e6).toFixed(0)} MB${r.cached ? " cached" : " built"}`);
    s.figures.push(`images: root filesystems ${seconds(b.buildSeconds)} (${sizes.join(", ")}), docker import + tag ${seconds(b.importSeconds)}`);
    return `${b.tags.size} names tagged (${sizes.join(", ")}); rootfs ${seconds(b.buildSeconds)}, import ${seconds(b.importSeconds)}`;
  });

  let legacyBefore: Map<string, ContainerState> = new Map();
  await steps.run("legacy", ["images"], async () => {
    legacyBefore = startLegacy(engine!);
    const health = await waitFor(async () => ((await get(8000, config.legacy.healthPath ?? "/health")).status === 200 ? true : undefined), 30_000);
    if (health instanceof Error) throw new Error(`legacy web does not answer on 127.0.0.1:8000: ${health.message}`);
    for (const c of LEGACY_CONTAINERS) {
      const open = await waitFor(() => tcpConnect(c.hostPort).then(() => true), 30_000);
      if (open instanceof Error) throw new Error(`${c.name} does not answer on 127.0.0.1:${c.hostPort}: ${open.message}`);
    }
    return `${LEGACY_NETWORK} with ${[...legacyBefore.keys()].join(", ")}; 127.0.0.1:${LEGACY_CONTAINERS.map((c) => c.hostPort).join(", ")} answer`;
  });

  await steps.run("ports:check", ["legacy"], () => {
    const r = run("npm", ["run", "--silent", "ports:check", "--", ENV], { cwd: s.project, timeoutSeconds: 120 });
    log(indent(r.stdout.trim()));
    if (r.code !== 0) throw new Error(`npm run ports:check -- ${ENV} exited ${r.code}: ${(r.stdout + r.stderr).trim().split("\n").pop()}`);
    return (r.stdout.trim().split("\n").pop() ?? "").trim();
  });

  await steps.run("deploy", ["images", "legacy"], () => {
    const r = cdktf(ctx, "deploy", "deploy");
    const counts = applyCounts(stripAnsi(r.stdout));
    s.figures.push(`cdktf deploy ${ENV}: ${seconds(r.seconds)}`);
    return `cdktf deploy ${ENV} ${seconds(r.seconds)}${counts ? ` (${counts.added} added)` : ""}`;
  });
  await steps.run("host ports", ["deploy"], () => hostPorts(ctx));
  await steps.run("health checks", ["deploy"], () => healthChecks(ctx));
  await steps.run("filesystem", ["deploy"], () => filesystem(ctx));
  await steps.run("networks", ["deploy"], () => networks(ctx));
  await steps.run("routing", ["deploy"], () => routing(ctx));
  await steps.run("websocket", ["deploy"], () => websocketRoute(ctx));
  await steps.run("health endpoints", ["deploy"], () => healthEndpoints(ctx));
  await steps.run("access log", ["deploy"], () => accessLog(ctx));
  await steps.run("drift", ["deploy"], () => drift(ctx, "drift"));

  // The phase change and its rollback, under one load loop that runs through both.
  const loadFile = path.join(s.work, "load.jsonl");
  const weight = 50;
  let before = new Map<string, ContainerState>();
  let weighted: PhaseChange | undefined;
  let rollback: PhaseChange | undefined;
  if (steps.results.some((r) => r.step === "deploy" && r.status === "passed")) {
    before = platformContainers(ctx);
    s.resources.load = startLoad(ctx, loadFile);
    // A baseline before the first change, so the loop is known to be running.
    await sleep(2000);
  }
  await steps.run("phase weighted", ["deploy"], async () => {
    weighted = await changePhase(ctx, "weighted", weight, "deploy-weighted");
    const w = loadWindow(readLoad(loadFile), weighted.from, weighted.to);
    s.figures.push(`phase path → weighted ${weight} %: deploy ${seconds(weighted.deploySeconds)}, router on it ${seconds(weighted.reloadSeconds)} after cdktf returned; failed requests ${w.failed} of ${w.requests}`);
    checkChange(weighted, w);
    return describeChange(weighted, w);
  });
  await steps.run("weighted routing", ["phase weighted"], () => weightedRouting(ctx, weight));
  await steps.run("rollback path", ["deploy"], async () => {
    rollback = await changePhase(ctx, "path", undefined, "deploy-rollback");
    const w = loadWindow(readLoad(loadFile), rollback.from, rollback.to);
    s.figures.push(`rollback weighted → path: deploy ${seconds(rollback.deploySeconds)}, router on it ${seconds(rollback.reloadSeconds)} after cdktf returned; failed requests ${w.failed} of ${w.requests}`);
    checkChange(rollback, w);
    const routed = await checkRoutes(ctx, pathPhaseChecks(ctx), "path");
    if (routed.length > 0) throw new Error(`after the rollback: ${routed.join("; ")}`);
    return `${describeChange(rollback, w)}; path routing back`;
  });
  if (s.resources.load) {
    await stopLoad(s.resources.load);
    const all = readLoad(loadFile);
    const total = loadWindow(all, 0, Number.MAX_SAFE_INTEGER);
    s.figures.push(`load loop: ${total.requests} requests at 10/s over ${seconds(all.length > 0 ? (all[all.length - 1].t - all[0].t) / 1000 : 0)}, ${total.failed} failed; phases seen ${JSON.stringify(total.phases)}`);
    s.resources.load = undefined;
  }
  await steps.run("containers kept", ["phase weighted", "rollback path"], () => {
    const after = platformContainers(ctx);
    const keptNames = [...before.keys()].filter((n) => before.get(n)?.labels["tandem.service"] !== "router-config");
    const changed = changedContainers(new Map(keptNames.map((n) => [n, before.get(n)!])), after);
    const writers = [...after.values()].filter((c) => c.labels["tandem.service"] === "router-config").map((c) => c.name);
    if (writers.includes(weighted!.writerBefore) && weighted!.writerBefore !== rollback!.writerAfter) changed.push(`old writer ${weighted!.writerBefore} still there`);
    if (changed.length > 0) throw new Error(changed.join("; "));
    return `${keptNames.length} containers (router and every service) kept their id and start time across both changes; only the writer was replaced (${weighted!.writerBefore} → ${weighted!.writerAfter} → ${rollback!.writerAfter})`;
  });
  await steps.run("drift after rollback", ["rollback path"], () => drift(ctx, "drift-after-rollback"));
  await steps.run("destroy", ["deploy"], () => destroyCheck(ctx));
  await steps.run("legacy untouched", ["legacy", "destroy"], () => legacyUntouched(ctx, legacyBefore));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(1);
    },
  );
}
