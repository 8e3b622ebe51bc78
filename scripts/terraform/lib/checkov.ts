/**
 * checkov on the synthesized JSON (`--framework terraform_json`): needs no provider and no network at scan time
 * (`--skip-download`). Installed once from PyPI into a cached virtualenv. Checks that crash inside checkov are
 * reported by id and resource (they were neither passed nor failed), never dropped.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { firstError, run } from "./run";

export const CHECKOV_VERSION = "3.3.30";

/** The checkov executable, installing it when missing, or why it cannot be had. */
export function ensureCheckov(cacheRoot = process.env.TANDEM_CACHE_DIR ?? path.join(os.homedir(), ".cache", "tandem")): { binary: string } | { missing: string } {
  if (process.env.TANDEM_CHECKOV) return { binary: process.env.TANDEM_CHECKOV };
  const venv = path.join(cacheRoot, `checkov-${CHECKOV_VERSION}`);
  const binary = path.join(venv, "bin", "checkov");
  if (fs.existsSync(binary) && run(binary, ["--version"], { timeoutSeconds: 120 }).code === 0) return { binary };
  const python = process.env.TANDEM_PYTHON ?? "python3";
  fs.mkdirSync(cacheRoot, { recursive: true });
  const venvRun = run(python, ["-m", "venv", "--clear", venv], { timeoutSeconds: 300 });
  if (venvRun.code !== 0) return { missing: `cannot create a virtualenv with ${python} (${venvRun.error ?? firstError(venvRun.stderr)})` };
  const pip = run(path.join(venv, "bin", "python"), ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", `checkov==${CHECKOV_VERSION}`], { timeoutSeconds: 900 });
  if (pip.code !== 0) return { missing: `pip could not install checkov ${CHECKOV_VERSION} (${pip.error ?? firstError(pip.stderr)})` };
  return { binary };
}

/** One suppression from `test/terraform/checkov-suppressions.json`. */
export interface Suppression {
  readonly check: string;
  /** Terraform address (`type.logical_id`) or construct path (`staging/gke/Resource`); `*` is a wildcard. */
  readonly resource: string;
  /** At least one full sentence. */
  readonly reason: string;
  /** @default - every stack */
  readonly stacks?: readonly string[];
}

/** Reads and checks the suppressions file: entries, and the problems of the entries that are refused. */
export function loadSuppressions(file: string): { entries: Suppression[]; problems: string[] } {
  if (!fs.existsSync(file)) return { entries: [], problems: [] };
  const raw: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!Array.isArray(raw)) return { entries: [], problems: [`${file}: must be a JSON array`] };
  const entries: Suppression[] = [];
  const problems: string[] = [];
  raw.forEach((e: unknown, i) => {
    const s = e as Partial<Suppression>;
    const wrong: string[] = [];
    if (typeof s.check !== "string" || !/^CKV2?_[A-Z0-9]+_\d+$/.test(s.check)) wrong.push(`check "${String(s.check)}" is not a checkov id such as CKV_GCP_12`);
    if (typeof s.resource !== "string" || s.resource.trim() === "") wrong.push("resource is missing");
    const reason = typeof s.reason === "string" ? s.reason.trim() : "";
    if (reason.length < 20 || reason.split(/\s+/).filter((w) => /[A-Za-z]/.test(w)).length < 4 || !/[.!?]$/.test(reason)) {
      wrong.push(`reason must be at least one full sentence (4 words, 20 characters, ending in . ! or ?): "${reason}"`);
    }
    if (s.stacks !== undefined && !(Array.isArray(s.stacks) && s.stacks.every((x) => typeof x === "string"))) wrong.push("stacks must be a list of stack ids");
    if (wrong.length > 0) problems.push(`${path.basename(file)}[${i}]: ${wrong.join("; ")}`);
    else entries.push(s as Suppression);
  });
  return { entries, problems };
}

/** A failed check, with where it is. */
export interface CheckovFinding {
  readonly check: string;
  readonly name: string;
  /** `type.logical_id` */
  readonly address: string;
  /** The construct path cdktf recorded, when known. */
  readonly constructPath?: string;
}

/** A check that raised inside checkov: not evaluated. */
export interface CheckovCrash {
  readonly check: string;
  readonly address: string;
  /** The exception line, e.g. `TypeError: 'int' object is not subscriptable`. */
  readonly error: string;
}

