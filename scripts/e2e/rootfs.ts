/**
 * Small root filesystems for the e2e images, assembled from host binaries and Debian packages (no image registry is
 * reachable): each binary with the shared libraries `ldd` names, busybox for the shell tools, a few files. The tarball
 * is cached under `<cache>/e2e/` by a hash of every input, so a rerun only imports it.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { run } from "../terraform/lib/run";

/** One file of a root filesystem: copied from the host (or an unpacked package), or written from text. */
export type FileSource = { readonly to: string; readonly from: string; readonly mode?: number } | { readonly to: string; readonly content: string; readonly mode?: number };

export interface RootfsSpec {
  /** Cache name, e.g. `router`. */
  readonly name: string;
  /** Files to place; ELF executables among them get their libraries. */
  readonly files: readonly FileSource[];
  /** `to` paths of executables whose shared libraries must come along. */
  readonly executables: readonly string[];
  /** Symbolic links: path in the image → target. */
  readonly links?: Readonly<Record<string, string>>;
  /** Empty directories and their modes (`/tmp` 1777, mount points as the real images have them). */
  readonly dirs?: Readonly<Record<string, number>>;
  /** Where libraries not on the host are looked up (unpacked packages' lib dirs). */
  readonly libraryPath?: readonly string[];
  /** Bump to invalidate the cache when the recipe's meaning changes without its inputs changing. */
  readonly recipe: string;
}

/** What `ldd` said about an executable: the files it loads, and the sonames it could not find. */
export interface LddResult {
  readonly libraries: readonly string[];
  readonly missing: readonly string[];
}

/** Parses `ldd` output (`libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)`, the loader's own line, `not found`). */
export function parseLdd(text: string): LddResult {
  const libraries: string[] = [];
  const missing: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("linux-vdso") || line.includes("statically linked") || line === "not a dynamic executable") continue;
    const arrow = /^(\S+) => (?:(\/\S+)|not found)/.exec(line);
    if (arrow) {
      if (arrow[2]) libraries.push(arrow[2]);
      else missing.push(arrow[1]);
      continue;
    }
    const loader = /^(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (loader) libraries.push(loader[1]);
  }
  return { libraries: [...new Set(libraries)], missing: [...new Set(missing)] };
}

/** The library files an executable loads; throws naming the ones nowhere to be found. */
export function librariesOf(executable: string, libraryPath: readonly string[] = []): string[] {
  const r = run("ldd", [executable], { env: { LD_LIBRARY_PATH: libraryPath.length > 0 ? libraryPath.join(":") : undefined }, timeoutSeconds: 30 });
  // ldd exits 1 for a static binary ("not a dynamic executable"): nothing to copy.
  if (r.code !== 0 && /not a dynamic executable/.test(r.stdout + r.stderr)) return [];
  if (r.code !== 0) throw new Error(`ldd ${executable}: ${r.error ?? r.stderr.trim()}`);
  const parsed = parseLdd(r.stdout);
  if (parsed.missing.length > 0) throw new Error(`${executable} needs ${parsed.missing.join(", ")}, found neither on this machine nor in ${libraryPath.join(", ") || "the unpacked packages"}`);
  return [...parsed.libraries];
}

/** Where a library found at `file` goes in the image: its host path, or its path inside an unpacked package. */
export function imagePathOf(file: string, unpackedRoots: readonly string[]): string {
  for (const root of unpackedRoots) if (file.startsWith(root + "/")) return file.slice(root.length);
  return file;
}

