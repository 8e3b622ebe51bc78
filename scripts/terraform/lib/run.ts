import { spawnSync } from "node:child_process";

/** What a finished command left behind. */
export interface RunResult {
  /** Exit code; 124 when it timed out, 127 when it could not be started. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it did not run to completion (timeout, not found), if so. */
  readonly error?: string;
  readonly seconds: number;
}

export interface RunOptions {
  readonly cwd?: string;
  /** Merged over process.env; `undefined` unsets a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutSeconds?: number;
}

/** Runs a command to completion and captures its output (never throws for a failing command). */
export function run(command: string, args: readonly string[], options: RunOptions = {}): RunResult {
  const started = Date.now();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...(options.env ?? {}) })) if (v !== undefined) env[k] = v;
  const timeout = (options.timeoutSeconds ?? 600) * 1000;
  const r = spawnSync(command, [...args], { cwd: options.cwd, env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024, timeout, killSignal: "SIGKILL" });
  const seconds = (Date.now() - started) / 1000;
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ETIMEDOUT") return { code: 124, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: `timed out after ${options.timeoutSeconds ?? 600} s`, seconds };
  if (code === "ENOENT") return { code: 127, stdout: "", stderr: "", error: `${command} not found`, seconds };
  return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error?.message, seconds };
}

/** The first `Error: ...` line Terraform printed, else the last non-empty line. */
export function firstError(text: string): string {
  const errors = [...text.matchAll(/^(?:│\s*)?Error: (.+)$/gm)].map((m) => m[1].trim());
  if (errors.length > 0) return [...new Set(errors)].slice(0, 3).join(" | ");
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? "(no output)";
}

/** Indents every line of a block of text. */
export function indent(text: string, prefix = "    "): string {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => prefix + l)
    .join("\n");
}