export interface CheckovScan {
  readonly passed: number;
  /** Failed and not suppressed. */
  readonly failed: readonly CheckovFinding[];
  readonly suppressed: readonly CheckovFinding[];
  readonly crashed: readonly CheckovCrash[];
  readonly parsingErrors: number;
  /** Indexes into the suppression list that matched something. */
  readonly usedSuppressions: ReadonlySet<number>;
}

interface CheckovReport {
  readonly results?: {
    readonly passed_checks?: readonly unknown[];
    readonly failed_checks?: readonly { check_id: string; check_name: string; resource: string }[];
    readonly parsing_errors?: readonly unknown[];
  };
}

type StackJson = { resource?: Record<string, Record<string, { "//"?: { metadata?: { path?: string } } }>> };

/** Parses checkov's JSON report and its log (crashes) for one stack, applying the suppressions. */
export function parseCheckov(stdout: string, stderr: string, stack: string, doc: StackJson, suppressions: readonly Suppression[]): CheckovScan {
  const parsed: unknown = stdout.trim() === "" ? [] : JSON.parse(stdout);
  // With no applicable resource checkov prints an empty summary object instead of a report.
  const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter((r): r is CheckovReport => typeof r === "object" && r !== null && "results" in r);
  let passedCount = 0;
  let parsingErrors = 0;
  const failedChecks: { check_id: string; check_name: string; resource: string }[] = [];
  for (const r of reports) {
    passedCount += r.results?.passed_checks?.length ?? 0;
    parsingErrors += r.results?.parsing_errors?.length ?? 0;
    failedChecks.push(...(r.results?.failed_checks ?? []));
  }
  const used = new Set<number>();
  const open: CheckovFinding[] = [];
  const suppressed: CheckovFinding[] = [];
  for (const c of failedChecks) {
    const address = normalizeAddress(doc, c.resource);
    const constructPath = constructPathOf(doc, address);
    const finding: CheckovFinding = { check: c.check_id, name: c.check_name, address, constructPath };
    const index = suppressions.findIndex(
      (s) => s.check === c.check_id && (!s.stacks || s.stacks.includes(stack)) && (glob(s.resource).test(address) || (constructPath !== undefined && glob(s.resource).test(constructPath))),
    );
    if (index >= 0) {
      used.add(index);
      suppressed.push(finding);
    } else open.push(finding);
  }
  return { passed: passedCount, failed: open, suppressed, crashed: parseCrashes(stderr), parsingErrors, usedSuppressions: used };
}

/** `[ERROR]  Failed to run check CKV_GCP_54 on <file>:<address>` followed by a traceback ending in the exception. */
export function parseCrashes(log: string): CheckovCrash[] {
  const crashes: CheckovCrash[] = [];
  const lines = log.split("\n");
  lines.forEach((line, i) => {
    const m = /Failed to run check (CKV2?_[A-Z0-9]+_\d+) on .*:([A-Za-z0-9_]+\.[A-Za-z0-9_]+)\s*$/.exec(line);
    if (!m) return;
    let error = "unknown error";
    for (let j = i + 1; j < lines.length; j++) {
      if (/\[(ERROR|WARNING|INFO)\]/.test(lines[j])) break;
      if (/^[A-Za-z_.]+(Error|Exception)\b/.test(lines[j])) error = lines[j].trim();
    }
    crashes.push({ check: m[1], address: m[2], error });
  });
  return crashes;
}

// checkov names single-resource checks `resource.<logical id>` and graph checks `<type>.<logical id>`.
function normalizeAddress(doc: StackJson, resource: string): string {
  const m = /^resource\.(.+)$/.exec(resource);
  if (!m) return resource;
  const types = Object.keys(doc.resource ?? {}).filter((t) => doc.resource?.[t]?.[m[1]] !== undefined);
  return types.length === 1 ? `${types[0]}.${m[1]}` : resource;
}

/** The construct path cdktf recorded for a Terraform address. */
export function constructPathOf(doc: StackJson, address: string): string | undefined {
  const i = address.indexOf(".");
  return doc.resource?.[address.slice(0, i)]?.[address.slice(i + 1)]?.["//"]?.metadata?.path;
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/**
 * The stack as checkov can read it: checkov 3.3.30's terraform_json parser refuses the whole file when the
 * `terraform` block holds a plain value (`required_version`: "this method receives only dicts"), and it checks
 * nothing in that block, so plain values there are left out of its copy.
 */
export function checkovInput(doc: Record<string, unknown>): Record<string, unknown> {
  const terraform = (doc.terraform ?? {}) as Record<string, unknown>;
  return { ...doc, terraform: Object.fromEntries(Object.entries(terraform).filter(([, v]) => typeof v === "object" && v !== null)) };
}
