/**
 * One thing wrong with a value: where, what, which rule, and how to fix it. Rules are pure functions that return
 * problems; the config schema and the constructs are thin adapters over the same functions, so a rule is written once
 * and an environment file and a construct prop get the same answer.
 */
import { Annotations } from "cdktf";
import { IConstruct } from "constructs";

export type ProblemPath = readonly (string | number)[];

export interface Problem {
  /** Where, relative to what the rule was given (`["diskSizeGb"]`, `["nodePools", "general", "minNodesPerZone"]`). */
  readonly path: ProblemPath;
  /** The offending value as written (undefined when missing). */
  readonly value: unknown;
  /** The rule it breaks, as a sentence fragment: "must be 10-65536 (Cloud SQL limits)". */
  readonly rule: string;
  /** What to do instead, when it is not obvious from the rule. */
  readonly fix?: string;
  /** A warning is advice: it never fails synth. @default "error" */
  readonly severity?: "error" | "warning";
}

/** A problem at `path` unless `ok`. */
export function unless(ok: boolean, path: ProblemPath, value: unknown, rule: string, fix?: string): Problem[] {
  return ok ? [] : [{ path, value, rule, fix }];
}

/** A warning at `path` when `bad`. */
export function warnIf(bad: boolean, path: ProblemPath, value: unknown, rule: string, fix?: string): Problem[] {
  return bad ? [{ path, value, rule, fix, severity: "warning" }] : [];
}

/** Prefixes every problem's path (a rule for one node pool, reported under `nodePools.<name>`). */
export function under(prefix: ProblemPath, problems: readonly Problem[]): Problem[] {
  return problems.map((p) => ({ ...p, path: [...prefix, ...p.path] }));
}

export const errorsOf = (problems: readonly Problem[]): Problem[] => problems.filter((p) => (p.severity ?? "error") === "error");
export const warningsOf = (problems: readonly Problem[]): Problem[] => problems.filter((p) => p.severity === "warning");

/** `a.b.0.c` */
export function formatPath(path: ProblemPath): string {
  return path.length === 0 ? "(root)" : path.map(String).join(".");
}

/** `database.diskSizeGb = 5: must be 10-65536 (Cloud SQL limits); use at least 10` */
export function formatProblem(p: Problem, prefix: ProblemPath = []): string {
  return `${formatPath([...prefix, ...p.path])} = ${show(p.value)}: ${p.rule}${p.fix ? `; ${p.fix}` : ""}`;
}

/** A value as it would be written in config, shortened. */
export function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Thrown by a construct whose props break a rule; the message lists every problem, each with its prop path. */
export class PropsError extends Error {
  constructor(
    readonly constructPath: string,
    readonly problems: readonly Problem[],
  ) {
    super(`${constructPath}: invalid props:\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`);
    this.name = "PropsError";
  }
}

/**
 * What a construct does with the problems of its props: errors throw (all of them in one message), warnings become
 * cdktf warning annotations on the construct.
 */
export function applyProblems(scope: IConstruct, problems: readonly Problem[]): void {
  const errors = errorsOf(problems);
  if (errors.length > 0) throw new PropsError(scope.node.path, errors);
  for (const w of warningsOf(problems)) Annotations.of(scope).addWarning(formatProblem(w));
}
