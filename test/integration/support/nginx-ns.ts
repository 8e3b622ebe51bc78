/**
 * Runs real nginx on a config text exactly as synthesized, inside a private mount namespace of this test's own:
 * its /tmp is a scratch directory (the config keeps its pid and temp files there), /etc/hosts names the resolver
 * the config uses (kube-dns in the cloud stacks) as 127.0.0.1, and the CA bundle can be a test CA. The network is
 * the machine's loopback; nothing leaves it.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const NGINX = "/usr/sbin/nginx";
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

export interface NamespaceOptions {
  /** Scratch dir; `tmp/` inside becomes the namespace's /tmp. */
  readonly work: string;
  /** Extra /etc/hosts lines, e.g. `127.0.0.1 kube-dns.kube-system.svc.cluster.local`. */
  readonly hosts?: readonly string[];
  /** PEM bundle to stand in for the system CA bundle. @default - the system's */
  readonly caBundle?: string;
}

/**
 * The shell line that sets the namespace up and runs `command`: the config is copied into the scratch /tmp and
 * read from there as /tmp/nginx.conf. /tmp is mounted last, since the other sources may live under it.
 */
function script(conf: string, opts: NamespaceOptions, command: (conf: string) => string): string {
  const tmp = path.join(opts.work, "tmp");
  fs.mkdirSync(tmp, { recursive: true });
  fs.copyFileSync(conf, path.join(tmp, "nginx.conf"));
  const hosts = path.join(opts.work, "hosts");
  fs.writeFileSync(hosts, ["127.0.0.1 localhost", ...(opts.hosts ?? [])].join("\n") + "\n");
  const mounts = [`mount --bind ${hosts} /etc/hosts`, ...(opts.caBundle ? [`mount --bind ${opts.caBundle} ${CA_BUNDLE}`] : []), `mount --bind ${tmp} /tmp`];
  return `set -e; ${mounts.join("; ")}; ${command("/tmp/nginx.conf")}`;
}

/** `nginx -t` on the file, in the namespace: exit status and what nginx printed. */
export function nginxTest(conf: string, opts: NamespaceOptions): { status: number | null; stderr: string } {
  const r = spawnSync("unshare", ["-m", "sh", "-c", script(conf, opts, (c) => `exec ${NGINX} -e stderr -t -q -c ${c} -g 'user root;' >/dev/null`)], { encoding: "utf8" });
  return { status: r.status, stderr: r.stderr };
}

export interface RunningNginx {
  readonly process: ChildProcess;
  /** Every access-log line nginx printed so far (stdout), parsed. */
  accessLog(): Record<string, unknown>[];
  /** Everything nginx printed on stderr. */
  stderr(): string;
  /** Replaces the config with `conf`'s content and sends SIGHUP: a graceful reload. */
  reload(conf: string): void;
  stop(): Promise<void>;
}

export function startNginx(conf: string, opts: NamespaceOptions): RunningNginx {
  // nginx's stdout (the access log, /dev/stdout) goes to a file: node's stdio pipes are sockets, which
  // /dev/stdout cannot be opened on. In a container it is a pipe or a file, as here.
  const logFile = path.join(opts.work, "tmp", "access.log");
  fs.rmSync(logFile, { force: true });
  const proc = spawn("unshare", ["-m", "sh", "-c", script(conf, opts, (c) => `exec ${NGINX} -e stderr -c ${c} -g 'daemon off; user root;' >/tmp/access.log`)], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  proc.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  return {
    process: proc,
    accessLog: () =>
      (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stderr: () => err,
    reload: (next: string) => {
      fs.copyFileSync(next, path.join(opts.work, "tmp", "nginx.conf"));
      // The master's pid is in the namespace's /tmp, which is our scratch dir.
      const pid = Number(fs.readFileSync(path.join(opts.work, "tmp", "nginx.pid"), "utf8").trim());
      process.kill(pid, "SIGHUP");
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGQUIT");
        setTimeout(() => proc.kill("SIGKILL"), 5000).unref();
      }),
  };
}

/** A throwaway CA and a certificate signed by it for `names`, made with openssl (P-256 keys: made in milliseconds, where RSA-2048 took most of a second). */
export function testCertificate(dir: string, names: readonly string[]): { caBundle: string; cert: string; key: string } {
  const run = (args: string[]) => {
    const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
  };
  run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=Tandem test CA", "-days", "2"]);
  run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", `/CN=${names[0]}`]);
  fs.writeFileSync(path.join(dir, "leaf.ext"), `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}\n`);
  run(["x509", "-req", "-in", "leaf.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.crt", "-days", "2", "-extfile", "leaf.ext"]);
  return { caBundle: path.join(dir, "ca.crt"), cert: path.join(dir, "leaf.crt"), key: path.join(dir, "leaf.key") };
}
