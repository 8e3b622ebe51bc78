/**
 * The e2e images, built locally (no image registry is reachable) and tagged with exactly the names the stack uses:
 * - `http`: node and the stand-in (scripts/e2e/standin.ts) for every HTTP service and for the legacy NetBox;
 * - `redis`: Debian's redis-server and redis-cli (the health command is `redis-cli ping`);
 * - `router`: Debian's nginx, and a CA bundle at /etc/ssl/certs/ca-certificates.crt, for the router's script.
 * Each has busybox for sh, wget, sleep, md5sum and the like. Debian packages come through `apt-get download` into the
 * cache; node and nginx are the host's (the test's own runtime, and the nginx the router tests already use).
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { run } from "../terraform/lib/run";
import { docker, Engine } from "./engine";
import type { DockerStackJson } from "./plan";
import { buildRootfs, BuiltRootfs, FileSource, RootfsSpec } from "./rootfs";

export type ImageRole = "http" | "redis" | "router";

/** Debian packages the images take files from. */
const PACKAGES = ["busybox-static", "redis-tools", "libjemalloc2", "liblzf1"] as const;

/** Users the services run as (numeric uids work without these; nginx -t as root looks up `root`). */
const PASSWD = ["root:x:0:0:root:/root:/bin/sh", "nginx:x:101:101:nginx:/tmp:/bin/false", "redis:x:999:999:redis:/data:/bin/false", "app:x:10001:10001:app:/tmp:/bin/false", "nobody:x:65534:65534:nobody:/nonexistent:/bin/false", ""].join("\n");
const GROUP = ["root:x:0:", "nginx:x:101:", "redis:x:999:", "app:x:10001:", "nogroup:x:65534:", ""].join("\n");

/** `docker import --change` lines per role: the image's default command. */
const CHANGES: Record<ImageRole, readonly string[]> = {
  http: ['CMD ["/usr/bin/node", "/standin/server.js"]'],
  // PORT comes from the target; no persistence (the data dir is a tmpfs anyway); any address on its own network.
  redis: ['CMD ["/bin/sh", "-c", "exec redis-server --port \\"${PORT:-6379}\\" --bind 0.0.0.0 --protected-mode no --dir /data --save \\"\\" --appendonly no"]'],
  router: ['CMD ["/bin/sh"]'],
};

/**
 * Which image each name of the stack is: the router's image (the container labelled `tandem.service=router`), the
 * image of a service whose health command is `redis-cli`, or else an HTTP stand-in.
 */
export function imageRoles(stack: DockerStackJson): Map<string, ImageRole> {
  const nameOf = new Map<string, string>();
  for (const [id, image] of Object.entries(stack.resource?.docker_image ?? {})) nameOf.set(`\${docker_image.${id}.image_id}`, image.name);
  const roles = new Map<string, ImageRole>([...nameOf.values()].map((name) => [name, "http"]));
  for (const c of Object.values(stack.resource?.docker_container ?? {})) {
    const name = nameOf.get(c.image);
    if (!name) continue;
    if (c.labels?.some((l) => l.label === "tandem.service" && l.value === "router")) roles.set(name, "router");
    else if (c.healthcheck?.test?.[0] === "CMD" && c.healthcheck.test[1] === "redis-cli") roles.set(name, "redis");
  }
  return roles;
}

/** The Debian packages, downloaded once into `<cache>/debs` and unpacked into `scratch`. */
function unpackPackages(cacheDir: string, scratch: string): string {
  const debs = path.join(cacheDir, "debs");
  fs.mkdirSync(debs, { recursive: true });
  const have = (pkg: string) => fs.readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(".deb"));
  const wanted = PACKAGES.filter((p) => !have(p));
  if (wanted.length > 0) {
    const r = run("apt-get", ["download", ...wanted], { cwd: debs, timeoutSeconds: 300 });
    if (r.code !== 0) throw new Error(`apt-get download ${wanted.join(" ")} failed (${r.error ?? r.stderr.trim().split("\n").pop()}); run apt-get update, or put the .deb files in ${debs}`);
  }
  const root = fs.mkdtempSync(path.join(scratch, "debs-"));
  for (const pkg of PACKAGES) {
    const x = run("dpkg-deb", ["-x", path.join(debs, have(pkg)!), root], { timeoutSeconds: 120 });
    if (x.code !== 0) throw new Error(`dpkg-deb -x ${have(pkg)}: ${x.error ?? x.stderr.trim()}`);
  }
  return root;
}

