/**
 * Real nginx on loopback, with the generated config, in front of two small HTTP servers standing for
 * legacy and new. Bounded: a few thousand requests at most, every process killed in afterAll.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { environments } from "../../environments";
import { loadEnvironment } from "../../src/config";
import { ParallelPlatform } from "../../src/platform";
import { CLIENT_COOKIE, MigrationPhase, renderRouterConfig, RouterConfigInput } from "../../src/platform/router-config";
import { platformProps } from "../../stacks/platform-props";

const NGINX = "/usr/sbin/nginx";

interface Backend {
  server: http.Server;
  port: number;
}

function backend(name: string): Promise<Backend> {
  const server = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ backend: name, url: req.url, upgrade: req.headers.upgrade ?? null, side: req.headers["x-tandem-side"] ?? null }));
  });
  // A WebSocket handshake reaches the backend as an upgrade: answer 101 and say who answered.
  server.on("upgrade", (req, socket) => {
    socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Backend: ${name}\r\nX-Backend-Url: ${req.url}\r\n\r\n`);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

/** Sends a WebSocket handshake through the router; resolves with the backend's 101 headers. */
function upgrade(port: number, urlPath: string): Promise<http.IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: urlPath, headers: { connection: "Upgrade", upgrade: "websocket" }, timeout: 5000 });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.headers);
    });
    req.on("response", (res) => reject(new Error(`expected 101, got ${res.statusCode}`)));
    req.on("error", reject);
    req.end();
  });
}

function freePort(): Promise<number> {
  const s = http.createServer();
  return new Promise((resolve) => s.listen(0, "127.0.0.1", () => {
    const port = (s.address() as AddressInfo).port;
    s.close(() => resolve(port));
  }));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function get(port: number, urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: { backend?: string; url?: string; upgrade?: string | null; side?: string | null }; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, headers, agent, timeout: 5000 }, (res) => {
      let data = "";
      res.on("data", (c) => (data += c));
      res.on("end", () => {
        let body = {};
        try {
          body = JSON.parse(data);
        } catch {
          body = { raw: data };
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
  });
}

let legacy: Backend;
let next: Backend;
let api: Backend;
let work: string;
let nginx: ChildProcess | undefined;
let routerPort: number;

async function startRouter(phase: MigrationPhase, extra: Partial<RouterConfigInput> = {}): Promise<void> {
  await stopRouter();
  routerPort = await freePort();
  const conf = path.join(work, `nginx-${phase}.conf`);
  fs.writeFileSync(
    conf,
    renderRouterConfig({
      phase,
      domain: "example.com",
      legacyUpstream: `127.0.0.1:${legacy.port}`,
      newUpstream: `127.0.0.1:${next.port}`,
      legacyHealthPath: "/health",
      newHealthPath: "/healthz",
      routes: [
        { path: "/platform/", upstream: `127.0.0.1:${next.port}` },
        { path: "/api/v2/", upstream: `127.0.0.1:${api.port}` },
        { path: "/ws/", upstream: `127.0.0.1:${next.port}` },
      ],
      listenPort: routerPort,
      listenAddress: "127.0.0.1",
      runtimeDir: work,
      ...extra,
    }),
  );
  const check = spawnSync(NGINX, ["-t", "-q", "-p", work, "-c", conf, "-g", "user root;"], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`nginx -t rejected the ${phase} config:\n${check.stderr}`);
  nginx = spawn(NGINX, ["-p", work, "-c", conf, "-g", "daemon off; user root;"], { stdio: ["ignore", "ignore", "pipe"] });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await get(routerPort, "/tandem/health/router")).status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not come up for phase ${phase}`);
}

async function stopRouter(): Promise<void> {
  if (!nginx) return;
  const proc = nginx;
  nginx = undefined;
  agent.destroy();
  await new Promise<void>((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill("SIGQUIT");
    setTimeout(() => proc.kill("SIGKILL"), 3000).unref();
  });
}

beforeAll(async () => {
  if (!fs.existsSync(NGINX)) throw new Error(`${NGINX} not found: install Debian's nginx (apt-get install -y nginx); .ci/run does this`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-nginx-"));
  legacy = await backend("legacy");
  next = await backend("new");
  api = await backend("new-api");
});

