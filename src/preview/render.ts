import { LeafChange, ValueDiff } from "./diff";
import { Acknowledgement, checkPlans, GuardFinding, GuardResult } from "./guard";
import { earlierRuns, historyMarkers, RunRecord } from "./history";
import { code, details, fenced, html, safeUrl, text } from "./markdown";
import { createMasker, Masker } from "./mask";
import { DEFAULT_POLICY, PreviewPolicy } from "./policy";
import { GuardLevel } from "./rules";
import { OutputChangeSummary, PlanSummary, ResourceChangeSummary } from "./summarize";

/** GitHub's limit on a comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Hidden marker the workflow uses to find and update the one preview comment. */
export const PREVIEW_MARKER = "<!-- tandem-plan-preview -->";
/** What a reviewer comments to acknowledge the guard's findings. */
export const ACK_COMMAND = "/tandem ack";
/** Longest line diff shown for one attribute; the rest is counted. */
export const MAX_DIFF_LINES = 120;

/** A port plan table (markdown) before and after the change, for one stack. */
export interface PortPlanTables {
  readonly before?: string;
  readonly after: string;
}

/** A stack whose plan is missing or refused: the comment says so instead of showing nothing. */
export interface PlanFailure {
  readonly stack: string;
  readonly file: string;
  readonly reason: string;
}

/** The run that renders the comment (stamped on it so it cannot pass for a newer one). */
export interface RunInfo {
  readonly sha?: string;
  readonly runUrl?: string;
  /** ISO 8601. */
  readonly time: string;
}

export interface RenderOptions {
  readonly policy?: PreviewPolicy;
  readonly acknowledgements?: readonly Acknowledgement[];
  readonly prAuthor?: string;
  /** Port plan tables per stack; shown only where before and after differ. */
  readonly ports?: Readonly<Record<string, PortPlanTables>>;
  /** @default GITHUB_COMMENT_LIMIT */
  readonly limit?: number;
  readonly run?: RunInfo;
  /** The comment this one replaces: its run and history become the folded "earlier runs". */
  readonly previousComment?: string;
  readonly failures?: readonly PlanFailure[];
  /** Intent lines given by hand (e.g. from the PR), before those read from the plans. */
  readonly intent?: readonly string[];
  /** Links to each stack's environment report (https only; never cut). */
  readonly reports?: Readonly<Record<string, string>>;
  /** The masker the summaries were made with: its remembered secrets are scrubbed from the whole comment. */
  readonly masker?: Masker;
}

export interface RenderedPreview {
  readonly markdown: string;
  readonly guard: GuardResult;
  readonly status: RunRecord["status"];
  /** How much detail had to be cut to fit the limit (0 = none; {@link CUTS}.length + 1 = hard cut). */
  readonly cutLevel: number;
}

/** What each cut level removes, least important first. Counts, the guard verdict and its hash are never cut. */
export const CUTS: readonly string[] = [
  "line diffs of changes",
  "attribute details of changes",
  "details of drift and outputs",
  "the list of adds",
  "the list of changes",
  "attribute details of replacements",
  "the lists of moves and imports",
  "the list of replacements and destroys",
  "the list of guard findings",
];

const LEVEL_WORDS: Record<GuardLevel, string> = { "data-loss": "data loss", outage: "outage", "will-fail": "will fail" };
const ICON = { replace: "🔴", destroy: "🔴", forget: "⚪", update: "🟡", create: "🟢", read: "", "no-op": "⚪" } as const;

