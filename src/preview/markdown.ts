/** Small markdown helpers: plan values and names must never break out of where the comment puts them. */

/** Inline code that survives backticks and newlines in the value. */
export function code(s: string): string {
  const flat = s.replace(/\r?\n/g, "⏎");
  const runs = flat.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  return fence.length === 1 ? `\`${flat}\`` : `${fence} ${flat} ${fence}`;
}

/** Plain text with markdown and HTML specials escaped. */
export function text(s: string): string {
  return s.replace(/\r?\n/g, " ").replace(/[\\`*_[\]<>|&#]/g, (c) => `\\${c}`);
}

/** Text inside HTML (`<summary>`). */
export function html(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A fenced block, indented (inside a list item), with a fence longer than any backtick run inside. */
export function fenced(lang: string, lines: readonly string[], indent: string): string[] {
  const runs = lines.join("\n").match(/`{3,}/g) ?? [];
  const fence = "`".repeat(Math.max(3, ...runs.map((r) => r.length + 1)));
  return [`${indent}${fence}${lang}`, ...lines.map((l) => `${indent}${l}`), `${indent}${fence}`];
}

/** A folded section. */
export function details(summary: string, body: readonly string[], open = false): string[] {
  return [`<details${open ? " open" : ""}><summary>${summary}</summary>`, "", ...body, "", "</details>", ""];
}

/** A link target, only if it is a plain https URL (it comes from the workflow, but still lands in markdown). */
export function safeUrl(url: string | undefined): string | undefined {
  return url !== undefined && /^https:\/\/[\w.-]+(\/[\w./#%=?&-]*)?$/.test(url) ? url : undefined;
}
