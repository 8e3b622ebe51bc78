/**
 * A Docker engine of the test's own: its own data root, exec root, pid file and socket under a scratch directory,
 * so it never shares state with another engine on the machine, stopped by its pid at the end.
 *
 * By default it leaves the host's firewall and forwarding alone (`--iptables=false --ip-forward=false
 * --ip-masq=false`) and makes no default bridge (`--bridge=none`): iptables rules, `docker0` and the forwarding sysctl
 * are global to the machine, and a second engine managing the same DOCKER chains would fight the first. Nothing the
 * test does needs them: published ports on 127.0.0.1 go through docker-proxy, containers on one network talk over
 * the bridge, and Docker's DNS (127.0.0.11) is set up inside each container's namespace. TANDEM_E2E_IPTABLES=1
 * turns the engine's iptables management back on.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { run, RunOptions, RunResult } from "../terraform/lib/run";

export interface Engine {
  /** `unix://<dir>/docker.sock`: DOCKER_HOST for the docker CLI, Terraform's provider and cdktf. */
  readonly host: string;
  readonly pid: number;
  readonly dir: string;
  readonly log: string;
  /** Seconds from spawning dockerd to its API answering. */
  readonly startSeconds: number;
  readonly version: string;
}

/** The dockerd arguments for an engine living entirely in `dir`. */
export function dockerdArgs(dir: string, iptables: boolean): string[] {
  const args = [
    `--data-root=${path.join(dir, "data")}`,
    `--exec-root=${path.join(dir, "exec")}`,
    `--pidfile=${path.join(dir, "docker.pid")}`,
    `--host=unix://${path.join(dir, "docker.sock")}`,
    "--bridge=none",
  ];
  if (!iptables) args.push("--iptables=false", "--ip-forward=false", "--ip-masq=false");
  return args;
}

/** Runs the docker CLI against an engine. */
export function docker(engine: Pick<Engine, "host">, args: readonly string[], options: RunOptions = {}): RunResult {
  return run("docker", args, { ...options, env: { ...(options.env ?? {}), DOCKER_HOST: engine.host, DOCKER_CONTEXT: undefined, DOCKER_CONFIG: undefined } });
}

function which(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/usr/bin", "/sbin"])) {
    const candidate = path.join(dir, binary);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Whether a process is alive (a zombie, exited but not reaped, counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function tail(file: string, lines = 5): string {
  try {
    return fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.includes("module=grpc"))
      .slice(-lines)
      .join(" | ");
  } catch {
    return "(no log)";
  }
}

/** Starts dockerd in `dir`; or says why it cannot run here (a reason to skip, not a failure). */
export function startEngine(dir: string, iptables = process.env.TANDEM_E2E_IPTABLES === "1"): Engine | { readonly missing: string } {
  const dockerd = process.env.TANDEM_DOCKERD ?? which("dockerd");
  if (!dockerd || !fs.existsSync(dockerd)) return { missing: `dockerd not found${process.env.TANDEM_DOCKERD ? ` at TANDEM_DOCKERD=${dockerd}` : ""} (install Debian's docker.io)` };
  if (run("docker", ["--version"], { timeoutSeconds: 30 }).code !== 0) return { missing: "the docker CLI is not installed (Debian's docker.io has it)" };
  if (process.getuid?.() !== 0) return { missing: `dockerd needs root; this runs as uid ${process.getuid?.()}` };
  fs.mkdirSync(dir, { recursive: true });
  const log = path.join(dir, "dockerd.log");
  const out = fs.openSync(log, "a");
  const started = Date.now();
  // Its own process group, so a Ctrl-C meant for the test does not reach it before the test has cleaned up.
  const child = spawn(dockerd, dockerdArgs(dir, iptables), { detached: true, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) return { missing: `dockerd did not start: ${tail(log)}` };
  const engine = { host: `unix://${path.join(dir, "docker.sock")}`, pid, dir, log };
  while (Date.now() - started < 60_000) {
    const v = docker(engine, ["version", "--format", "{{.Server.Version}}"], { timeoutSeconds: 10 });
    if (v.code === 0) return { ...engine, startSeconds: (Date.now() - started) / 1000, version: v.stdout.trim() };
    if (!alive(pid)) return { missing: `dockerd exited at start: ${tail(log)}` };
    sleep(100);
  }
  stopEngine(engine);
  return { missing: `dockerd did not answer within 60 s: ${tail(log)}` };
}

/**
 * Removes everything in the engine (it is ours alone), stops dockerd by its pid (TERM, then KILL after 30 s),
 * unmounts what it left mounted and deletes its directory. Returns what did not go to plan.
 */
export function stopEngine(engine: Pick<Engine, "host" | "pid" | "dir">): string[] {
  const problems: string[] = [];
  if (alive(engine.pid)) {
    const ids = (args: string[]) => docker(engine, args, { timeoutSeconds: 60 }).stdout.split("\n").filter(Boolean);
    const containers = ids(["ps", "-aq"]);
    if (containers.length > 0) docker(engine, ["rm", "-f", "-v", ...containers], { timeoutSeconds: 120 });
    // Custom networks are host bridge interfaces: remove them through the engine, so none outlives it.
    const networks = ids(["network", "ls", "-q", "--filter", "type=custom"]);
    if (networks.length > 0) docker(engine, ["network", "rm", ...networks], { timeoutSeconds: 60 });
    const volumes = ids(["volume", "ls", "-q"]);
    if (volumes.length > 0) docker(engine, ["volume", "rm", "-f", ...volumes], { timeoutSeconds: 60 });
    process.kill(engine.pid, "SIGTERM");
    const deadline = Date.now() + 30_000;
    while (alive(engine.pid) && Date.now() < deadline) sleep(100);
    if (alive(engine.pid)) {
      problems.push(`dockerd ${engine.pid} ignored SIGTERM for 30 s; killed`);
      process.kill(engine.pid, "SIGKILL");
      while (alive(engine.pid)) sleep(100);
    }
  }
  problems.push(...unmountUnder(engine.dir));
  try {
    fs.rmSync(engine.dir, { recursive: true, force: true });
  } catch (e) {
    problems.push(`could not remove ${engine.dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return problems;
}

/** Mount points under `dir`, deepest first (from /proc/self/mountinfo). */
export function mountsUnder(mountinfo: string, dir: string): string[] {
  const points = mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((p): p is string => p !== undefined && (p === dir || p.startsWith(dir + "/")))
    // mountinfo escapes spaces and the like as octal; our paths have none, but decode anyway.
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

function unmountUnder(dir: string): string[] {
  const problems: string[] = [];
  for (const point of mountsUnder(fs.readFileSync("/proc/self/mountinfo", "utf8"), dir)) {
    const r = run("umount", [point], { timeoutSeconds: 30 });
    if (r.code !== 0 && run("umount", ["-l", point], { timeoutSeconds: 30 }).code !== 0) problems.push(`could not unmount ${point}: ${r.stderr.trim()}`);
  }
  return problems;
}
