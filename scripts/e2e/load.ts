/**
 * A bounded request loop against the router while the phase changes are deployed. It runs as a child process, so
 * it keeps its pace while the test itself waits on `cdktf deploy` (a synchronous child).
 *
 *   node --require tsx/cjs scripts/e2e/load.ts <port> <out.jsonl> [rate per s] [max seconds] [path,path,...]
 *
 * Every request is a new connection; each result is one JSON line in <out.jsonl>. It stops on SIGTERM (after the
 * requests in flight), when its parent goes away, or after max seconds, whichever comes first.
 */
import fs from "node:fs";
import { get } from "./http";

export interface LoadRecord {
  /** Start of the request, ms since the epoch. */
  readonly t: number;
  readonly path: string;
  /** HTTP status; 0 with `error` on a connection error or timeout. */
  readonly status: number;
  readonly ms: number;
  readonly side?: string;
  readonly phase?: string;
  readonly error?: string;
}

/** A request failed: a connection error, a timeout, or a status outside 2xx/3xx. */
export function isFailure(r: LoadRecord): boolean {
  return r.error !== undefined || r.status < 200 || r.status >= 400;
}

export interface LoadWindow {
  readonly requests: number;
  readonly failed: number;
  /** Up to five failures, for the report. */
  readonly examples: readonly string[];
  /** Requests per phase seen in responses (the router's X-Tandem-Phase, echoed by the stand-ins). */
  readonly phases: Readonly<Record<string, number>>;
}

/** The requests that started in [from, to). */
export function loadWindow(records: readonly LoadRecord[], from: number, to: number): LoadWindow {
  const inside = records.filter((r) => r.t >= from && r.t < to);
  const failures = inside.filter(isFailure);
  const phases: Record<string, number> = {};
  for (const r of inside) if (r.phase) phases[r.phase] = (phases[r.phase] ?? 0) + 1;
  return {
    requests: inside.length,
    failed: failures.length,
    examples: failures.slice(0, 5).map((r) => `${new Date(r.t).toISOString()} ${r.path}: ${r.error ?? `HTTP ${r.status}`}`),
    phases,
  };
}

export function readLoad(file: string): LoadRecord[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LoadRecord);
}

async function once(port: number, path: string): Promise<LoadRecord> {
  const t = Date.now();
  try {
    const r = await get(port, path, { timeoutMs: 5000 });
    const side = r.headers["x-tandem-side"];
    return { t, path, status: r.status, ms: Date.now() - t, side: typeof side === "string" ? side : undefined, phase: r.echo?.phase };
  } catch (e) {
    return { t, path, status: 0, ms: Date.now() - t, error: e instanceof Error ? e.message : String(e) };
  }
}

function main(argv: readonly string[]): void {
  const [portText, out, rateText = "10", maxText = "600", pathsText = "/,/api/v2/x"] = argv;
  const port = Number(portText);
  const interval = 1000 / Number(rateText);
  const paths = pathsText.split(",");
  const stopAt = Date.now() + Number(maxText) * 1000;
  const parent = process.ppid;
  let stopping = false;
  let inFlight = 0;
  let n = 0;
  fs.writeFileSync(out, "");
  process.on("SIGTERM", () => (stopping = true));
  const finish = () => {
    if (inFlight === 0) process.exit(0);
    setTimeout(finish, 50);
  };
  // A fixed schedule (not "wait, then send"), so slow answers do not lower the rate.
  const started = Date.now();
  const tick = () => {
    // An orphaned loop would run against a router nobody watches: stop when the parent has gone.
    if (stopping || Date.now() >= stopAt || process.ppid !== parent) return finish();
    const path = paths[n++ % paths.length];
    inFlight++;
    void once(port, path).then((r) => {
      fs.appendFileSync(out, JSON.stringify(r) + "\n");
      inFlight--;
    });
    setTimeout(tick, Math.max(0, started + n * interval - Date.now()));
  };
  tick();
}

if (require.main === module) main(process.argv.slice(2));