function busybox(debRoot: string): { files: FileSource[]; links: Record<string, string> } {
  const bin = path.join(debRoot, "bin", "busybox");
  const list = run(bin, ["--list"], { timeoutSeconds: 30 });
  if (list.code !== 0) throw new Error(`busybox --list: ${list.error ?? list.stderr}`);
  const links: Record<string, string> = {};
  for (const applet of list.stdout.split("\n").filter((a) => /^[a-z0-9_.[-]+$/.test(a) && a !== "busybox")) links[`/bin/${applet}`] = "busybox";
  return { files: [{ to: "/bin/busybox", from: bin }], links };
}

/** The stand-in as one CommonJS file for the image's node. */
function standinScript(): string {
  const source = fs.readFileSync(path.join(__dirname, "standin.ts"), "utf8");
  return ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
}

function specs(debRoot: string): Record<ImageRole, RootfsSpec> {
  const bb = busybox(debRoot);
  const common = (files: FileSource[]): FileSource[] => [...bb.files, { to: "/etc/passwd", content: PASSWD }, { to: "/etc/group", content: GROUP }, ...files];
  const libraryPath = [path.join(debRoot, "usr/lib/x86_64-linux-gnu"), path.join(debRoot, "lib/x86_64-linux-gnu")];
  const node = fs.realpathSync(process.execPath);
  const nginx = "/usr/sbin/nginx";
  if (!fs.existsSync(nginx)) throw new Error(`${nginx} not found: install Debian's nginx (the router image takes its binary)`);
  return {
    http: {
      name: "http",
      recipe: "2",
      files: common([{ to: "/usr/bin/node", from: node }, { to: "/standin/server.js", content: standinScript() }]),
      executables: ["/usr/bin/node"],
      links: bb.links,
      // /prometheus as prom/prometheus has it (0755): a tmpfs mounted there takes that mode, not tmpfs' 1777.
      dirs: { "/tmp": 0o1777, "/prometheus": 0o755 },
    },
    redis: {
      name: "redis",
      recipe: "2",
      // Debian's redis-server is redis-check-rdb under another name: the binary picks its role from argv[0].
      files: common([
        { to: "/usr/bin/redis-server", from: path.join(debRoot, "usr/bin/redis-check-rdb") },
        { to: "/usr/bin/redis-cli", from: path.join(debRoot, "usr/bin/redis-cli") },
      ]),
      executables: ["/usr/bin/redis-server", "/usr/bin/redis-cli"],
      links: bb.links,
      // /data as redis:alpine has it (0755).
      dirs: { "/tmp": 0o1777, "/data": 0o755 },
      libraryPath,
    },
    router: {
      name: "router",
      recipe: "2",
      files: common([
        { to: "/usr/sbin/nginx", from: nginx },
        { to: "/etc/ssl/certs/ca-certificates.crt", from: "/etc/ssl/certs/ca-certificates.crt" },
      ]),
      executables: ["/usr/sbin/nginx"],
      links: bb.links,
      // Nothing at /etc/tandem, as in nginx-unprivileged: the config volume starts empty.
      dirs: { "/tmp": 0o1777 },
    },
  };
}

export interface ImagesBuilt {
  readonly rootfs: Readonly<Record<ImageRole, BuiltRootfs>>;
  /** Image name → role, as tagged in the engine. */
  readonly tags: ReadonlyMap<string, ImageRole>;
  readonly buildSeconds: number;
  readonly importSeconds: number;
}

/** Builds (or takes from the cache) each root filesystem, imports it into the engine and tags every name. */
export function buildImages(engine: Engine, names: ReadonlyMap<string, ImageRole>, extraTags: ReadonlyMap<string, ImageRole>, cacheDir: string, scratch: string): ImagesBuilt {
  const started = Date.now();
  const debRoot = unpackPackages(cacheDir, scratch);
  const all = specs(debRoot);
  const rootfs = {} as Record<ImageRole, BuiltRootfs>;
  for (const role of Object.keys(all) as ImageRole[]) rootfs[role] = buildRootfs(all[role], cacheDir, scratch, [debRoot]);
  fs.rmSync(debRoot, { recursive: true, force: true });
  const built = Date.now();
  const tags = new Map([...names, ...extraTags]);
  for (const role of Object.keys(all) as ImageRole[]) {
    const wanted = [...tags].filter(([, r]) => r === role).map(([name]) => name);
    if (wanted.length === 0) continue;
    const args = ["import", ...CHANGES[role].flatMap((c) => ["--change", c]), rootfs[role].tarball, wanted[0]];
    const imported = docker(engine, args, { timeoutSeconds: 300 });
    if (imported.code !== 0) throw new Error(`docker import ${role}: ${imported.error ?? imported.stderr.trim()}`);
    for (const name of wanted.slice(1)) {
      const t = docker(engine, ["tag", wanted[0], name]);
      if (t.code !== 0) throw new Error(`docker tag ${name}: ${t.stderr.trim()}`);
    }
  }
  return { rootfs, tags, buildSeconds: (built - started) / 1000, importSeconds: (Date.now() - built) / 1000 };
}
