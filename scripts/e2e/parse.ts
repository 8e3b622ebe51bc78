/** Reading what the tools print: cdktf's apply summary, and the router's JSON access lines. */
import { ACCESS_LOG_KIND } from "../../src/platform/router-config";

/** Text without terminal colour and cursor sequences (cdktf prints them even when told not to, for its spinner). */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
}

/** `Apply complete! Resources: 1 added, 0 changed, 1 destroyed.` (or Destroy complete!), the last one printed. */
export function applyCounts(text: string): { added: number; changed: number; destroyed: number } | undefined {
  const all = [...stripAnsi(text).matchAll(/(Apply|Destroy) complete! Resources: (?:(\d+) added, (\d+) changed, )?(\d+) destroyed/g)];
  const m = all[all.length - 1];
  if (!m) return undefined;
  return { added: Number(m[2] ?? 0), changed: Number(m[3] ?? 0), destroyed: Number(m[4]) };
}

/** The router's access lines in its stdout (one JSON object per request, `kind` tandem.access). */
export function accessLines(stdout: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const v = JSON.parse(line) as Record<string, unknown>;
      if (v.kind === ACCESS_LOG_KIND) out.push(v);
    } catch {
      // Not JSON: not an access line.
    }
  }
  return out;
}
