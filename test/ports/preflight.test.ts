import { spawnSync } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import * as fs from "node:fs";
import { checkHostPorts, holderFromProc, holderFromSs } from "../../src/ports";

const root = path.resolve(__dirname, "../..");

function listen(port: number, host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen({ port, host }, () => resolve(s));
  });
}

async function freePort(): Promise<number> {
  const s = await listen(0, "127.0.0.1");
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("port preflight", () => {
  test("a port with a real listener is reported taken, by this process; a free one is free", async () => {
    const busy = await listen(0, "127.0.0.1");
    const busyPort = (busy.address() as net.AddressInfo).port;
    const free = await freePort();
    try {
      const [a, b] = await checkHostPorts([
        { service: "busy", port: busyPort, host: "127.0.0.1" },
        { service: "idle", port: free, host: "127.0.0.1" },
      ]);
      // This process holds it, so the OS can always say who: by ss, or by /proc where ss is missing.
      expect(a).toMatchObject({ service: "busy", free: false, error: "EADDRINUSE", holder: expect.stringContaining(`(pid ${process.pid})`) });
      expect(b).toMatchObject({ service: "idle", free: true });
      expect(b.holder).toBeUndefined();
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  test("/proc names the holder without ss (Linux)", async () => {
    if (!fs.existsSync("/proc/net/tcp")) throw new Error("this test needs Linux's /proc/net/tcp");
    const busy = await listen(0, "127.0.0.1");
    const port = (busy.address() as net.AddressInfo).port;
    try {
      expect(holderFromProc(port)).toBe(`${fs.readFileSync(`/proc/${process.pid}/comm`, "utf8").trim()} (pid ${process.pid})`);
    } finally {
      await new Promise((r) => busy.close(r));
    }
    expect(holderFromProc(port)).toBeUndefined();
  });

  test("ss names the holder when it is installed, and says nothing for a free port", async () => {
    const busy = await listen(0, "127.0.0.1");
    const port = (busy.address() as net.AddressInfo).port;
    const hasSs = spawnSync("ss", ["-V"]).status === 0;
    try {
      expect(holderFromSs(port)).toBe(hasSs ? `node (pid ${process.pid})` : undefined);
    } finally {
      await new Promise((r) => busy.close(r));
    }
    expect(holderFromSs(port)).toBeUndefined();
  });

  test("a listener on all addresses blocks a 127.0.0.1 binding too", async () => {
    const busy = await listen(0, "0.0.0.0");
    const port = (busy.address() as net.AddressInfo).port;
    try {
      expect((await checkHostPorts([{ service: "x", port, host: "127.0.0.1" }]))[0].free).toBe(false);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  test("npm run ports:check -- dev exits 1 and names the taken port of the dev plan", async () => {
    // 8103 is the dev plan's websocket port (environments/dev.ts).
    let busy: net.Server | undefined;
    try {
      busy = await listen(8103, "127.0.0.1");
    } catch {
      busy = undefined; // already held by something else on this machine: the check must still report it
    }
    try {
      const r = spawnSync(process.execPath, ["scripts/run-ts.cjs", "scripts/ports-check.ts", "dev"], { cwd: root, encoding: "utf8", timeout: 60_000 });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(busy ? new RegExp(`TAKEN {2}127\\.0\\.0\\.1:8103 {2}websocket {2}\\(EADDRINUSE, held by node \\(pid ${process.pid}\\)\\)`) : /TAKEN {2}127\.0\.0\.1:8103 {2}websocket {2}\(EADDRINUSE/);
      expect(r.stdout).toMatch(/host ports of dev are taken: .*8103/);
    } finally {
      if (busy) await new Promise((r) => busy!.close(r));
    }
  });
});
