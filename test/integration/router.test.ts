/**
 * The migration router on real nginx, running the nginx.conf exactly as the stack synthesizes it (taken from the
 * synthesized Terraform JSON, not regenerated): upstream names answered by a DNS stub on loopback, the services
 * and legacy (over TLS, with a test CA) as small servers on loopback addresses. Bounded: a few thousand requests,
 * every process stopped in afterAll.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformStack, Testing } from "cdktf";
import { environments } from "../../environments";
import { loadEnvironment } from "../../src/config";
import { ACCESS_LOG_FIELDS, ACCESS_LOG_KIND, CLIENT_COOKIE, MigrationPhase } from "../../src/platform/router-config";
import { publicHosts } from "../../src/platform/plan";
import { KUBE_DNS } from "../../src/platform/router-defaults";
import { addEnvironmentStacks } from "../../stacks";
import { parseLoggingFilter, runExtractor } from "../helpers/logging-filter";
import { DnsStub, startDnsStub } from "./support/dns-stub";
import { NGINX, nginxTest, RunningNginx, startNginx, testCertificate } from "./support/nginx-ns";

type EnvName = keyof typeof environments;
type Release = { activeColor: "blue" | "green"; canaryPercent?: number; idle?: "warm" | "full" | "off" };
type RawEnv = { platform: { router: { phase: MigrationPhase; weightPercent?: number } }; blueGreen?: Record<string, Release> };

type StackJson = { resource: Record<string, Record<string, Record<string, unknown> & { data?: Record<string, string>; env?: string[] }>> };

/** The stack `env` synthesizes (optionally with its config edited). */
function synthesizedStack(env: EnvName, edit?: (raw: RawEnv) => void): StackJson {
  const raw = structuredClone(environments[env]) as unknown as RawEnv;
  edit?.(raw);
  // Synthesis is deterministic: one synth per distinct config, however many tests start nginx on it.
  const key = JSON.stringify([env, raw]);
  const known = synthesized.get(key);
  if (known !== undefined) return known;
  const json = synthesize(env, raw);
  synthesized.set(key, json);
  return json;
}
const synthesized = new Map<string, StackJson>();

function synthesize(env: EnvName, raw: RawEnv): StackJson {
  const app = Testing.app();
  addEnvironmentStacks(app, [loadEnvironment(env, raw)]);
  return JSON.parse(Testing.synth(app.node.findChild(env) as TerraformStack)) as StackJson;
}

/** The router's nginx.conf in a synthesized cloud stack (its ConfigMap). */
const configMapOf = (json: StackJson) => Object.values(json.resource.kubernetes_config_map_v1).find((c) => c.data?.["nginx.conf"])!.data!["nginx.conf"];

/** The router's nginx.conf as the stack for `env` (optionally with its config edited) synthesizes it. */
function synthesizedRouterConfig(env: EnvName, edit?: (raw: RawEnv) => void): string {
  const json = synthesizedStack(env, edit);
  const fromConfigMap = Object.values(json.resource.kubernetes_config_map_v1 ?? {}).find((c) => c.data?.["nginx.conf"])?.data?.["nginx.conf"];
  const fromWriter = Object.values(json.resource.docker_container ?? {})
    .flatMap((c) => c.env ?? [])
    .find((e) => e.startsWith("TANDEM_NGINX_CONF="));
  const text = fromConfigMap ?? fromWriter?.slice("TANDEM_NGINX_CONF=".length);
  if (!text) throw new Error(`no router config in the synthesized ${env} stack`);
  return text;
}

/** Staging's router config at a release state of `blueGreen.api` (the path phase, as production runs). */
const release = (state: Release) =>
  synthesizedRouterConfig("staging", (raw) => {
    raw.platform.router.phase = "path";
    delete raw.platform.router.weightPercent;
    raw.blueGreen!.api = { ...raw.blueGreen!.api, ...state };
  });

interface Answer {
  status: number;
  body: { backend?: string; url?: string; side?: string; phase?: string; proto?: string };
  headers: http.IncomingHttpHeaders;
}

let agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
/** A GET through the router; `fresh` opens a connection of its own (no keep-alive). */
function get(urlPath: string, headers: Record<string, string> = {}, fresh = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: 8080, path: urlPath, headers, agent: fresh ? false : agent, timeout: 5000 }, (res) => {
      let data = "";
      res.on("data", (c) => (data += c));
      res.on("end", () => {
        let body = {};
        try {
          body = JSON.parse(data);
        } catch {
          body = {};
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    // Node's documented keep-alive race: a request on a reused idle connection the server closed at that moment.
    req.on("error", (e) => reject(Object.assign(e, { reusedSocket: req.reusedSocket })));
    req.on("timeout", () => req.destroy(new Error("timeout")));
  });
}

/** Sends a WebSocket handshake through the router; resolves with the backend's 101 headers. */
function upgrade(urlPath: string): Promise<http.IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: 8080, path: urlPath, headers: { connection: "Upgrade", upgrade: "websocket" }, timeout: 5000 });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.headers);
    });
    req.on("response", (res) => reject(new Error(`expected 101, got ${res.statusCode}`)));
    req.on("error", reject);
    req.end();
  });
}

const servers: (http.Server | https.Server)[] = [];
function serve(name: string, address: string, port: number, tls?: { cert: string; key: string }): Promise<void> {
  const handler: http.RequestListener = (req, res) => {
    res.setHeader("content-type", "application/json");
    // `?status=503` makes a stand-in fail on purpose (the error-rate metric's numerator).
    const status = Number(/[?&]status=(\d{3})/.exec(req.url ?? "")?.[1] ?? 200);
    res.statusCode = status;
    res.end(JSON.stringify({ backend: name, url: req.url, side: req.headers["x-tandem-side"], phase: req.headers["x-tandem-phase"], proto: req.headers["x-forwarded-proto"] }));
  };
  const server = tls ? https.createServer({ cert: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key) }, handler) : http.createServer(handler);
  server.on("upgrade", (req, socket) => {
    socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Backend: ${name}\r\nX-Backend-Url: ${req.url}\r\n\r\n`);
  });
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => resolve());
  });
}

let work: string;
let dns: DnsStub;
let cert: { caBundle: string; cert: string; key: string };
let nginx: RunningNginx | undefined;
/** Upstream host -> the loopback address its stand-in listens on. */
const addresses = new Map<string, string>();

/** The short name a stand-in answers with: `tandem-api-gateway.new-platform.svc.cluster.local` -> `api-gateway`. */
const shortName = (host: string) => host.split(".")[0].replace(/^tandem-/, "");

/** Stand-ins for every upstream the config names (legacy over TLS), each on a loopback address of its own. */
async function standIns(config: string): Promise<void> {
  for (const m of config.matchAll(/"([a-z0-9-]+\.[a-z0-9-]+\.svc\.cluster\.local):(\d+)"/g)) {
    const [, host, port] = m;
    if (addresses.has(host)) continue;
    const address = `127.0.0.${10 + addresses.size}`;
    addresses.set(host, address);
    dns.records.set(host, address);
    await serve(shortName(host), address, Number(port), Number(port) === 443 ? cert : undefined);
  }
}

async function startRouter(config: string): Promise<void> {
  await stopRouter();
  await standIns(config);
  const conf = path.join(work, "nginx.conf");
  fs.writeFileSync(conf, config);
  const opts = { work, hosts: [`127.0.0.1 ${KUBE_DNS}`], caBundle: cert.caBundle };
  const check = nginxTest(conf, opts);
  if (check.status !== 0) throw new Error(`nginx -t rejected the config:\n${check.stderr}`);
  nginx = startNginx(conf, opts);
  for (let i = 0; i < 100; i++) {
    try {
      if ((await get("/tandem/health/router")).status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not come up:\n${nginx.stderr()}`);
}

async function stopRouter(): Promise<void> {
  if (!nginx) return;
  const n = nginx;
  nginx = undefined;
  agent.destroy();
  agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  await n.stop();
}