/** Renders one PR comment for all stacks, cut least important first until it fits the limit. */
export function renderPreview(summaries: readonly PlanSummary[], options: RenderOptions = {}): RenderedPreview {
  const guard = checkPlans(summaries, { policy: options.policy ?? DEFAULT_POLICY, acknowledgements: options.acknowledgements, prAuthor: options.prAuthor });
  const status = statusOf(summaries, guard, options.failures ?? []);
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const masker = options.masker ?? createMasker();
  const attempt = (level: number, cap: number) => masker.scrub(render(summaries, guard, status, options, level, cap));
  let markdown = "";
  for (let level = 0; level <= CUTS.length; level++) {
    markdown = attempt(level, Infinity);
    if (markdown.length <= limit) return { markdown, guard, status, cutLevel: level };
    // Before a cut drops a detail, it shortens it: as many entries keep it as fit, the rest are counted.
    if (level < CUTS.length) {
      const cap = largestFitting((k) => attempt(level, k).length <= limit, maxListLength(summaries, guard));
      // cap 0 is the next level's full cut, rendered (and noted) as such by the next round.
      if (cap !== undefined && cap > 0) return { markdown: attempt(level, cap), guard, status, cutLevel: level };
    }
  }
  // Still too long (thousands of findings): keep the head, where the verdict and counts are.
  const note = "\n\n_…cut here to fit GitHub's comment limit; see the workflow log for the full plan._\n";
  return { markdown: markdown.slice(0, limit - note.length) + note, guard, status, cutLevel: CUTS.length + 1 };
}

