import { z } from "zod";
import { EnvironmentConfig, EnvironmentInput, environmentSchema } from "./schema";

/** One thing wrong with an environment's config. */
export interface ConfigProblem {
  /** Dotted field path, e.g. `database.diskSizeGb`. */
  readonly path: string;
  /** The offending value as written (undefined when the field is missing). */
  readonly value: unknown;
  /** The rule it breaks. */
  readonly rule: string;
}

/** Thrown when an environment's config is invalid; the message lists every problem. */
export class ConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `Invalid config for environment "${environment}" (environments/${environment}.ts):\n` +
        problems.map((p) => `  - ${p.path || "(root)"} = ${show(p.value)}: ${p.rule}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Identity function that gives environment files type checking and completion. */
export function defineEnvironment<T extends EnvironmentInput>(config: T): T {
  return config;
}

/**
 * Validates an environment's config and fills in defaults.
 * @throws ConfigError naming the environment, the field path, the value and the rule.
 */
export function loadEnvironment(environment: string, input: unknown): EnvironmentConfig {
  const result = environmentSchema.safeParse(input);
  const problems: ConfigProblem[] = result.success ? [] : result.error.issues.flatMap((issue) => toProblems(input, issue));
  const declaredName = isRecord(input) ? input.name : undefined;
  if (declaredName !== environment) {
    problems.unshift({ path: "name", value: declaredName, rule: `must equal the environment id "${environment}" (the stack id people deploy)` });
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(environment, problems);
  return result.data;
}

function toProblems(input: unknown, issue: z.core.$ZodIssue): ConfigProblem[] {
  const path = issue.path.map(String).join(".");
  let rule = issue.message;
  if (issue.code === "invalid_union" && "note" in issue && issue.note === "No matching discriminator") {
    rule = `must be one of the known kinds (${rule})`;
  }
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: [...issue.path.map(String), key].join("."),
      value: valueAt(input, [...issue.path, key]),
      rule: "is not a known field: check the spelling",
    }));
  }
  return [{ path, value: valueAt(input, issue.path), rule }];
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (!isRecord(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
