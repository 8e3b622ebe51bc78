import { checkDestroys, DestroyGuardPolicy, GuardResult } from "./guard";
import { ChangeKind, PlanSummary, ResourceChangeSummary } from "./summarize";

/** GitHub's limit on a comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Hidden marker the workflow uses to find and update the one preview comment. */
export const PREVIEW_MARKER = "<!-- tandem-plan-preview -->";

/** A port plan table (markdown) before and after the change, for one stack. */
export interface PortPlanTables {
  readonly before?: string;
  readonly after: string;
}

export interface RenderOptions {
  readonly guard?: DestroyGuardPolicy;
  /** Port plan tables per stack; shown only where before and after differ. */
  readonly ports?: Readonly<Record<string, PortPlanTables>>;
  /** @default GITHUB_COMMENT_LIMIT */
  readonly limit?: number;
  /** The opt-in label's name, quoted in the comment. @default "allow-stateful-destroy" */
  readonly optInLabel?: string;
}

export interface RenderedPreview {
  readonly markdown: string;
  readonly guard: GuardResult;
  /** How much detail had to be cut to fit the limit (0 = none). */
  readonly cutLevel: number;
}

const ICON: Record<ChangeKind, string> = { replace: "🔴", destroy: "🔴", update: "🟡", create: "🟢", read: "", "no-op": "" };

/**
 * Renders one PR comment for all stacks. Detail is cut, least important first, until it fits the limit:
 * 1. attribute details of updates, 2. the list of creates (counts per type instead),
 * 3. the list of updates (counts per type instead), 4. replacement attribute details.
 * Counts, replacements, destroys and the destroy guard are never cut.
 */
export function renderPreview(summaries: readonly PlanSummary[], options: RenderOptions = {}): RenderedPreview {
  const guard = checkDestroys(summaries, options.guard);
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  let markdown = "";
  for (let level = 0; level <= 4; level++) {
    markdown = render(summaries, guard, options, level);
    if (markdown.length <= limit) return { markdown, guard, cutLevel: level };
  }
  // Still too long: hard-cut the tail, keeping the head (summary, guard, replacements).
  const note = "\n\n_…cut here to fit GitHub's comment limit; see the workflow log for the full plan._\n";
  return { markdown: markdown.slice(0, limit - note.length) + note, guard, cutLevel: 5 };
}

function render(summaries: readonly PlanSummary[], guard: GuardResult, options: RenderOptions, level: number): string {
  const label = options.optInLabel ?? "allow-stateful-destroy";
  const lines: string[] = [PREVIEW_MARKER, "## Tandem plan preview", ""];
  lines.push("| stack | add | change | replace | destroy |", "|---|---:|---:|---:|---:|");
  for (const s of summaries) lines.push(`| \`${s.stack}\` | ${s.counts.create} | ${s.counts.update} | ${s.counts.replace} | ${s.counts.destroy} |`);
  lines.push("");

  if (guard.findings.length > 0) {
    const blocked = guard.findings.filter((f) => f.level === "block");
    if (blocked.length > 0) {
      lines.push(`> [!CAUTION]`, `> **Blocked:** this change would destroy or replace stateful resources in ${[...new Set(blocked.map((f) => `\`${f.stack}\``))].join(", ")}. Add the \`${label}\` label to the pull request if that is intended.`);
    } else if (guard.findings.some((f) => f.level === "allowed")) {
      lines.push(`> [!WARNING]`, `> Stateful resources will be destroyed or replaced; allowed by the \`${label}\` label.`);
    } else {
      lines.push(`> [!WARNING]`, `> Stateful resources will be destroyed or replaced (not blocking in these stacks).`);
    }
    for (const f of guard.findings) lines.push(`> - ${f.level === "block" ? "⛔" : "⚠️"} \`${f.stack}\`: **${f.kind}** \`${f.address}\``);
    lines.push("");
  }

  for (const s of summaries) {
    const total = s.counts.create + s.counts.update + s.counts.replace + s.counts.destroy;
    if (total === 0) {
      lines.push(`### \`${s.stack}\`: no changes`, "");
      continue;
    }
    lines.push(`### \`${s.stack}\`: ${s.counts.create} to add, ${s.counts.update} to change, ${s.counts.replace} to replace, ${s.counts.destroy} to destroy`, "");
    const dangerous = s.changes.filter((c) => c.kind === "replace" || c.kind === "destroy");
    if (dangerous.length > 0) {
      lines.push("**Replacements and destroys**", "");
      for (const c of dangerous) {
        const forced = c.forcedBy.length > 0 ? ` (forced by ${c.forcedBy.map((p) => `\`${p}\``).join(", ")})` : "";
        lines.push(`- ${ICON[c.kind]} **${c.kind}** \`${c.address}\`${forced}`);
        if (c.kind === "replace" && level < 4) lines.push(...attributeLines(c, "  "));
      }
      lines.push("");
    }
    lines.push(...group(s.changes.filter((c) => c.kind === "update"), "Changes", level >= 3, level < 1));
    lines.push(...group(s.changes.filter((c) => c.kind === "create"), "Adds", level >= 2, false));
    const ports = options.ports?.[s.stack];
    if (ports && ports.before !== ports.after) {
      lines.push("<details><summary>Port plan changed</summary>", "", ports.after.trim(), "", "</details>", "");
    }
  }
  if (level > 0) {
    const cut = ["attribute details of updates", "the list of adds", "the list of changes", "attribute details of replacements"].slice(0, level);
    lines.push(`_Cut to fit GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}-character limit: ${cut.join(", ")}. Counts, replacements, destroys and the destroy guard are complete._`);
  }
  return lines.join("\n") + "\n";
}

function group(changes: ResourceChangeSummary[], title: string, countsOnly: boolean, withAttributes: boolean): string[] {
  if (changes.length === 0) return [];
  const lines = [`<details><summary>${title} (${changes.length})</summary>`, ""];
  if (countsOnly) {
    const byType = new Map<string, number>();
    for (const c of changes) byType.set(c.type, (byType.get(c.type) ?? 0) + 1);
    for (const [type, n] of [...byType].sort()) lines.push(`- ${n} × \`${type}\``);
  } else {
    for (const c of changes) {
      lines.push(`- ${ICON[c.kind]} \`${c.address}\``);
      if (withAttributes) lines.push(...attributeLines(c, "  "));
    }
  }
  lines.push("", "</details>", "");
  return lines;
}

function attributeLines(c: ResourceChangeSummary, indent: string): string[] {
  return c.attributes.map((a) => `${indent}- \`${a.path}\`: ${a.before} → ${a.after}`);
}
