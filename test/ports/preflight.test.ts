import { spawnSync } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { checkHostPorts } from "../../src/ports";

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
      expect(a).toMatchObject({ service: "busy", free: false, error: "EADDRINUSE" });
      // ss names the holder where it is installed and allowed to see processes.
      if (a.holder !== undefined) expect(a.holder).toMatch(/node|listener/);
      expect(b).toMatchObject({ service: "idle", free: true });
    } finally {
      await new Promise((r) => busy.close(r));
    }
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
      const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/ports-check.ts", "dev"], { cwd: root, encoding: "utf8", timeout: 60_000 });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/TAKEN {2}127\.0\.0\.1:8103 {2}websocket {2}\(EADDRINUSE/);
      expect(r.stdout).toMatch(/host ports of dev are taken: .*8103/);
    } finally {
      if (busy) await new Promise((r) => busy!.close(r));
    }
  });
});