/** Staging's public names, as its config gives them: legacy's TLS name (the test certificate's) and new.<domain>. */
const STAGING_CONFIG = loadEnvironment("staging", environments.staging);
const STAGING_HOSTS = STAGING_CONFIG.target === "gcp" ? publicHosts(STAGING_CONFIG.legacy, STAGING_CONFIG.platform.router) : { legacy: "", new: "" };

const staging = (phase: MigrationPhase, weightPercent?: number) =>
  synthesizedRouterConfig("staging", (raw) => {
    raw.platform.router.phase = phase;
    if (weightPercent !== undefined) raw.platform.router.weightPercent = weightPercent;
    else delete raw.platform.router.weightPercent;
  });

beforeAll(async () => {
  if (!fs.existsSync(NGINX)) throw new Error(`${NGINX} not found: install Debian's nginx (apt-get install -y nginx); .ci/run does this`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-nginx-"));
  cert = testCertificate(work, [STAGING_HOSTS.legacy]);
  dns = await startDnsStub("127.0.0.1", 53);
});

afterAll(async () => {
  await stopRouter();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await dns?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the synthesized router config on real nginx", () => {
  test.each(Object.keys(environments) as EnvName[])("%s: nginx -t accepts it while no upstream name resolves", (env) => {
    const conf = path.join(work, `check-${env}.conf`);
    fs.writeFileSync(conf, synthesizedRouterConfig(env));
    // Only the resolver's own name resolves (as kube-dns does in a cluster); the services' names do not.
    const r = nginxTest(conf, { work, hosts: [`127.0.0.1 ${KUBE_DNS}`] });
    expect({ env, status: r.status, stderr: r.stderr }).toEqual({ env, status: 0, stderr: "" });
  });

  test("it starts while no upstream resolves, answers its health check, and routes once names resolve", async () => {
    const config = staging("path");
    await startRouter(config);
    const saved = new Map(dns.records);
    dns.records.clear();
    try {
      await startRouter(config);
      expect((await get("/tandem/health/router")).status).toBe(200);
      expect((await get("/platform/x")).status).toBe(502);
    } finally {
      for (const [k, v] of saved) dns.records.set(k, v);
    }
    await startRouter(config);
    expect((await get("/platform/x")).body.backend).toBe("web");
  });

  test("subdomain: new.<domain> is the whole new platform, everything else legacy (over verified TLS)", async () => {
    await startRouter(staging("subdomain"));
    expect((await get("/x", { host: STAGING_HOSTS.new })).body.backend).toBe("web");
    expect((await get("/api/v2/items", { host: STAGING_HOSTS.new })).body).toMatchObject({ backend: "api-gateway", url: "/items" });
    expect((await get("/x", { host: STAGING_HOSTS.legacy })).body.backend).toBe("legacy");
    expect((await get("/api/v2/items", { host: STAGING_HOSTS.legacy })).body.backend).toBe("legacy");
    expect((await get("/tandem/health/legacy")).body).toMatchObject({ backend: "legacy", url: "/health" });
  });

  test("path: /v2/ and every route go to new on every host, the rest to legacy; WebSocket upgrades pass; the phase is a header", async () => {
    await startRouter(staging("path"));
    expect((await get("/v2/orders")).body).toMatchObject({ backend: "web", url: "/v2/orders" });
    expect((await get("/platform/home")).body).toMatchObject({ backend: "web", url: "/home" });
    expect((await get("/api/v2/items?q=1")).body).toMatchObject({ backend: "api-gateway", url: "/items?q=1", side: "new", phase: "path" });
    expect((await get("/netbox/dcim")).body.backend).toBe("legacy");
    expect((await get("/")).body.backend).toBe("legacy");
    expect(await upgrade("/ws/agents")).toMatchObject({ "x-backend": "websocket", "x-backend-url": "/agents", upgrade: "websocket" });
  });

  test("weighted 25 %: about a quarter of 3,000 clients go to new, each stays on its side, moved paths stay on new", async () => {
    await startRouter(staging("weighted", 25));
    const clients = 3000;
    let toNew = 0;
    for (let i = 0; i < clients; i += 25) {
      const batch = await Promise.all(Array.from({ length: 25 }, (_, j) => get("/", { "x-client-id": `client-${i + j}` })));
      toNew += batch.filter((r) => r.body.backend === "web").length;
    }
    expect(toNew / clients).toBeGreaterThan(0.22);
    expect(toNew / clients).toBeLessThan(0.28);
    for (let i = 0; i < 20; i++) {
      const sides = new Set<string | undefined>();
      for (let j = 0; j < 5; j++) sides.add((await get(`/page-${j}`, { cookie: `${CLIENT_COOKIE}=sticky-${i}` })).body.backend);
      expect(sides.size).toBe(1);
    }
    for (let i = 0; i < 50; i++) expect((await get("/api/v2/items", { "x-client-id": `client-${i}` })).body.backend).toBe("api-gateway");
    const first = await get("/");
    const cookie = String(first.headers["set-cookie"]?.[0] ?? "").split(";")[0];
    expect(cookie).toMatch(new RegExp(`^${CLIENT_COOKIE}=.+`));
    for (let j = 0; j < 3; j++) expect((await get("/", { cookie })).body.backend).toBe(first.body.backend);
  }, 30_000);

  test("cutover: everything goes to new; legacy still answers its health check; rollback routes as the earlier phase", async () => {
    await startRouter(staging("cutover"));
    for (const p of ["/", "/v2/x", "/netbox/"]) expect((await get(p)).body.backend).toBe("web");
    expect((await get("/tandem/health/legacy")).body.backend).toBe("legacy");
    await startRouter(staging("path"));
    expect((await get("/")).body.backend).toBe("legacy");
  });

  test("a legacy certificate the CA bundle does not trust is refused (502), not proxied", async () => {
    const config = staging("subdomain");
    await stopRouter();
    const conf = path.join(work, "nginx.conf");
    fs.writeFileSync(conf, config);
    // The system bundle does not contain the test CA that signed legacy's certificate.
    nginx = startNginx(conf, { work, hosts: [`127.0.0.1 ${KUBE_DNS}`] });
    let status = 0;
    for (let i = 0; i < 100 && status === 0; i++) {
      try {
        if ((await get("/tandem/health/router")).status === 200) status = (await get("/x")).status;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    expect(status).toBe(502);
    expect(nginx.stderr()).toMatch(/upstream SSL certificate verify error/);
  });

  test("one JSON access line per request, with the fields the log metrics read", async () => {
    await startRouter(staging("path"));
    const before = nginx!.accessLog().length;
    await get("/api/v2/items", { "x-forwarded-proto": "https" });
    await get("/netbox/");
    await new Promise((r) => setTimeout(r, 200));
    const lines = nginx!.accessLog().slice(before);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(Object.keys(line)).toEqual([...ACCESS_LOG_FIELDS]);
    expect(lines[0]).toMatchObject({ kind: ACCESS_LOG_KIND, side: "new", service: "api-gateway", route: "/api/v2/", color: "-", status: 200, status_class: "2xx", phase: "path" });
    expect(lines[1]).toMatchObject({ side: "legacy", service: "legacy", route: "/", status: 200 });
    expect(typeof lines[0].latency_seconds).toBe("number");
  });

  test("behind the front door: X-Forwarded-Proto and X-Forwarded-For are believed from the trusted front ends and the front door's address only", async () => {
    // Unchanged staging config: loopback is not one of Google's front ends, so what it claims is ignored.
    await startRouter(staging("path"));
    let before = nginx!.accessLog().length;
    const untrusted = await get("/api/v2/items", { "x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.7" }, true);
    expect(untrusted.body.proto).toBe("http");
    await new Promise((r) => setTimeout(r, 200));
    expect(nginx!.accessLog().slice(before)[0]).toMatchObject({ client: "127.0.0.1" });

    // Loopback standing in for Google's front ends, and the included file naming the front door's own address
    // (which the load balancer appends after the client's): the client is the address left of it, never a
    // value the client wrote itself (192.0.2.1), and the scheme is the one the front door received.
    // nginx sees the test's <work>/tmp as /tmp.
    fs.mkdirSync(path.join(work, "tmp", "tandem"), { recursive: true });
    fs.writeFileSync(path.join(work, "tmp", "tandem", "trusted-proxies.conf"), "set_real_ip_from 203.0.113.9;\n");
    const included = "/tmp/tandem";
    const config = staging("path");
    expect(config).toContain("set_real_ip_from 35.191.0.0/16;");
    const asFrontEnd = config.replace(/35\.191\.0\.0\/16/g, "127.0.0.0/8").replace("include /etc/nginx/tandem/*.conf;", `include ${included}/*.conf;`);
    await startRouter(asFrontEnd);
    before = nginx!.accessLog().length;
    const trusted = await get("/api/v2/items", { "x-forwarded-proto": "https", "x-forwarded-for": "192.0.2.1, 198.51.100.7, 203.0.113.9" }, true);
    expect(trusted.body.proto).toBe("https");
    await new Promise((r) => setTimeout(r, 200));
    expect(nginx!.accessLog().slice(before)[0]).toMatchObject({ client: "198.51.100.7" });
  });

  test("the log-based metrics, with their own filter and extractors, select, count and measure these lines", async () => {
    const json = synthesizedStack("staging", (raw) => {
      raw.platform.router.phase = "path";
      raw.blueGreen!.api = { ...raw.blueGreen!.api, canaryPercent: 50 };
    });
    const metrics = Object.values(json.resource.google_logging_metric) as { name: string; filter: string; label_extractors: Record<string, string>; value_extractor?: string }[];
    const requests = metrics.find((m) => m.name.endsWith("/requests"))!;
    const latency = metrics.find((m) => m.name.endsWith("/latency"))!;
    // The entry GKE's agent writes for a JSON line on the router container's stdout: where the stack runs the router.
    const router = Object.values(json.resource.kubernetes_deployment_v1).find((d) => (d.metadata as { name: string }).name === "tandem-router")!;
    const namespaceRef = /^\$\{kubernetes_namespace_v1\.([\w-]+)\.metadata\[0\]\.name\}$/.exec((router.metadata as { namespace: string }).namespace)![1];
    const namespace = (json.resource.kubernetes_namespace_v1[namespaceRef].metadata as { name: string }).name;
    const container = (router.spec as { template: { spec: { container: { name: string }[] } } }).template.spec.container[0].name;
    const entryOf = (line: Record<string, unknown>, containerName = container) => ({ resource: { type: "k8s_container", labels: { namespace_name: namespace, container_name: containerName, pod_name: "tandem-router-abc" } }, severity: line.severity, jsonPayload: line });

    await startRouter(configMapOf(json));
    const before = nginx!.accessLog().length;
    const clients = Array.from({ length: 40 }, (_, i) => `metrics-${i}`);
    for (const id of clients) await get("/api/v3/items", { "x-client-id": id });
    for (const id of clients.slice(0, 4)) await get("/api/v3/fail?status=503", { "x-client-id": id });
    await get("/netbox/");
    await get("/tandem/health/router");
    await new Promise((r) => setTimeout(r, 200));
    const lines = nginx!.accessLog().slice(before);
    expect(lines).toHaveLength(45); // the health check logs nothing

    const selects = parseLoggingFilter(requests.filter);
    expect(parseLoggingFilter(latency.filter)).toBeDefined();
    expect(lines.every((l) => selects(entryOf(l)))).toBe(true);
    // Not another container's JSON, not a line without the access kind.
    expect(selects(entryOf(lines[0], "api"))).toBe(false);
    expect(selects(entryOf({ ...lines[0], kind: undefined }))).toBe(false);

    const counts = new Map<string, number>();
    for (const l of lines) {
      const key = JSON.stringify(Object.fromEntries(Object.entries(requests.label_extractors).map(([k, x]) => [k, runExtractor(x, entryOf(l))])));
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const count = (labels: Record<string, string>) => [...counts].filter(([k]) => Object.entries(labels).every(([n, v]) => (JSON.parse(k) as Record<string, string>)[n] === v)).reduce((n, [, c]) => n + c, 0);
    expect(count({ side: "new", service: "api", route: "/api/v3/" })).toBe(44);
    expect(count({ side: "new", service: "api", status_class: "5xx" })).toBe(4);
    expect(count({ side: "new", service: "api", color: "blue" }) + count({ side: "new", service: "api", color: "green" })).toBe(44);
    expect(count({ color: "blue" })).toBeGreaterThan(0);
    expect(count({ color: "green" })).toBeGreaterThan(0);
    expect(count({ side: "legacy", service: "legacy", color: "-", status_class: "2xx" })).toBe(1);
    for (const l of lines) {
      const value = Number(runExtractor(latency.value_extractor!, entryOf(l)));
      expect(Number.isFinite(value) && value >= 0 && value < 5).toBe(true);
    }
  }, 20_000);

  test("it follows an address change of an upstream name without a restart", async () => {
    await startRouter(staging("path"));
    const web = [...addresses.keys()].find((h) => shortName(h) === "web")!;
    const port = Number(/tandem-web\.[a-z0-9.-]+:(\d+)/.exec(staging("path"))![1]);
    await serve("web-moved", "127.0.0.99", port);
    expect((await get("/platform/")).body.backend).toBe("web");
    dns.records.set(web, "127.0.0.99");
    let backend: string | undefined;
    // nginx caches an answer for `valid=5s`: asked every 100 ms, for up to 10 s.
    for (let i = 0; i < 100 && backend !== "web-moved"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      backend = (await get("/platform/")).body.backend;
    }
    dns.records.set(web, addresses.get(web)!);
    expect(backend).toBe("web-moved");
  }, 20_000);
});

/** Backends (`api-blue` / `api-green`) of the API route for `clients` distinct clients, `per` requests each. */
async function colours(clients: number, prefix: string, per = 1, concurrency = 50): Promise<Map<string, Set<string | undefined>>> {
  const seen = new Map<string, Set<string | undefined>>();
  const ids = Array.from({ length: clients }, (_, i) => `${prefix}-${i}`);
  for (let round = 0; round < per; round++) {
    for (let i = 0; i < ids.length; i += concurrency) {
      const batch = ids.slice(i, i + concurrency);
      const answers = await Promise.all(batch.map((id) => get("/api/v3/items", { "x-client-id": id })));
      answers.forEach((a, j) => {
        if (a.status !== 200) throw new Error(`client ${batch[j]}: status ${a.status}`);
        const set = seen.get(batch[j]) ?? new Set();
        set.add(a.body.backend);
        seen.set(batch[j], set);
      });
    }
  }
  return seen;
}

describe("a blue-green release on real nginx (the synthesized router config of staging)", () => {
  test("canary 5 % over 4,000 clients lands within ±1 point, each client stays on its colour, and 25 % keeps every 5 % client on green", async () => {
    await startRouter(release({ activeColor: "blue", canaryPercent: 5 }));
    const five = await colours(4000, "canary", 2);
    const green = [...five].filter(([, s]) => s.has("api-green")).map(([id]) => id);
    const share = (green.length / five.size) * 100;
    expect(share).toBeGreaterThanOrEqual(4);
    expect(share).toBeLessThanOrEqual(6);
    expect([...five.values()].filter((s) => s.size !== 1)).toEqual([]);
    expect((await get("/api/v3/items", { "x-client-id": "canary-0" })).body.url).toBe("/items");

    await startRouter(release({ activeColor: "blue", canaryPercent: 25 }));
    const quarter = await colours(4000, "canary");
    const share25 = ([...quarter.values()].filter((s) => s.has("api-green")).length / quarter.size) * 100;
    expect(share25).toBeGreaterThanOrEqual(24);
    expect(share25).toBeLessThanOrEqual(26);
    // The split grows the canary's hash range from the top: a client moved to green stays on green as the weight grows.
    expect(green.filter((id) => !quarter.get(id)!.has("api-green"))).toEqual([]);
    console.log(`canary 5 %: ${green.length} of ${five.size} clients on green (${share.toFixed(2)} %); canary 25 %: ${share25.toFixed(2)} %`);
  }, 60_000);

  test("canary 100, promote and roll back while a bounded request loop runs (nginx reloads, no restart): 0 failed requests", async () => {
    // Synthesized before the loop starts: synthesis is synchronous and would stall this process's stand-ins and DNS.
    const promoted = release({ activeColor: "green", canaryPercent: 0, idle: "full" });
    const rolledBack = release({ activeColor: "blue", canaryPercent: 0, idle: "full" });
    await startRouter(release({ activeColor: "blue", canaryPercent: 100 }));
    await standIns(rolledBack);
    // nginx -t before the loop too (it blocks this process while it runs).
    for (const text of [promoted, rolledBack]) {
      const conf = path.join(work, "check.conf");
      fs.writeFileSync(conf, text);
      expect(nginxTest(conf, { work, hosts: [`127.0.0.1 ${KUBE_DNS}`] }).status).toBe(0);
    }
    expect((await get("/api/v3/x")).body.backend).toBe("api-green");
    const master = nginx!.process.pid;
    const results = { ok: 0, retried: 0, slowest: 0, failed: [] as string[], byBackend: new Map<string, number>() };
    const t0 = Date.now();
    let running = true;
    const switches: number[] = [];
    const marks: string[] = [];
    // Eight clients in a loop: half on fresh connections, half on keep-alive connections the reload closes.
    const loops = Array.from({ length: 8 }, async (_, n) => {
      for (let i = 0; running && i < 5000; i++) {
        try {
          const fresh = n % 2 === 0;
          const ask = () => get("/api/v3/items", { "x-client-id": `loop-${n}-${i}` }, fresh);
          // A GET that hit a keep-alive connection nginx closed while reloading is retried once on a new connection,
          // as HTTP clients do for idempotent requests (RFC 9112, 9.3.1); it is counted.
          const started = Date.now();
          const a = await ask().catch((e: Error & { reusedSocket?: boolean }) => {
            if (!e.reusedSocket) throw e;
            results.retried++;
            return get("/api/v3/items", { "x-client-id": `loop-${n}-${i}` }, true);
          });
          results.slowest = Math.max(results.slowest, Date.now() - started);
          if (a.status === 200) results.ok++;
          else results.failed.push(`status ${a.status}`);
          results.byBackend.set(String(a.body.backend), (results.byBackend.get(String(a.body.backend)) ?? 0) + 1);
        } catch (e) {
          results.failed.push(`${String(e)} (${n % 2 === 0 ? "fresh connection" : "keep-alive"}, at ${Date.now() - t0} ms)`);
        }
      }
    });
    const switchTo = async (text: string, expected: string) => {
      const conf = path.join(work, "next.conf");
      fs.writeFileSync(conf, text);
      const sent = Date.now();
      nginx!.reload(conf);
      // New workers take new connections; old ones finish what they carry and leave.
      let seen: string | undefined;
      for (let i = 0; i < 250 && (seen = (await get("/api/v3/x", {}, true)).body.backend) !== expected; i++) await new Promise((r) => setTimeout(r, 20));
      switches.push(Date.now() - sent);
      marks.push(`reload at ${sent - t0} ms`);
      expect(seen).toBe(expected);
      await new Promise((r) => setTimeout(r, 300));
    };
    try {
      await new Promise((r) => setTimeout(r, 300));
      await switchTo(promoted, "api-green"); // promote: the router's config does not change, the reload is harmless
      await switchTo(rolledBack, "api-blue"); // roll back
      await switchTo(promoted, "api-green"); // forward again
    } finally {
      running = false;
      await Promise.all(loops);
    }
    expect(nginx!.process.pid).toBe(master);
    expect(nginx!.process.exitCode).toBeNull();
    console.log(`promote/rollback under load: ${results.ok} ok, ${results.failed.length} failed, ${results.retried} keep-alive retries, slowest ${results.slowest} ms; new config serving after ${switches.join("/")} ms (${marks.join(", ")}); ${[...results.byBackend].map(([b, n]) => `${b} ${n}`).join(", ")}`);
    expect(results.failed).toEqual([]);
    expect(results.ok).toBeGreaterThan(500);
    expect(results.byBackend.get("api-blue")).toBeGreaterThan(0);
  }, 60_000);
});
