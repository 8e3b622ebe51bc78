/**
 * Renders the PR preview comment from `terraform show -json` plans.
 *
 *   npm run preview -- staging=plan-staging.json production=plan-production.json \
 *     [--allow-stateful-destroy] [--ports staging=ports-after.md,ports-before.md] [--out comment.md]
 *
 * A bare path works too; the stack name is then taken from the file name (`plan-<stack>.json` or `<stack>.json`).
 * Exit code 1 when the destroy guard blocks (the comment is written first, so reviewers see why).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parsePlan, PortPlanTables, renderPreview, summarizePlan } from "../src/preview";

function main(argv: string[]): number {
  const plans: { stack: string; file: string }[] = [];
  const ports: Record<string, PortPlanTables> = {};
  let out: string | undefined;
  let allow = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--allow-stateful-destroy") allow = true;
    else if (arg === "--out") out = argv[++i];
    else if (arg === "--ports") {
      const [stack, files] = splitOnce(argv[++i] ?? "", "=");
      const [after, before] = files.split(",");
      ports[stack] = { after: fs.readFileSync(after, "utf8"), before: before ? fs.readFileSync(before, "utf8") : undefined };
    } else if (arg.startsWith("--")) {
      console.error(`unknown option ${arg}`);
      return 2;
    } else {
      const [stack, file] = arg.includes("=") ? splitOnce(arg, "=") : [path.basename(arg, ".json").replace(/^plan-/, ""), arg];
      plans.push({ stack, file });
    }
  }
  if (plans.length === 0) {
    console.error("usage: npm run preview -- <stack>=<plan.json>... [--allow-stateful-destroy] [--ports <stack>=<after.md>[,<before.md>]] [--out <file>]");
    return 2;
  }
  const summaries = plans.map(({ stack, file }) => summarizePlan(stack, parsePlan(fs.readFileSync(file, "utf8"), file)));
  const { markdown, guard } = renderPreview(summaries, { guard: { allowStatefulDestroy: allow }, ports });
  if (out) fs.writeFileSync(out, markdown);
  else process.stdout.write(markdown);
  for (const f of guard.findings) console.error(`destroy guard: ${f.level}: ${f.stack} ${f.kind} ${f.address}`);
  return guard.blocked ? 1 : 0;
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}

process.exitCode = main(process.argv.slice(2));
