/**
 * The cdktf app: validates every environment's config, then synthesizes one stack per environment
 * (`dev`, `staging`, `production`). Either everything is written or nothing is.
 */
import { environments } from "./environments";
import { ConfigError, EnvironmentConfig, loadEnvironment } from "./src/config";
import { SynthError, synthesizeAtomically } from "./src/app";
import { addEnvironmentStacks } from "./stacks";

function main(): number {
  const configs: EnvironmentConfig[] = [];
  const errors: string[] = [];
  for (const [name, raw] of Object.entries(environments)) {
    try {
      configs.push(loadEnvironment(name, raw));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      errors.push(e.message);
    }
  }
  if (errors.length > 0) {
    console.error(errors.join("\n\n"));
    console.error("\nNothing was synthesized; cdktf.out was left as it was.");
    return 1;
  }
  try {
    const result = synthesizeAtomically((app) => addEnvironmentStacks(app, configs));
    console.log(`Synthesized ${result.stacks.join(", ")} into ${result.outdir}`);
    return 0;
  } catch (e) {
    if (e instanceof SynthError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main();
