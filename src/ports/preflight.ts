import { spawnSync } from "node:child_process";
import * as net from "node:net";

/** A host port the plan publishes. */
export interface HostPort {
  readonly service: string;
  readonly port: number;
  /** Address the container binds: 127.0.0.1, or 0.0.0.0 for public services. */
  readonly host: string;
}

export interface PortCheckResult extends HostPort {
  readonly free: boolean;
  /** Who holds it, when the OS says (from `ss -ltnp`). */
  readonly holder?: string;
  readonly error?: string;
}

/** Tries to bind each port on its address, exactly as Docker will, and releases it at once. */
export async function checkHostPorts(ports: readonly HostPort[]): Promise<PortCheckResult[]> {
  const results: PortCheckResult[] = [];
  for (const p of ports) {
    const error = await tryBind(p.port, p.host);
    results.push(error === undefined ? { ...p, free: true } : { ...p, free: false, error, holder: holderOf(p.port) });
  }
  return results;
}

function tryBind(port: number, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** The process listening on a TCP port, per `ss -ltnpH`; undefined when ss is missing or says nothing. */
export function holderOf(port: number): string | undefined {
  const ss = spawnSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8", timeout: 5000 });
  if (ss.status !== 0 || !ss.stdout.trim()) return undefined;
  const users = /users:\(\((.*?)\)\)/.exec(ss.stdout);
  if (users) {
    const m = /"([^"]+)",pid=(\d+)/.exec(users[1]);
    if (m) return `${m[1]} (pid ${m[2]})`;
  }
  return ss.stdout.trim().split(/\s+/)[3] ? `a listener on ${ss.stdout.trim().split(/\s+/)[3]}` : undefined;
}
