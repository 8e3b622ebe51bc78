/** Reads a V8 `.cpuprofile` (node --cpu-prof) and says where the time went. */

export interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  /** 0-based. */
  readonly lineNumber: number;
}

export interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: CallFrame; readonly children?: readonly number[] }[];
  readonly samples: readonly number[];
  /** Microseconds since the previous sample. */
  readonly timeDeltas: readonly number[];
}

export interface Row {
  readonly name: string;
  readonly ms: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by package (`cdktf`, `@cdktf/provider-kubernetes`), Tandem file, or Node/V8 bucket. */
  readonly modules: readonly Row[];
  /** Self time by function. */
  readonly functions: readonly Row[];
}

const SPECIAL: Record<string, string> = { "(garbage collector)": "(garbage collector)", "(program)": "(program/idle)", "(idle)": "(program/idle)", "(root)": "(program/idle)" };

/** The package a file belongs to, a Tandem file relative to `root`, or a Node bucket. */
export function moduleOf(url: string, root: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith("node:internal/modules/")) return "node: module loader";
  if (url.startsWith("node:")) return "node: other internals";
  const file = url.replace(/^file:\/\//, "");
  const base = root.endsWith("/") ? root : `${root}/`;
  if (file.startsWith(base)) return `tandem ${file.slice(base.length)}`;
  return url;
}

function shortUrl(url: string, root: string): string {
  const pkg = /node_modules\/(.*)$/.exec(url);
  if (pkg) return pkg[1];
  const base = root.endsWith("/") ? root : `${root}/`;
  return url.replace(/^file:\/\//, "").replace(base, "");
}

function rows(map: Map<string, number>, totalUs: number, top: number): Row[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, ms: us / 1000, percent: totalUs ? (100 * us) / totalUs : 0 }));
}

/**
 * Self time by module and by function. V8 builtins without a script (e.g. `get stack`, `parse`) count towards
 * the nearest caller that has one, so their cost shows up where it was spent.
 */
export function summarizeProfile(profile: CpuProfile, root: string, top = 10): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const owner = (id: number): CallFrame | undefined => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (frame?.url) return frame;
    }
    return undefined;
  };
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    totalUs += us;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    // Own keys only: a function named `toString` or `constructor` is not a special bucket.
    const special = Object.hasOwn(SPECIAL, frame.functionName) ? SPECIAL[frame.functionName] : undefined;
    let mod: string;
    let fn: string;
    if (special) {
      mod = fn = special;
    } else {
      const at = frame.url ? frame : owner(id);
      mod = at ? moduleOf(at.url, root) : "(native)";
      const name = frame.functionName || "(anonymous)";
      fn = frame.url ? `${name} (${shortUrl(frame.url, root)}:${frame.lineNumber + 1})` : `${name} [native, from ${at ? shortUrl(at.url, root) : "?"}]`;
    }
    modules.set(mod, (modules.get(mod) ?? 0) + us);
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  });
  return { totalMs: totalUs / 1000, modules: rows(modules, totalUs, top), functions: rows(functions, totalUs, top) };
}

/** Time of samples with a frame matching `match` anywhere on their stack (inclusive time), in ms. */
export function inclusiveMs(profile: CpuProfile, match: (frame: CallFrame) => boolean): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hit = new Map<number, boolean>();
  const matches = (id: number): boolean => {
    const known = hit.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const p = parent.get(id);
    const result = (node !== undefined && match(node.callFrame)) || (p !== undefined && matches(p));
    hit.set(id, result);
    return result;
  };
  let us = 0;
  profile.samples.forEach((id, i) => {
    if (matches(id)) us += profile.timeDeltas[i] ?? 0;
  });
  return us / 1000;
}

/** Where a generated position came from (a `node:module` SourceMap's findEntry, or anything shaped like it). */
export interface PositionMap {
  findEntry(lineOffset: number, columnOffset: number): { originalSource?: string; originalLine?: number } | Record<string, never>;
}

/**
 * The same profile with the frames of a bundle (`bundleUrl`, e.g. scripts/run-ts.cjs's output) put back on the
 * sources they came from, so our own files show up by name instead of as one bundle. `resolveSource` turns a
 * source map's source entry into a file URL.
 */
export function remapProfile(profile: CpuProfile, bundleUrl: string, map: PositionMap, resolveSource: (source: string) => string): CpuProfile {
  return {
    ...profile,
    nodes: profile.nodes.map((n) => {
      if (n.callFrame.url !== bundleUrl) return n;
      const column = (n.callFrame as CallFrame & { columnNumber?: number }).columnNumber ?? 0;
      const hit = map.findEntry(n.callFrame.lineNumber, column);
      if (!("originalSource" in hit) || !hit.originalSource) return n;
      return { ...n, callFrame: { ...n.callFrame, url: resolveSource(hit.originalSource), lineNumber: hit.originalLine ?? 0 } };
    }),
  };
}