function sha256File(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

interface ResolvedFile {
  readonly to: string;
  readonly from?: string;
  readonly content?: string;
  readonly mode?: number;
}

/** Every file of the image (libraries included), resolved to a source. */
function resolveFiles(spec: RootfsSpec, unpackedRoots: readonly string[]): ResolvedFile[] {
  const files = new Map<string, ResolvedFile>();
  for (const f of spec.files) files.set(f.to, f);
  for (const exe of spec.executables) {
    const f = files.get(exe);
    if (!f?.from) throw new Error(`${spec.name}: executable ${exe} is not a copied file`);
    for (const lib of librariesOf(f.from, spec.libraryPath)) {
      const to = imagePathOf(lib, unpackedRoots);
      if (!files.has(to)) files.set(to, { to, from: lib });
    }
  }
  return [...files.values()].sort((a, b) => a.to.localeCompare(b.to));
}

/** The cache key: the recipe and the content of every file that goes in. */
function inputHash(spec: RootfsSpec, files: readonly ResolvedFile[]): string {
  const h = createHash("sha256").update(`${spec.name}\n${spec.recipe}\n`);
  for (const f of files) h.update(`${f.to} ${f.mode ?? ""} ${f.from ? sha256File(f.from) : createHash("sha256").update(f.content ?? "").digest("hex")}\n`);
  for (const [link, target] of Object.entries(spec.links ?? {}).sort()) h.update(`link ${link} ${target}\n`);
  for (const [d, mode] of Object.entries(spec.dirs ?? {}).sort()) h.update(`dir ${d} ${mode.toString(8)}\n`);
  return h.digest("hex").slice(0, 16);
}

function assemble(spec: RootfsSpec, files: readonly ResolvedFile[], dir: string): void {
  for (const [d, mode] of Object.entries(spec.dirs ?? {})) {
    fs.mkdirSync(path.join(dir, d), { recursive: true });
    // chmod, not mkdir's mode: the umask would take the sticky and write bits off /tmp.
    fs.chmodSync(path.join(dir, d), mode);
  }
  for (const f of files) {
    const target = path.join(dir, f.to);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (f.from) fs.copyFileSync(f.from, target);
    else fs.writeFileSync(target, f.content ?? "");
    fs.chmodSync(target, f.mode ?? (f.from ? fs.statSync(f.from).mode & 0o777 : 0o644));
  }
  for (const [link, to] of Object.entries(spec.links ?? {})) {
    const at = path.join(dir, link);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(to, at);
  }
}

export interface BuiltRootfs {
  readonly tarball: string;
  readonly cached: boolean;
  readonly bytes: number;
}

/**
 * The root filesystem as a tarball in `cacheDir` (built unless one with the same inputs is there). Older tarballs of
 * the same name are removed, so the cache holds one per image.
 */
export function buildRootfs(spec: RootfsSpec, cacheDir: string, scratch: string, unpackedRoots: readonly string[] = []): BuiltRootfs {
  const files = resolveFiles(spec, unpackedRoots);
  const tarball = path.join(cacheDir, `${spec.name}-${inputHash(spec, files)}.tar`);
  if (fs.existsSync(tarball)) return { tarball, cached: true, bytes: fs.statSync(tarball).size };
  const dir = fs.mkdtempSync(path.join(scratch, `rootfs-${spec.name}-`));
  // mkdtemp makes it 0700, and "." in the tarball becomes the image's /.
  fs.chmodSync(dir, 0o755);
  assemble(spec, files, dir);
  fs.mkdirSync(cacheDir, { recursive: true });
  const partial = `${tarball}.${process.pid}.partial`;
  // Owned by root in the image whoever builds it; the services run as their own uids and only read these files.
  const t = run("tar", ["--numeric-owner", "--owner=0", "--group=0", "-C", dir, "-cf", partial, "."], { timeoutSeconds: 300 });
  fs.rmSync(dir, { recursive: true, force: true });
  if (t.code !== 0) {
    fs.rmSync(partial, { force: true });
    throw new Error(`tar ${spec.name}: ${t.error ?? t.stderr.trim()}`);
  }
  for (const old of fs.readdirSync(cacheDir)) if (old.startsWith(`${spec.name}-`) && old.endsWith(".tar")) fs.rmSync(path.join(cacheDir, old), { force: true });
  fs.renameSync(partial, tarball);
  return { tarball, cached: false, bytes: fs.statSync(tarball).size };
}