afterAll(async () => {
  await stopRouter();
  legacy?.server.close();
  next?.server.close();
  api?.server.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("migration router on real nginx", () => {
  test("every phase's config passes nginx -t", () => {
    for (const [phase, legacyTls] of [["subdomain", false], ["path", false], ["weighted", false], ["cutover", false], ["weighted", true], ["path", true]] as const) {
      const conf = path.join(work, `t-${phase}.conf`);
      fs.writeFileSync(conf, renderRouterConfig({ phase, domain: "example.com", legacyUpstream: "127.0.0.1:1", newUpstream: "127.0.0.1:2", legacyTls, legacyServerName: "app.example.com", legacyHealthPath: "/health", newHealthPath: "/health", weightPercent: 25, runtimeDir: work }));
      const r = spawnSync(NGINX, ["-t", "-q", "-p", work, "-c", conf, "-g", "user root;"], { encoding: "utf8" });
      expect({ phase, status: r.status, stderr: r.stderr }).toEqual({ phase, status: 0, stderr: "" });
    }
  });

  test("the configs the environments ship pass nginx -t (host names mapped to 127.0.0.1)", () => {
    for (const name of Object.keys(environments) as (keyof typeof environments)[]) {
      const config = loadEnvironment(name, environments[name]);
      const platform = new ParallelPlatform(new TerraformStack(new App({ outdir: work }), name), "platform", platformProps(config));
      // nginx -t resolves upstream names; container and cluster names do not resolve here.
      const text = platform.routerConfig.replace(/server [A-Za-z0-9.-]+:(\d+);/g, "server 127.0.0.1:$1;").replace(/proxy_pass http:\/\/[A-Za-z0-9.-]+:(\d+)\//g, "proxy_pass http://127.0.0.1:$1/").replace(/\/tmp\//g, `${work}/`);
      const conf = path.join(work, `env-${name}.conf`);
      fs.writeFileSync(conf, text);
      const r = spawnSync(NGINX, ["-t", "-q", "-p", work, "-c", conf, "-g", "user root;"], { encoding: "utf8" });
      expect({ name, status: r.status, stderr: r.stderr }).toEqual({ name, status: 0, stderr: "" });
    }
  });

  test("subdomain: new.<domain> is the whole new platform, everything else legacy", async () => {
    await startRouter("subdomain");
    expect((await get(routerPort, "/x", { host: "new.example.com" })).body.backend).toBe("new");
    expect((await get(routerPort, "/api/v2/items", { host: "new.example.com" })).body).toMatchObject({ backend: "new-api", url: "/items" });
    expect((await get(routerPort, "/x", { host: "app.example.com" })).body.backend).toBe("legacy");
    expect((await get(routerPort, "/v2/x", { host: "app.example.com" })).body.backend).toBe("legacy");
    expect((await get(routerPort, "/api/v2/items", { host: "app.example.com" })).body.backend).toBe("legacy");
  });

  test("path: /v2/, /platform/, /api/v2/ and /ws/ go to new on every host, the rest to legacy; WebSocket upgrades pass", async () => {
    await startRouter("path");
    expect((await get(routerPort, "/v2/orders")).body).toMatchObject({ backend: "new", url: "/v2/orders" });
    expect((await get(routerPort, "/platform/home")).body).toMatchObject({ backend: "new", url: "/home" });
    expect((await get(routerPort, "/api/v2/items")).body).toMatchObject({ backend: "new-api", url: "/items", side: "new" });
    expect((await get(routerPort, "/netbox/dcim")).body.backend).toBe("legacy");
    expect((await get(routerPort, "/")).body.backend).toBe("legacy");
    expect((await get(routerPort, "/", { host: "new.example.com" })).body.backend).toBe("new");
    expect(await upgrade(routerPort, "/ws/agents")).toMatchObject({ "x-backend": "new", "x-backend-url": "/agents", upgrade: "websocket" });
  });

  test("weighted 25 %: about a quarter of 3,000 clients go to new, each stays on its side, moved paths stay on new", async () => {
    await startRouter("weighted", { weightPercent: 25 });
    const clients = 3000;
    let toNew = 0;
    for (let i = 0; i < clients; i++) {
      const r = await get(routerPort, "/", { "x-client-id": `client-${i}` });
      if (r.body.backend === "new") toNew++;
    }
    const share = toNew / clients;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.28);
    for (let i = 0; i < 20; i++) {
      const sides = new Set<string | undefined>();
      for (let j = 0; j < 5; j++) sides.add((await get(routerPort, "/", { cookie: `${CLIENT_COOKIE}=sticky-${i}` })).body.backend);
      for (let j = 0; j < 5; j++) sides.add((await get(routerPort, `/page-${j}`, { cookie: `${CLIENT_COOKIE}=sticky-${i}` })).body.backend);
      expect(sides.size).toBe(1);
    }
    // What the path phase moved does not move back for the clients still on legacy.
    for (let i = 0; i < 50; i++) {
      expect((await get(routerPort, "/api/v2/items", { "x-client-id": `client-${i}` })).body.backend).toBe("new-api");
      expect((await get(routerPort, "/v2/x", { "x-client-id": `client-${i}` })).body.backend).toBe("new");
    }
    expect((await get(routerPort, "/", { host: "new.example.com", "x-client-id": "client-0" })).body.backend).toBe("new");
  });

  test("weighted: a new client gets a cookie that keeps it on its side; a client with the cookie gets none", async () => {
    await startRouter("weighted", { weightPercent: 50 });
    const first = await get(routerPort, "/");
    const cookie = String(first.headers["set-cookie"]?.[0] ?? "").split(";")[0];
    expect(cookie).toMatch(new RegExp(`^${CLIENT_COOKIE}=.+`));
    for (let j = 0; j < 5; j++) {
      const r = await get(routerPort, "/", { cookie });
      expect(r.body.backend).toBe(first.body.backend);
      expect(r.headers["set-cookie"]).toBeUndefined();
    }
  });

  test("cutover: everything goes to new; legacy still answers its health check", async () => {
    await startRouter("cutover");
    for (const p of ["/", "/v2/x", "/netbox/"]) expect((await get(routerPort, p)).body.backend).toBe("new");
    expect((await get(routerPort, "/api/v2/items")).body).toMatchObject({ backend: "new-api", url: "/items" });
    expect((await get(routerPort, "/tandem/health/legacy")).body).toMatchObject({ backend: "legacy", url: "/health" });
    expect((await get(routerPort, "/tandem/health/new")).body).toMatchObject({ backend: "new", url: "/healthz" });
  });

  test("rollback: going back a phase routes as that phase again", async () => {
    await startRouter("cutover");
    expect((await get(routerPort, "/")).body.backend).toBe("new");
    await startRouter("path");
    expect((await get(routerPort, "/")).body.backend).toBe("legacy");
    expect((await get(routerPort, "/api/v2/items")).body.backend).toBe("new-api");
    await startRouter("subdomain");
    expect((await get(routerPort, "/api/v2/items")).body.backend).toBe("legacy");
  });
});
