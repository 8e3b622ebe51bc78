/**
 * The cdktf app: validates every environment's config, then synthesizes one stack per environment
 * (`dev`, `staging`, `production`). Either everything is written or nothing is.
 */
// cdktf records a full stack trace for every token it creates; source-mapping each one (tsx turns source maps on)
// costs a fifth of synth time. TANDEM_SOURCE_MAPS=1 turns them back on for debugging a crash.
if (!process.env.TANDEM_SOURCE_MAPS) process.setSourceMapsEnabled(false);

import { environments } from "./environments";
import { runEnvironments } from "./src/app";
import { addEnvironmentStacks } from "./stacks";

process.exitCode = runEnvironments(environments, addEnvironmentStacks);
