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
import { KUBE_DNS } from "../../src/platform/router-defaults";
import { addEnvironmentStacks } from "../../stacks";
import { DnsStub, startDnsStub } from "./support/dns-stub";
import { NGINX, nginxTest, RunningNginx, startNginx, testCertificate } from "./support/nginx-ns";

type EnvName = keyof typeof environments;
type RawEnv = { platform: { router: { phase: MigrationPhase; weightPercent?: number } } };

/** The router's nginx.conf as the stack for `env` (optionally with its config edited) synthesizes it. */
function synthesizedRouterConfig(env: EnvName, edit?: (raw: RawEnv) => void): string {
  const raw = structuredClone(environments[env]) as unknown as RawEnv;
  edit?.(raw);
  // Synthesis is deterministic: one synth per distinct config, however many tests start nginx on it.
  const key = JSON.stringify([env, raw]);
  const known = synthesized.get(key);
  if (known !== undefined) return known;
  const text = synthesize(env, raw);
  synthesized.set(key, text);
  return text;
}
const synthesized = new Map<string, string>();

function synthesize(env: EnvName, raw: RawEnv): string {
  const app = Testing.app();
  addEnvironmentStacks(app, [loadEnvironment(env, raw)]);
  const json = JSON.parse(Testing.synth(app.node.findChild(env) as TerraformStack)) as {
    resource: Record<string, Record<string, { data?: Record<string, string>; env?: string[] }>>;
  };
  const fromConfigMap = Object.values(json.resource.kubernetes_config_map_v1 ?? {}).find((c) => c.data?.["nginx.conf"])?.data?.["nginx.conf"];
  const fromWriter = Object.values(json.resource.docker_container ?? {})
    .flatMap((c) => c.env ?? [])
    .find((e) => e.startsWith("TANDEM_NGINX_CONF="));
  const text = fromConfigMap ?? fromWriter?.slice("TANDEM_NGINX_CONF=".length);
  if (!text) throw new Error(`no router config in the synthesized ${env} stack`);
  return text;
}

interface Answer {
  status: number;
  body: { backend?: string; url?: string; side?: string; phase?: string; proto?: string };
  headers: http.IncomingHttpHeaders;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function get(urlPath: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: 8080, path: urlPath, headers, agent, timeout: 5000 }, (res) => {
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
    req.on("error", reject);
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
  await n.stop();
}

const staging = (phase: MigrationPhase, weightPercent?: number) =>
  synthesizedRouterConfig("staging", (raw) => {
    raw.platform.router.phase = phase;
    if (weightPercent !== undefined) raw.platform.router.weightPercent = weightPercent;
    else delete raw.platform.router.weightPercent;
  });

beforeAll(async () => {
  if (!fs.existsSync(NGINX)) throw new Error(`${NGINX} not found: install Debian's nginx (apt-get install -y nginx); .ci/run does this`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-nginx-"));
  cert = testCertificate(work, ["app.example.com"]);
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
    expect((await get("/x", { host: "new.example.com" })).body.backend).toBe("web");
    expect((await get("/api/v2/items", { host: "new.example.com" })).body).toMatchObject({ backend: "api-gateway", url: "/items" });
    expect((await get("/x", { host: "app.example.com" })).body.backend).toBe("legacy");
    expect((await get("/api/v2/items", { host: "app.example.com" })).body.backend).toBe("legacy");
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
