/**
 * The release state of one blue-green service in an environment file, read and written as text: exactly the lines
 * `activeColor: ...`, `canaryPercent: ...` and `idle: ...` of `blueGreen.<service>`, so the file stays as its author
 * wrote it (comments, order, formatting). Anything the edit cannot be sure about is refused with the reason.
 */
import type { Color, IdleMode } from "../../../src/deploy";

/** What a release step changes. */
export interface ReleaseState {
  readonly activeColor: Color;
  readonly canaryPercent: number;
  readonly idle: IdleMode;
}

export class EditRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EditRefused";
  }
}

const FIELDS = {
  activeColor: /^(\s*)activeColor:\s*"(blue|green)",?(\s*\/\/.*)?$/,
  canaryPercent: /^(\s*)canaryPercent:\s*(\d+(?:\.\d+)?),?(\s*\/\/.*)?$/,
  idle: /^(\s*)idle:\s*"(warm|full|off)",?(\s*\/\/.*)?$/,
} as const;
type Field = keyof typeof FIELDS;
const ANY_FIELD = /^\s*(activeColor|canaryPercent|idle)\s*:/;

/** Brace depth change of a line, ignoring braces inside strings and after `//`. */
function braces(line: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "/" && line[i + 1] === "/") break;
    else if (c === "{") depth++;
    else if (c === "}") depth--;
  }
  return depth;
}

/** The lines [start, end) of the object literal that starts on line `start` (`key: {`). */
function objectEnd(lines: readonly string[], start: number): number {
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    depth += braces(lines[i]);
    if (depth === 0) return i + 1;
  }
  throw new EditRefused(`the object at line ${start + 1} is never closed`);
}

/** Where `blueGreen.<service>`'s own fields are, and the line numbers of the release fields among them. */
function locate(text: string, service: string): { lines: string[]; start: number; end: number; at: Partial<Record<Field, number>> } {
  const lines = text.split("\n");
  const blocks = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*blueGreen:\s*\{\s*(\/\/.*)?$/.test(l));
  if (blocks.length !== 1) throw new EditRefused(blocks.length === 0 ? "it has no `blueGreen: {` block (on a line of its own)" : "it has more than one `blueGreen: {` line");
  const bgStart = blocks[0][1];
  const bgEnd = objectEnd(lines, bgStart);
  const key = new RegExp(`^\\s*(${service.replace(/[-.]/g, "\\$&")}|"${service.replace(/[-.]/g, "\\$&")}"|'${service.replace(/[-.]/g, "\\$&")}'):\\s*\\{\\s*(\\/\\/.*)?$`);
  const starts: number[] = [];
  let depth = 0;
  for (let i = bgStart; i < bgEnd; i++) {
    if (depth === 1 && key.test(lines[i])) starts.push(i);
    depth += braces(lines[i]);
  }
  if (starts.length !== 1) throw new EditRefused(starts.length === 0 ? `blueGreen has no \`${service}: {\` entry (on a line of its own)` : `blueGreen has ${starts.length} \`${service}: {\` entries`);
  const start = starts[0];
  const end = objectEnd(lines, start);
  const at: Partial<Record<Field, number>> = {};
  depth = 0;
  for (let i = start; i < end; i++) {
    if (depth === 1 && ANY_FIELD.test(lines[i])) {
      const field = ANY_FIELD.exec(lines[i])![1] as Field;
      if (!FIELDS[field].test(lines[i])) throw new EditRefused(`line ${i + 1} sets ${field} in a form the release command does not edit (a literal value on a line of its own): ${lines[i].trim()}`);
      if (at[field] !== undefined) throw new EditRefused(`${field} is set twice (lines ${at[field]! + 1} and ${i + 1})`);
      at[field] = i;
    }
    depth += braces(lines[i]);
  }
  if (at.activeColor === undefined) throw new EditRefused(`blueGreen.${service} has no \`activeColor: "blue"|"green",\` line`);
  return { lines, start, end, at };
}

/** The release state as the file writes it (a missing canaryPercent is 0 and a missing idle `warm`, the defaults). */
export function readReleaseState(text: string, service: string): ReleaseState {
  const { lines, at } = locate(text, service);
  const value = (field: Field) => (at[field] === undefined ? undefined : FIELDS[field].exec(lines[at[field]!])![2]);
  return { activeColor: value("activeColor") as Color, canaryPercent: Number(value("canaryPercent") ?? 0), idle: (value("idle") ?? "warm") as IdleMode };
}

/**
 * The file with exactly the release lines changed to `next`: a value replaced in place (its comment kept), a missing
 * line added after `activeColor` with its indentation. Every other line is as it was.
 */
export function editReleaseState(text: string, service: string, next: ReleaseState): string {
  const { lines, at } = locate(text, service);
  const render: Record<Field, string> = { activeColor: `"${next.activeColor}"`, canaryPercent: String(next.canaryPercent), idle: `"${next.idle}"` };
  const inserts: string[] = [];
  for (const field of Object.keys(FIELDS) as Field[]) {
    const i = at[field];
    if (i !== undefined) {
      const m = FIELDS[field].exec(lines[i])!;
      lines[i] = `${m[1]}${field}: ${render[field]},${m[3] ?? ""}`;
    } else if ((field === "canaryPercent" && next.canaryPercent !== 0) || (field === "idle" && next.idle !== "warm")) {
      inserts.push(`${FIELDS.activeColor.exec(lines[at.activeColor!])![1]}${field}: ${render[field]},`);
    }
  }
  lines.splice(at.activeColor! + 1, 0, ...inserts);
  return lines.join("\n");
}
