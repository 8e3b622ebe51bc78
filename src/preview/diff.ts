/**
 * The diff of one value to its leaves, by path: `settings[0].tier: "db-custom-2-7680" → "db-custom-4-16384"`.
 * Terraform holds nested blocks as lists, so lists of objects are followed element by element; lists of plain
 * values are compared whole. Multi-line strings (nginx.conf) and JSON documents in strings (IAM policies) become
 * unified line diffs. Unchanged leaves are only counted, and masking (see mask.ts) applies at every depth.
 */
import { structuredPatch } from "diff";
import { isHarmless, isSecretChild, MASKED, Masker, maskEnvString, maskTree } from "./mask";

export type PathSegment = string | number;

/** One changed leaf. */
export interface LeafChange {
  /** `settings[0].tier`, `data["nginx.conf"]`. */
  readonly path: string;
  /** Display values (masked); `(none)` where the leaf did not / will not exist. */
  readonly before: string;
  readonly after: string;
  /** For multi-line strings and JSON documents: unified diff lines (`@@`, ` `, `-`, `+`), masked. */
  readonly lines?: readonly string[];
}

export interface ValueDiff {
  readonly changes: readonly LeafChange[];
  /** Leaves that do not change (folded). */
  readonly unchanged: number;
}

/** The two sides of a change with Terraform's unknown and sensitive markers (each mirrors the value's shape). */
export interface DiffInput {
  readonly before?: unknown;
  readonly after?: unknown;
  readonly afterUnknown?: unknown;
  readonly beforeSensitive?: unknown;
  readonly afterSensitive?: unknown;
}

export const KNOWN_AFTER_APPLY = "(known after apply)";
export const ABSENT = "(none)";
/** Single-line strings longer than this are shown around the first difference, so two long values never look alike. */
export const INLINE_LIMIT = 160;
/** Lines of context around each change in a line diff. */
export const LINE_CONTEXT = 3;

interface Node {
  readonly before: unknown;
  readonly after: unknown;
  readonly unknown: unknown;
  readonly bSens: unknown;
  readonly aSens: unknown;
  /** Inherited: a parent key or marker made everything below secret. */
  readonly secret: boolean;
}

/** Diffs one value to its leaves. */
export function diffValues(input: DiffInput, masker: Masker): ValueDiff {
  const changes: LeafChange[] = [];
  let unchanged = 0;
  const visit = (n: Node, path: PathSegment[]): void => {
    const secret = n.secret || n.bSens === true || n.aSens === true;
    if (n.unknown === true) {
      if (secret) masker.remember(n.before);
      changes.push({ path: formatPath(path), before: secret ? maskedOrAbsent(n.before) : displayValue(n.before, masker), after: KNOWN_AFTER_APPLY });
      return;
    }
    if (secret) {
      masker.remember(n.before);
      masker.remember(n.after);
      if (sameValue(n.before, n.after)) unchanged += Math.max(1, leafCount(n.before));
      else changes.push({ path: formatPath(path), before: maskedOrAbsent(n.before), after: maskedOrAbsent(n.after) });
      return;
    }
    if (isContainer(n.before) || isContainer(n.after)) {
      if (isScalarList(n.before) && isScalarList(n.after)) return leaf(n, path);
      for (const [key, child] of children(n, masker)) visit(child, [...path, key]);
      return;
    }
    leaf(n, path);
  };
  const leaf = (n: Node, path: PathSegment[]): void => {
    if (sameValue(n.before, n.after)) {
      unchanged += 1;
      return;
    }
    changes.push(leafChange(formatPath(path), n.before, n.after, masker));
  };
  visit({ before: input.before, after: input.after, unknown: input.afterUnknown, bSens: input.beforeSensitive, aSens: input.afterSensitive, secret: false }, []);
  return { changes, unchanged };
}

/** The children of a container node, with their markers and whether their key makes them secret. */
function children(n: Node, masker: Masker): [PathSegment, Node][] {
  const out: [PathSegment, Node][] = [];
  if (Array.isArray(n.before) || Array.isArray(n.after)) {
    const b = asArray(n.before);
    const a = asArray(n.after);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      out.push([i, { before: b[i], after: a[i], unknown: at(n.unknown, i), bSens: at(n.bSens, i), aSens: at(n.aSens, i), secret: false }]);
    }
    return out;
  }
  const b = asObject(n.before);
  const a = asObject(n.after);
  const keys = new Set([...Object.keys(b), ...Object.keys(a), ...Object.keys(asObject(n.unknown))]);
  for (const key of [...keys].sort()) {
    const secret = isSecretChild(b, key, masker) || isSecretChild(a, key, masker);
    out.push([key, { before: b[key], after: a[key], unknown: at(n.unknown, key), bSens: at(n.bSens, key), aSens: at(n.aSens, key), secret: secret && !(isHarmless(b[key]) && isHarmless(a[key])) }]);
  }
  return out;
}

