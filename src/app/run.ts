import { App } from "cdktf";
import { ConfigError, crossEnvironmentProblems, EnvironmentConfig, loadEnvironment } from "../config";
import { SynthError, synthesizeAtomically } from "./synth";

/** Options for {@link runEnvironments}. */
export interface RunEnvironmentsOptions {
  /** @default - `$CDKTF_OUTDIR`, else `cdktf.out` */
  readonly outdir?: string;
  /** @default console.log */
  readonly log?: (line: string) => void;
  /** @default console.error */
  readonly error?: (line: string) => void;
}

/**
 * Validates every environment, then synthesizes all of them atomically.
 * @returns the process exit code: 0 on success, 1 when any config or construct is invalid (nothing written).
 */
export function runEnvironments(
  rawEnvironments: Readonly<Record<string, unknown>>,
  addStacks: (app: App, configs: readonly EnvironmentConfig[]) => void,
  options: RunEnvironmentsOptions = {},
): number {
  const log = options.log ?? console.log;
  const error = options.error ?? console.error;
  const configs: EnvironmentConfig[] = [];
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(rawEnvironments)) {
    try {
      configs.push(loadEnvironment(name, raw));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(e.message);
    }
  }
  // Between environments, once each is valid on its own.
  if (problems.length === 0) for (const [environment, found] of crossEnvironmentProblems(configs)) problems.push(new ConfigError(environment, found).message);
  if (problems.length > 0) {
    error(`${problems.join("\n\n")}\n\nNothing was synthesized; cdktf.out was left as it was.`);
    return 1;
  }
  try {
    const result = synthesizeAtomically((app) => addStacks(app, configs), { outdir: options.outdir });
    for (const w of result.warnings) error(`warning: ${w}`);
    log(`Synthesized ${result.stacks.join(", ")} into ${result.outdir}${result.warnings.length > 0 ? ` (${result.warnings.length} warning${result.warnings.length === 1 ? "" : "s"} above)` : ""}`);
    return 0;
  } catch (e) {
    if (!(e instanceof SynthError)) throw e;
    error(e.message);
    return 1;
  }
}
