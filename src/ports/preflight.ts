import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
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
  /** Who holds it, when the OS says: `ss -ltnp`, else Linux's /proc. */
  readonly holder?: string;
  /** Why the bind failed, e.g. `EADDRINUSE` or `EACCES`. */
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

/** The process listening on a TCP port; undefined when neither `ss` nor /proc can tell. */
export function holderOf(port: number): string | undefined {
  return holderFromSs(port) ?? holderFromProc(port);
}

/** Per `ss -ltnpH`: `node (pid 123)`, or the listening address when ss may not see the process. */
export function holderFromSs(port: number): string | undefined {
  const ss = spawnSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8", timeout: 5000 });
  if (ss.error || ss.status !== 0 || !ss.stdout.trim()) return undefined;
  const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(ss.stdout);
  if (m) return `${m[1]} (pid ${m[2]})`;
  const local = ss.stdout.trim().split(/\s+/)[3];
  return local ? `a listener on ${local} (process hidden; run as root to see it)` : undefined;
}

/**
 * Linux without `ss` (slim images): the listening socket's inode from /proc/net/tcp{,6}, then the process
 * holding that inode among the /proc/<pid>/fd links this user may read.
 */
export function holderFromProc(port: number): string | undefined {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st ... uid timeout inode; st 0A is LISTEN.
      if (cols.length < 10 || cols[3] !== "0A") continue;
      if (parseInt(cols[1].split(":")[1], 16) === port) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode && inodes.has(inode)) {
        let name = "pid";
        try {
          name = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
        } catch {
          /* keep "pid" */
        }
        return `${name} (pid ${pid})`;
      }
    }
  }
  return "a listener (process hidden; run as root to see it)";
}
