/**
 * The cdktf app: validates every environment's config, then synthesizes one stack per environment
 * (`dev`, `staging`, `production`). Either everything is written or nothing is.
 */
// Run by scripts/run-ts.cjs (cdktf.json's app, `npm run synth`): bundled from the current sources at each run.
import { environments } from "./environments";
import { runEnvironments } from "./src/app";
import { addEnvironmentStacks } from "./stacks";

process.exitCode = runEnvironments(environments, addEnvironmentStacks);