function leafChange(path: string, before: unknown, after: unknown, masker: Masker): LeafChange {
  if (typeof before === "string" && typeof after === "string") {
    const docs = jsonDocuments(before, after, masker);
    if (docs) return { path, before: "(JSON)", after: "(JSON)", lines: lineDiff(docs[0], docs[1], masker) };
    if (before.includes("\n") || after.includes("\n")) {
      return { path, before: lineCount(before), after: lineCount(after), lines: lineDiff(before, after, masker) };
    }
    if (before.length > INLINE_LIMIT || after.length > INLINE_LIMIT) {
      const [b, a] = aroundDifference(before, after);
      return { path, before: masker.maskText(b), after: masker.maskText(a) };
    }
  }
  return { path, before: displayValue(before, masker), after: displayValue(after, masker) };
}

/** Unified line diff, masked line by line, without file headers. */
export function lineDiff(before: string, after: string, masker: Masker): string[] {
  const patch = structuredPatch("before", "after", before, after, "", "", { context: LINE_CONTEXT });
  const lines: string[] = [];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) if (!l.startsWith("\\")) lines.push(masker.maskText(l));
  }
  return lines;
}

/** Both sides as pretty-printed, masked JSON documents, when both are JSON objects or arrays. */
function jsonDocuments(before: string, after: string, masker: Masker): [string, string] | undefined {
  const parse = (s: string): unknown => {
    if (!/^\s*[[{]/.test(s)) return undefined;
    try {
      return JSON.parse(s) as unknown;
    } catch {
      return undefined;
    }
  };
  const b = parse(before);
  const a = parse(after);
  if (b === undefined || a === undefined) return undefined;
  return [JSON.stringify(maskTree(b, masker), null, 2), JSON.stringify(maskTree(a, masker), null, 2)];
}

/** The part of two long strings around their first difference, ellipsized, JSON-quoted. */
export function aroundDifference(before: string, after: string, margin = 40): [string, string] {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  const cut = (v: string) => {
    const start = Math.max(0, p - margin);
    const end = Math.min(v.length, Math.max(v.length - s + margin, start + 2 * margin));
    return `${start > 0 ? "…" : ""}${JSON.stringify(v.slice(start, end)).slice(1, -1)}${end < v.length ? "…" : ""}`;
  };
  return [`"${cut(before)}"`, `"${cut(after)}"`];
}

/** Display text of a value: strings JSON-quoted, containers as compact (masked) JSON, absent as `(none)`. */
export function displayValue(v: unknown, masker: Masker): string {
  if (v === undefined || isEmptyContainer(v)) return ABSENT;
  if (typeof v === "string") return masker.maskText(JSON.stringify(maskEnvString(v, masker)));
  const text = JSON.stringify(maskTree(v, masker));
  const shown = text.length > INLINE_LIMIT ? `${text.slice(0, INLINE_LIMIT - 1)}…` : text;
  return masker.maskText(shown);
}

/** `settings[0].tier`, `metadata[0].labels["tandem.dev/color"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((s, i) => (typeof s === "number" ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `${i === 0 ? "" : "."}${s}` : `[${JSON.stringify(s)}]`))
    .join("");
}

/**
 * null, missing, "", [] and {} all mean "nothing here" to a reviewer. SDKv2 providers store "" for unset strings
 * after apply and plan null before, so `generate_name: null → ""` would otherwise fill real plans with noise.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (isAbsent(a) && isAbsent(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || v === "" || isEmptyContainer(v);
}

function isEmptyContainer(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

function maskedOrAbsent(v: unknown): string {
  return isAbsent(v) ? ABSENT : MASKED;
}

function lineCount(s: string): string {
  const n = s === "" ? 0 : s.split("\n").length;
  return `(${n} line${n === 1 ? "" : "s"})`;
}

function leafCount(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + leafCount(x), 0);
  if (isObject(v)) return Object.values(v).reduce((n: number, x) => n + leafCount(x), 0);
  return 1;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isContainer(v: unknown): boolean {
  return typeof v === "object" && v !== null;
}

function isScalarList(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.every((x) => typeof x !== "object" || x === null));
}

function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

function asObject(v: unknown): Record<string, unknown> {
  return isObject(v) ? v : {};
}

/** A marker's child: markers are `true` for a whole subtree, or mirror the value's shape. */
function at(marker: unknown, key: PathSegment): unknown {
  if (marker === true) return true;
  if (typeof key === "number") return Array.isArray(marker) ? marker[key] : undefined;
  return isObject(marker) ? marker[key] : undefined;
}
