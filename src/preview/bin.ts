#!/usr/bin/env node
// The `tandem-preview` command of the package (package.json "bin"); see cli.ts.
import { runCli } from "./cli";

process.exitCode = runCli(process.argv.slice(2));
