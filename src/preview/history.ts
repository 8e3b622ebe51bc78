/**
 * A comment that cannot go stale: each run stamps the comment with its commit, run link and time, and the
 * comment carries a short history of earlier runs (folded), read back from the previous comment's hidden record.
 */

/** One run of the preview, as recorded in the comment. */
export interface RunRecord {
  /** The PR head commit that was planned. */
  readonly sha?: string;
  readonly runUrl?: string;
  /** ISO 8601, UTC. */
  readonly time: string;
  readonly status: "no changes" | "changes" | "blocked" | "acknowledged" | "failed";
  /** One line of counts, e.g. `staging +1 ~2 -0 ±0; production no changes`. */
  readonly summary: string;
}

/** How many earlier runs the comment keeps. */
export const HISTORY_LENGTH = 10;

const RUN_MARK = "tandem-preview-run";
const HISTORY_MARK = "tandem-preview-history";

/** Hidden lines that carry this run and the earlier ones into the next comment. */
export function historyMarkers(run: RunRecord, earlier: readonly RunRecord[]): string[] {
  return [`<!-- ${RUN_MARK}: ${hide(run)} -->`, `<!-- ${HISTORY_MARK}: ${hide(earlier)} -->`];
}

/** The runs before this one, newest first: the previous comment's run, then its history, capped. */
export function earlierRuns(previousComment: string | undefined): RunRecord[] {
  if (!previousComment) return [];
  const run = read(previousComment, RUN_MARK);
  const history = read(previousComment, HISTORY_MARK);
  const list = [...(isRecord(run) ? [run] : []), ...(Array.isArray(history) ? history.filter(isRecord) : [])];
  return list.slice(0, HISTORY_LENGTH).map(clean);
}

// JSON inside an HTML comment: `-->` must never appear, `\u003e` reads back as the same JSON.
function hide(value: unknown): string {
  return JSON.stringify(value).replace(/>/g, "\\u003e");
}

function read(comment: string, mark: string): unknown {
  const m = new RegExp(`<!-- ${mark}: (.*?) -->`).exec(comment);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]) as unknown;
  } catch {
    return undefined;
  }
}

const STATUSES: readonly RunRecord["status"][] = ["no changes", "changes", "blocked", "acknowledged", "failed"];

function isRecord(v: unknown): v is RunRecord {
  const r = v as Partial<RunRecord> | null;
  return typeof r === "object" && r !== null && typeof r.time === "string" && typeof r.summary === "string" && STATUSES.includes(r.status as RunRecord["status"]);
}

/** Only what the record may hold: it is rendered into the comment again. */
function clean(r: RunRecord): RunRecord {
  const safe = (s: string | undefined, pattern: RegExp) => (s !== undefined && pattern.test(s) ? s : undefined);
  return {
    sha: safe(r.sha, /^[0-9a-f]{7,40}$/),
    runUrl: safe(r.runUrl, /^https:\/\/[\w.-]+\/[\w./-]+$/),
    time: safe(r.time, /^[\d:.TZ+-]{10,35}$/) ?? "unknown",
    status: r.status,
    summary: r.summary.replace(/[^\w ,;:+~±%()/.-]/g, "").slice(0, 200),
  };
}
