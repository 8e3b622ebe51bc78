/** HTML building blocks: every value that reaches the page goes through `esc`. */

/** Text or attribute value, escaped. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** A table cell; `header` makes it a row header (`<th scope="row">`). */
export interface Cell {
  readonly html: string;
  readonly header?: boolean;
  readonly className?: string;
}

export const cell = (text: string | number, className?: string): Cell => ({ html: esc(text), className });
export const rawCell = (html: string, className?: string): Cell => ({ html, className });
export const rowHeader = (text: string | number, className?: string): Cell => ({ html: esc(text), header: true, className });

/**
 * A semantic table with a caption and column headers, in a scroll region (keyboard-focusable, named by the caption)
 * so a wide table scrolls on a phone instead of widening the page.
 */
export function table(id: string, caption: string, headers: readonly string[], rows: readonly (readonly Cell[])[], className = ""): string {
  const head = `<thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead>`;
  const body = rows
    .map((r) => `<tr>${r.map((c) => (c.header ? `<th scope="row"${cls(c.className)}>${c.html}</th>` : `<td${cls(c.className)}>${c.html}</td>`)).join("")}</tr>`)
    .join("\n");
  return `<div class="scroll" role="region" tabindex="0" aria-labelledby="${esc(id)}-caption"><table id="${esc(id)}" class="${esc(className)}"><caption id="${esc(id)}-caption">${esc(caption)}</caption>${head}<tbody>\n${body}\n</tbody></table></div>`;
}

function cls(className: string | undefined): string {
  return className ? ` class="${esc(className)}"` : "";
}

/** A list of short items inside a cell. */
export function items(values: readonly string[], empty = "–"): string {
  if (values.length === 0) return `<span class="muted">${esc(empty)}</span>`;
  return `<ul class="plain">${values.map((v) => `<li>${esc(v)}</li>`).join("")}</ul>`;
}

/** Inline code. */
export function code(value: string): string {
  return `<code>${esc(value)}</code>`;
}

/** A section with a heading that the table of contents links to. */
export function section(id: string, title: string, body: string): string {
  return `<section id="${esc(id)}" aria-labelledby="${esc(id)}-title">\n<h2 id="${esc(id)}-title">${esc(title)}</h2>\n${body}\n</section>`;
}
