/**
 * Runs the real app (runEnvironments over the real stacks) once per bad-input case, in this one child process, and
 * prints a JSON line per case: exit code, everything printed, and whether the output directory stayed byte-identical.
 *   node scripts/run-ts.cjs test/config/bad-input-run.ts <outdir>
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { listing } from "../helpers/listing";
import { runEnvironments } from "../../src/app";
import { addEnvironmentStacks } from "../../stacks";
import { applyEdits, BAD_INPUT_CASES } from "./bad-input-cases";


const outdir = process.argv[2];
for (const c of BAD_INPUT_CASES) {
  const dir = path.join(outdir, c.name.replace(/[^a-z0-9]+/gi, "-"));
  fs.mkdirSync(path.join(dir, "stacks", "staging"), { recursive: true });
  fs.writeFileSync(path.join(dir, "stacks", "staging", "cdk.tf.json"), "previous");
  fs.writeFileSync(path.join(dir, "manifest.json"), "previous");
  const before = listing(dir);
  const lines: string[] = [];
  let code: number;
  try {
    code = runEnvironments(applyEdits(c.edits), addEnvironmentStacks, { outdir: dir, log: (l) => lines.push(l), error: (l) => lines.push(l) });
  } catch (e) {
    lines.push(`uncaught: ${e instanceof Error ? e.stack : String(e)}`);
    code = 99;
  }
  const after = listing(dir);
  const untouched = code === 0 || JSON.stringify(before) === JSON.stringify(after);
  process.stdout.write(`${JSON.stringify({ name: c.name, code, output: lines.join("\n"), untouched })}\n`);
}
