/**
 * Results of the tiers that need real components, and the one closing line CI reads per tier:
 * `<tier>: N passed, N failed, N skipped`. A step that cannot run here is skipped with its reason, never passed.
 */

export type StepStatus = "passed" | "failed" | "skipped";

export interface StepResult {
  /** e.g. `staging`, or `preview`. */
  readonly subject: string;
  /** e.g. `validate`, `test`, `checkov`, `plan`. */
  readonly step: string;
  readonly status: StepStatus;
  /** One line for the summary table: counts, or why it was skipped or failed. */
  readonly summary: string;
}

export const passed = (subject: string, step: string, summary: string): StepResult => ({ subject, step, status: "passed", summary });
export const failed = (subject: string, step: string, summary: string): StepResult => ({ subject, step, status: "failed", summary });
export const skipped = (subject: string, step: string, reason: string): StepResult => ({ subject, step, status: "skipped", summary: reason });

/** Counts per status. */
export function tally(results: readonly StepResult[]): Record<StepStatus, number> {
  const counts: Record<StepStatus, number> = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}

/** `terraform: 9 passed, 0 failed, 3 skipped`: the line `.ci/run` adds up. */
export function closingLine(tier: string, results: readonly StepResult[]): string {
  const c = tally(results);
  return `${tier}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
}

/** A table of every step, then each skipped step with its reason (`skip: ...` lines, which `.ci/run` repeats). */
export function formatResults(tier: string, results: readonly StepResult[]): string {
  const rows = results.map((r) => [r.subject, r.step, r.status.toUpperCase(), r.summary]);
  const header = ["subject", "step", "status", "summary"];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((row) => row[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]) : c)).join(" | ");
  const out = [line(header), widths.map((w) => "-".repeat(w)).join("-+-"), ...rows.map(line)];
  const skips = results.filter((r) => r.status === "skipped");
  if (skips.length > 0) {
    out.push("", ...skips.map((r) => `skip: ${tier} ${r.subject} ${r.step}: ${r.summary}`));
  }
  out.push("", closingLine(tier, results));
  return out.join("\n");
}
