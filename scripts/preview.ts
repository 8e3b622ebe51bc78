/**
 * `npm run preview -- staging=plan-staging.json production=plan-production.json [options]`: the same command as
 * the package's `tandem-preview` bin, run from source. `--help` lists the options; see README "PR previews".
 */
import { runCli } from "../src/preview/cli";

process.exitCode = runCli(process.argv.slice(2));