/** The largest k in [0, max] for which fits(k) holds (fits is monotone), or undefined if not even 0 fits. */
function largestFitting(fits: (k: number) => boolean, max: number): number | undefined {
  if (!fits(0)) return undefined;
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function maxListLength(summaries: readonly PlanSummary[], guard: GuardResult): number {
  return Math.max(guard.findings.length, ...summaries.map((s) => s.changes.length));
}

function statusOf(summaries: readonly PlanSummary[], guard: GuardResult, failures: readonly PlanFailure[]): RunRecord["status"] {
  if (failures.length > 0) return "failed";
  if (guard.blocked) return "blocked";
  if (guard.acknowledged) return "acknowledged";
  return summaries.some((s) => total(s) > 0) ? "changes" : "no changes";
}

/** One rendering at a cut level; `cap` limits the lists the last cuts shorten (replacements/destroys, findings). */
function render(summaries: readonly PlanSummary[], guard: GuardResult, status: RunRecord["status"], o: RenderOptions, level: number, cap: number): string {
  const caps: Caps = (what) => {
    const i = CUTS.indexOf(what);
    return i < level ? 0 : i === level ? cap : Infinity;
  };
  const run: RunRecord = { sha: o.run?.sha, runUrl: o.run?.runUrl, time: o.run?.time ?? new Date(0).toISOString(), status, summary: runSummary(summaries, o.failures ?? []) };
  const lines: string[] = [PREVIEW_MARKER, ...historyMarkers(run, earlierRuns(o.previousComment)), "## Tandem plan preview", ""];
  lines.push(...intentLines(summaries, o.intent ?? []));
  lines.push(stamp(o.run), "");
  lines.push(...reportLines(o.reports ?? {}));
  lines.push(...failureLines(o.failures ?? []));
  lines.push(...countsTable(summaries, o.failures ?? []));
  lines.push(...guardLines(guard, caps("the list of guard findings")));
  for (const s of summaries) lines.push(...stackLines(s, o, caps));
  lines.push(...historyLines(earlierRuns(o.previousComment)));
  const shortened = cap < Infinity && level < CUTS.length ? `${level > 0 ? "; " : ""}shortened: ${CUTS[level]} (the first ${cap} kept)` : "";
  if (level > 0 || shortened) {
    lines.push(`_Cut to fit GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}-character limit: ${CUTS.slice(0, level).join(", ")}${shortened}. Counts and the guard's verdict are complete._`);
  }
  return lines.join("\n") + "\n";
}

function intentLines(summaries: readonly PlanSummary[], manual: readonly string[]): string[] {
  const parts = [...manual.map(text), ...summaries.filter((s) => s.intent.length > 0).map((s) => `${code(s.stack)}: ${s.intent.map(text).join("; ")}`)];
  return parts.length > 0 ? [`**Intent:** ${parts.join(" · ")}`, ""] : [];
}

function reportLines(reports: Readonly<Record<string, string>>): string[] {
  const links = Object.entries(reports)
    .map(([stack, url]) => [stack, safeUrl(url)] as const)
    .filter((x): x is readonly [string, string] => x[1] !== undefined)
    .map(([stack, url]) => `[${text(stack)}](${url})`);
  return links.length > 0 ? [`**Environment report${links.length === 1 ? "" : "s"}:** ${links.join(" · ")} (one HTML page each: traffic path, ports, access, protection, alerts and this plan)`, ""] : [];
}

function stamp(run: RunInfo | undefined): string {
  if (!run) return "<sub>Rendered locally (no commit or run given).</sub>";
  const commit = run.sha ? `commit ${code(run.sha.slice(0, 12))}` : "commit unknown";
  const url = safeUrl(run.runUrl);
  const link = url ? ` · [workflow run](${url})` : "";
  return `<sub>Planned at ${commit}${link} · ${html(formatTime(run.time))}. A newer push replaces this comment; if the run failed, it says so here.</sub>`;
}

function failureLines(failures: readonly PlanFailure[]): string[] {
  if (failures.length === 0) return [];
  const lines = ["> [!CAUTION]", `> **The plan failed** for ${failures.map((f) => code(f.stack)).join(", ")}: there is no plan to show for ${failures.length === 1 ? "it" : "them"}, and the check is red. Do not merge until it plans.`];
  for (const f of failures) lines.push(`> - ${code(f.stack)}: ${text(f.reason)}`);
  return [...lines, ""];
}

function countsTable(summaries: readonly PlanSummary[], failures: readonly PlanFailure[]): string[] {
  const lines = ["| stack | add | change | replace | destroy | also |", "|---|---:|---:|---:|---:|---|"];
  for (const s of summaries) {
    const c = s.counts;
    const also = [
      [c.import, "imported"],
      [c.move, "moved"],
      [c.forget, "forgotten"],
      [c.outputs, "output changes"],
      [c.drift, "changed outside Terraform"],
    ]
      .filter(([n]) => Number(n) > 0)
      .map(([n, w]) => `${n} ${w}`)
      .join(", ");
    lines.push(`| ${code(s.stack)} | ${c.create} | ${c.update} | ${c.replace} | ${c.destroy} | ${also} |`);
  }
  for (const f of failures) lines.push(`| ${code(f.stack)} | – | – | – | – | ❌ plan failed |`);
  return [...lines, ""];
}

function guardLines(guard: GuardResult, cap: number): string[] {
  if (guard.findings.length === 0) return [];
  const blocking = guard.findings.filter((f) => f.action === "block");
  const lines: string[] = [];
  if (guard.blocked && guard.hash) {
    const where = [...new Set(blocking.map((f) => `${LEVEL_WORDS[f.level]} in ${code(f.stack)}`))].join(", ");
    lines.push("> [!CAUTION]", `> **Blocked:** ${blocking.length} finding${blocking.length === 1 ? "" : "s"} (${where}).`);
    lines.push(`> If that is intended, someone with write access (not the PR's author) comments ${code(`${ACK_COMMAND} ${guard.hash}`)}. The hash covers exactly these findings: a push that changes them needs a new acknowledgement.`);
  } else if (guard.acknowledged) {
    const a = guard.acknowledged;
    const url = safeUrl(a.url);
    const where = url ? ` ([comment](${url}))` : "";
    lines.push("> [!WARNING]", `> **Acknowledged** by @${text(a.by)}${where}${a.at ? ` at ${html(formatTime(a.at))}` : ""}: ${blocking.length} blocking finding${blocking.length === 1 ? "" : "s"}, hash ${code(guard.hash ?? "")}.`);
  } else {
    lines.push("> [!WARNING]", "> Guarded changes (not blocking in these stacks):");
  }
  // Even when cut, the first findings stay: they say what kind of danger this is.
  const shown = guard.findings.slice(0, Math.max(cap, 5));
  for (const f of shown) lines.push(`> - ${findingLine(f)}`);
  if (shown.length < guard.findings.length) {
    const byLevel = countBy(guard.findings.slice(shown.length), (f) => `${LEVEL_WORDS[f.level]} · ${f.type} (${f.action})`);
    lines.push(`> - …and ${guard.findings.length - shown.length} more: ${byLevel.map(([k, n]) => `${n} × ${text(k)}`).join(", ")}`);
  }
  for (const r of guard.rejected) lines.push(`> - @${text(r.ack.by)}'s ${code(`${ACK_COMMAND} ${r.ack.hash}`)} does not count: ${text(r.why)}.`);
  return [...lines, ""];
}

function findingLine(f: GuardFinding): string {
  const icon = f.action === "block" ? "⛔" : f.action === "warn" ? "⚠️" : "ℹ️";
  const kind = f.kind === "replace" ? (f.replaceOrder === "delete-first" ? "replace, delete first" : "replace, create first") : "destroy";
  return `${icon} **${LEVEL_WORDS[f.level]}** · ${code(f.stack)} · ${kind} ${code(f.address)}: ${text(f.reason)}`;
}

/** How many entries keep a detail: the cut level decides (see {@link CUTS}); Infinity = all, 0 = none. */
type Caps = (what: string) => number;

function stackLines(s: PlanSummary, o: RenderOptions, caps: Caps): string[] {
  const c = s.counts;
  const lines: string[] = [];
  if (total(s) === 0 && s.drift.length === 0) {
    lines.push(`### ${code(s.stack)}: no changes`, "");
    return lines;
  }
  lines.push(`### ${code(s.stack)}: ${c.create} to add, ${c.update} to change, ${c.replace} to replace, ${c.destroy} to destroy${c.forget ? `, ${c.forget} to forget` : ""}`, "");
  const dangerous = s.changes.filter((x) => x.kind === "replace" || x.kind === "destroy" || x.kind === "forget");
  if (dangerous.length > 0) {
    const attrs = caps("attribute details of replacements");
    lines.push("**Replacements, destroys and forgets**", "");
    lines.push(...capped(dangerous, caps("the list of replacements and destroys"), (x, i) => changeLines(x, i < attrs, true), (x) => `${x.kind} ${x.type}`), "");
  }
  const updates = s.changes.filter((x) => x.kind === "update");
  if (updates.length > 0) {
    const attrs = caps("attribute details of changes");
    const diffs = caps("line diffs of changes");
    const listed = caps("the list of changes");
    const index = new Map(updates.map((x, i) => [x, i]));
    const line = (x: ResourceChangeSummary) => changeLines(x, (index.get(x) ?? 0) < attrs, (index.get(x) ?? 0) < diffs);
    lines.push(`**Changes** (${updates.length})`, "");
    if (listed < updates.length) lines.push(...capped(updates, listed, line, (x) => x.type), "");
    else for (const [group, list] of grouped(updates)) lines.push(...details(`${group ? `${html(group)}: ` : ""}${list.length} to change`, list.flatMap(line), updates.length <= 20));
  }
  const creates = s.changes.filter((x) => x.kind === "create");
  if (creates.length > 0) {
    const listed = caps("the list of adds");
    const item = (x: ResourceChangeSummary) => `${ICON.create} ${code(x.address)}${x.group ? ` · ${code(x.group)}` : ""}${x.importId ? ` (imported from ${code(x.importId)})` : ""}`;
    const body =
      listed < creates.length
        ? capped(creates, listed, (x) => [`- ${item(x)}`], (x) => x.type)
        : grouped(creates).flatMap(([group, list]) => (group ? [`- **${html(group)}**`, ...list.map((x) => `  - ${item(x)}`)] : list.map((x) => `- ${item(x)}`)));
    lines.push(...details(`Adds (${creates.length})`, body));
  }
  const movesImports = s.changes.filter((x) => x.movedFrom !== undefined || x.importId !== undefined);
  if (movesImports.length > 0) {
    const body = capped(movesImports, caps("the lists of moves and imports"), (x) => [moveImportLine(x)], (x) => (x.movedFrom ? "moved" : "imported"));
    lines.push(...details(`Moves and imports (${movesImports.length})`, body));
  }
  const detail = caps("details of drift and outputs");
  if (s.drift.length > 0) {
    const body = capped(s.drift, detail, (x) => changeLines(x, true, true), (x) => `${x.kind} ${x.type}`);
    lines.push(...details(`Changed outside Terraform (${s.drift.length}): the plan brings these back`, body));
  }
  if (s.outputs.length > 0) lines.push(...outputLines(s.outputs, detail));
  const ports = o.ports?.[s.stack];
  if (ports && ports.before !== ports.after) lines.push(...details("Port plan changed", [ports.after.trim()]));
  return lines;
}

/** The first `cap` entries in full, the rest counted by key. */
function capped<T>(list: readonly T[], cap: number, full: (x: T, i: number) => string[], key: (x: T) => string): string[] {
  const shown = list.slice(0, cap).flatMap((x, i) => full(x, i));
  const rest = list.slice(cap);
  if (rest.length === 0) return shown;
  return [...shown, ...(shown.length > 0 ? [`- …and ${rest.length} more:`] : []), ...typeCounts(rest, key)];
}

function changeLines(x: ResourceChangeSummary, withAttrs: boolean, withLines: boolean): string[] {
  const notes: string[] = [];
  if (x.group) notes.push(code(x.group));
  if (x.forcedBy.length > 0) notes.push(`forced by ${x.forcedBy.map(code).join(", ")}`);
  if (x.reason) notes.push(text(x.reason));
  if (x.movedFrom) notes.push(`moved from ${code(x.movedFrom)}`);
  if (x.importId) notes.push(`imported from ${code(x.importId)}`);
  if (x.deposed) notes.push(`deposed object ${code(x.deposed)}, left by an earlier create-before-destroy`);
  if (x.kind === "forget") notes.push("removed from the state, not destroyed");
  const head = `- ${ICON[x.kind]} **${kindWords(x)}** ${code(x.address)}${notes.length > 0 ? ` · ${notes.join(" · ")}` : ""}`;
  return [head, ...(withAttrs && x.diff ? diffLines(x.diff, "  ", withLines) : [])];
}

function kindWords(x: ResourceChangeSummary): string {
  if (x.kind !== "replace") return x.kind;
  return x.replaceOrder === "create-before-destroy" ? "replace (create first)" : "replace (delete first: a gap without it)";
}

/** A resource's changed leaves; unchanged ones counted; line diffs fenced (or counted when cut). */
export function diffLines(d: ValueDiff, indent: string, withLines: boolean): string[] {
  const lines: string[] = [];
  for (const c of d.changes) lines.push(...leafLines(c, indent, withLines));
  if (d.unchanged > 0) lines.push(`${indent}- _${d.unchanged} unchanged attribute${d.unchanged === 1 ? "" : "s"} hidden_`);
  return lines;
}

function leafLines(c: LeafChange, indent: string, withLines: boolean): string[] {
  const head = `${indent}- ${code(c.path)}: ${shown(c.before)} → ${shown(c.after)}`;
  if (!c.lines) return [head];
  const added = c.lines.filter((l) => l.startsWith("+")).length;
  const removed = c.lines.filter((l) => l.startsWith("-")).length;
  if (!withLines) return [`${head} (+${added} −${removed} lines)`];
  const body = c.lines.length > MAX_DIFF_LINES ? [...c.lines.slice(0, MAX_DIFF_LINES), `… ${c.lines.length - MAX_DIFF_LINES} more diff lines`] : c.lines;
  return [head, ...fenced("diff", body, `${indent}  `)];
}

/** `(known after apply)`, `(sensitive)`, `(none)` read as words; values as code. */
function shown(v: string): string {
  return /^\((known after apply|sensitive|none|JSON|\d+ lines?)\)$/.test(v) ? `_${v}_` : code(v);
}

function moveImportLine(x: ResourceChangeSummary): string {
  if (x.movedFrom) return `- ↪️ ${code(x.address)} moved from ${code(x.movedFrom)}${x.kind === "no-op" ? " (nothing else changes)" : ` (and ${x.kind})`}`;
  return `- 📥 ${code(x.address)} imported from ${code(x.importId ?? "")}${x.kind === "no-op" ? " (matches the configuration)" : ` (and ${x.kind})`}`;
}

function outputLines(outputs: readonly OutputChangeSummary[], cap: number): string[] {
  const removed = outputs.filter((x) => x.kind === "destroy");
  const body = capped(
    outputs,
    cap,
    (x) => {
      const icon = x.kind === "destroy" ? "🔴" : x.kind === "create" ? "🟢" : "🟡";
      const head = `- ${icon} **${x.kind}** ${code(x.name)}`;
      const only = x.diff.changes.length === 1 && x.diff.changes[0].path === "" ? x.diff.changes[0] : undefined;
      // An output that appears or goes away has no value on that side (Terraform says null).
      if (only && !only.lines) return [`${head}: ${shown(x.kind === "create" ? "(none)" : only.before)} → ${shown(x.kind === "destroy" ? "(none)" : only.after)}`];
      return [head, ...diffLines(x.diff, "  ", true)];
    },
    (x) => `${x.kind} output`,
  );
  const warning = removed.length > 0 ? [`> [!WARNING]`, `> Removes output${removed.length === 1 ? "" : "s"} ${removed.map((x) => code(x.name)).join(", ")}: other teams' remote-state reads of ${removed.length === 1 ? "it" : "them"} will fail.`, ""] : [];
  return [...warning, ...details(`Output changes (${outputs.length}): other teams read these`, body, removed.length > 0)];
}

function historyLines(earlier: readonly RunRecord[]): string[] {
  if (earlier.length === 0) return [];
  const rows = earlier.map((r) => {
    const commit = r.sha ? code(r.sha.slice(0, 12)) : "–";
    return `| ${html(formatTime(r.time))} | ${r.runUrl ? `[${commit}](${r.runUrl})` : commit} | ${r.status} | ${text(r.summary)} |`;
  });
  return details(`Earlier runs (${earlier.length})`, ["| time | commit | result | counts |", "|---|---|---|---|", ...rows]);
}

/** Changes by construct; one unnamed group when no construct paths are known (no --config). */
function grouped(list: readonly ResourceChangeSummary[]): [string, ResourceChangeSummary[]][] {
  if (list.every((x) => x.group === undefined)) return [["", [...list]]];
  const groups = new Map<string, ResourceChangeSummary[]>();
  for (const x of list) {
    const g = x.group ?? "(no construct path)";
    const members = groups.get(g);
    if (members) members.push(x);
    else groups.set(g, [x]);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b));
}

function typeCounts<T>(list: readonly T[], key: (x: T) => string): string[] {
  return countBy(list, key).map(([k, n]) => `- ${n} × ${code(k)}`);
}

function countBy<T>(list: readonly T[], key: (x: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const x of list) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return [...m].sort(([a], [b]) => a.localeCompare(b));
}

function total(s: PlanSummary): number {
  const c = s.counts;
  return c.create + c.update + c.replace + c.destroy + c.forget + c.import + c.move + c.outputs;
}

function runSummary(summaries: readonly PlanSummary[], failures: readonly PlanFailure[]): string {
  const parts = summaries.map((s) => (total(s) === 0 ? `${s.stack} no changes` : `${s.stack} +${s.counts.create} ~${s.counts.update} ±${s.counts.replace} -${s.counts.destroy}`));
  return [...parts, ...failures.map((f) => `${f.stack} failed`)].join("; ");
}

/** `2025-05-01 12:00 UTC`. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
