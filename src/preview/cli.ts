/**
 * `tandem-preview` (and `npm run preview` here): renders the PR comment from `terraform show -json` plans.
 * The command line is parsed into options first (pure), then files are read and the comment written.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { constructPaths, SynthesizedStack } from "./constructs";
import { Acknowledgement } from "./guard";
import { createMasker } from "./mask";
import { parsePlan, PlanError } from "./plan";
import { redactPlan, REFUSED_KEY } from "./redact";
import { DEFAULT_POLICY, parsePolicy, PreviewPolicy } from "./policy";
import { PlanFailure, PortPlanTables, renderPreview, RunInfo } from "./render";
import { PlanSummary, summarizePlan } from "./summarize";

/** Exit codes, documented in the README. */
export const EXIT = { ok: 0, blocked: 1, usage: 2, planFailed: 3 } as const;

export const PREVIEW_USAGE = `usage: tandem-preview <stack>=<plan.json>... [options]
  <stack>=<plan.json>        a \`terraform show -json <planfile>\` per stack (a bare path: stack from plan-<stack>.json)
  --config <stack>=<file>    the stack's synthesized cdk.tf.json: changes grouped by construct path
  --policy <file>            guard levels per stack, more rules, acknowledgement rules, masks (JSON)
  --acks <file>              acknowledgements: [{"hash","by","at","url","permission"}] (the workflow writes it)
  --ack <hash>:<login>       one acknowledgement, given by whoever runs this
  --pr-author <login>        the author's own acknowledgements do not count (unless the policy allows)
  --sha <sha> --run-url <url> --time <iso>   stamped on the comment (default: GITHUB_SHA, the Actions run, now)
  --previous <file>          the comment this one replaces: its runs become the folded history
  --ports <stack>=<after.md>[,<before.md>]   port plan tables, shown when they differ
  --intent <text>            a line of intent by hand (repeatable), before those read from the plans
  --report <stack>=<url>     link the stack's environment report (an https URL, e.g. the run's artifact)
  --out <file>               write the comment there (default: stdout)
  --limit <n>                comment size limit (default 65536)
       tandem-preview redact <plan.json> <out.json> [--policy <file>]
  a copy safe to keep as an artifact: only what the preview reads, secrets replaced by salted fingerprints
exit: 0 ok or acknowledged, 1 the guard blocks, 2 usage or a bad input file, 3 a plan is missing or not a complete plan.
The comment is written in every case but usage errors, so a failure replaces the old comment.`;

export interface CliOptions {
  readonly plans: readonly { stack: string; file: string }[];
  readonly configs: Readonly<Record<string, string>>;
  readonly policy?: string;
  readonly acksFile?: string;
  readonly acks: readonly Acknowledgement[];
  readonly prAuthor?: string;
  readonly run: RunInfo;
  readonly previous?: string;
  readonly ports: Readonly<Record<string, { after: string; before?: string }>>;
  readonly intent: readonly string[];
  /** Environment report links per stack (`npm run report`, uploaded as an artifact). */
  readonly reports: Readonly<Record<string, string>>;
  readonly out?: string;
  readonly limit?: number;
}

export interface CliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly now: () => Date;
}

const defaultIo: CliIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), now: () => new Date() };

/** Parses the command line; returns the usage problem as a string. */
export function parsePreviewArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, now: Date): CliOptions | string {
  const plans: { stack: string; file: string }[] = [];
  const configs: Record<string, string> = {};
  const ports: Record<string, { after: string; before?: string }> = {};
  const acks: Acknowledgement[] = [];
  const intent: string[] = [];
  const reports: Record<string, string> = {};
  let o: { policy?: string; acksFile?: string; prAuthor?: string; sha?: string; runUrl?: string; time?: string; previous?: string; out?: string; limit?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string | undefined => argv[++i];
    const need = (v: string | undefined): v is string => v !== undefined && v !== "";
    if (arg === "--allow-stateful-destroy") return "--allow-stateful-destroy is gone: acknowledge the findings' hash instead (`/tandem ack <hash>` on the PR, or --ack <hash>:<login>)";
    if (!arg.startsWith("--")) {
      const [stack, file] = arg.includes("=") ? splitOnce(arg, "=") : [path.basename(arg, ".json").replace(/^plan-/, ""), arg];
      if (!stack || !file) return `bad plan argument ${JSON.stringify(arg)}: use <stack>=<plan.json>`;
      plans.push({ stack, file });
      continue;
    }
    const v = value();
    if (!need(v)) return `missing value for ${arg}`;
    switch (arg) {
      case "--config": {
        const [stack, file] = splitOnce(v, "=");
        if (!file) return `--config needs <stack>=<cdk.tf.json>`;
        configs[stack] = file;
        break;
      }
      case "--ports": {
        const [stack, files] = splitOnce(v, "=");
        const [after, before] = files.split(",");
        if (!after) return `--ports needs <stack>=<after.md>[,<before.md>]`;
        ports[stack] = { after, before: before || undefined };
        break;
      }
      case "--ack": {
        const [hash, by] = splitOnce(v, ":");
        if (!/^[0-9a-f]{6,64}$/i.test(hash) || !by) return `--ack needs <hash>:<login>`;
        acks.push({ hash, by });
        break;
      }
      case "--report": {
        const [stack, url] = splitOnce(v, "=");
        if (!stack || !url) return `--report needs <stack>=<url>`;
        reports[stack] = url;
        break;
      }
      case "--intent":
        intent.push(v);
        break;
      case "--limit":
        if (!/^\d+$/.test(v)) return `--limit needs a number`;
        o = { ...o, limit: Number(v) };
        break;
      case "--policy":
      case "--acks":
      case "--pr-author":
      case "--sha":
      case "--run-url":
      case "--time":
      case "--previous":
      case "--out": {
        const key = { "--policy": "policy", "--acks": "acksFile", "--pr-author": "prAuthor", "--sha": "sha", "--run-url": "runUrl", "--time": "time", "--previous": "previous", "--out": "out" }[arg];
        o = { ...o, [key]: v };
        break;
      }
      default:
        return `unknown option ${arg}`;
    }
  }
  if (plans.length === 0) return "no plans given";
  const run: RunInfo = { sha: o.sha ?? env.GITHUB_SHA, runUrl: o.runUrl ?? actionsRunUrl(env), time: o.time ?? now.toISOString() };
  return { plans, configs, policy: o.policy, acksFile: o.acksFile, acks, prAuthor: o.prAuthor, run, previous: o.previous, ports, intent, reports, out: o.out, limit: o.limit };
}

/** The link to this GitHub Actions run (and attempt), when running in one. */
export function actionsRunUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (!env.GITHUB_SERVER_URL || !env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== "1" ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : "";
  return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt}`;
}

/** Runs the command; returns the exit code. */
export function runCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env, io: CliIo = defaultIo): number {
  if (argv[0] === "redact") return runRedact(argv.slice(1), env, io);
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(`${PREVIEW_USAGE}\n`);
    return EXIT.ok;
  }
  const options = parsePreviewArgs(argv, env, io.now());
  if (typeof options === "string") {
    io.stderr(`tandem-preview: ${options}\n${PREVIEW_USAGE}\n`);
    return EXIT.usage;
  }
  let inputs: Inputs;
  try {
    inputs = readInputs(options, env);
  } catch (e) {
    io.stderr(`tandem-preview: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
  const { markdown, guard, status } = renderPreview(inputs.summaries, {
    policy: inputs.policy,
    acknowledgements: inputs.acks,
    prAuthor: options.prAuthor,
    ports: inputs.ports,
    limit: options.limit,
    run: options.run,
    previousComment: inputs.previous,
    failures: inputs.failures,
    intent: options.intent,
    reports: options.reports,
    masker: inputs.masker,
  });
  if (options.out) fs.writeFileSync(options.out, markdown);
  else io.stdout(markdown);
  for (const f of inputs.failures) io.stderr(`tandem-preview: plan failed: ${f.stack}: ${f.reason}\n`);
  for (const f of guard.findings) io.stderr(`tandem-preview: guard: ${f.action}: ${f.level}: ${f.stack} ${f.kind} ${f.address}\n`);
  if (guard.hash) io.stderr(`tandem-preview: findings hash ${guard.hash}${guard.acknowledged ? ` acknowledged by ${guard.acknowledged.by}` : ""}\n`);
  if (status === "failed") return EXIT.planFailed;
  return guard.blocked ? EXIT.blocked : EXIT.ok;
}

type Inputs = {
  summaries: PlanSummary[];
  failures: PlanFailure[];
  policy: PreviewPolicy;
  acks: Acknowledgement[];
  ports: Record<string, PortPlanTables>;
  previous?: string;
  masker: ReturnType<typeof createMasker>;
};

/** Reads every input. A plan that is missing or refused becomes a failure (still a comment); anything else throws. */
function readInputs(o: CliOptions, env: Readonly<Record<string, string | undefined>>): Inputs {
  const policy = o.policy ? parsePolicy(fs.readFileSync(o.policy, "utf8"), o.policy) : DEFAULT_POLICY;
  const masker = createMasker({ ...policy.mask, env });
  const acks = [...(o.acksFile ? parseAcks(fs.readFileSync(o.acksFile, "utf8"), o.acksFile) : []), ...o.acks];
  const ports: Record<string, PortPlanTables> = {};
  for (const [stack, p] of Object.entries(o.ports)) ports[stack] = { after: fs.readFileSync(p.after, "utf8"), before: p.before ? readIfExists(p.before) : undefined };
  const summaries: PlanSummary[] = [];
  const failures: PlanFailure[] = [];
  for (const { stack, file } of o.plans) {
    const text = readIfExists(file);
    if (text === undefined) {
      failures.push({ stack, file, reason: `${file}: not found (the plan for ${stack} failed or was cancelled; see the run)` });
      continue;
    }
    try {
      const plan = parsePlan(text, file);
      const config = o.configs[stack];
      const constructs = config ? constructPaths(JSON.parse(fs.readFileSync(config, "utf8")) as SynthesizedStack) : undefined;
      summaries.push(summarizePlan(stack, plan, { masker, constructs }));
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      failures.push({ stack, file, reason: e.message });
    }
  }
  return { summaries, failures, policy, acks, ports, previous: o.previous ? readIfExists(o.previous) : undefined, masker };
}

/** The workflow's acknowledgements file: a JSON list of {hash, by, at?, url?, permission?}. */
export function parseAcks(text: string, file: string): Acknowledgement[] {
  const raw: unknown = JSON.parse(text);
  if (!Array.isArray(raw)) throw new Error(`${file}: acknowledgements must be a JSON list`);
  return raw.map((a: unknown, i) => {
    const x = a as Partial<Record<keyof Acknowledgement, unknown>>;
    if (typeof x !== "object" || x === null || typeof x.hash !== "string" || typeof x.by !== "string") throw new Error(`${file}[${i}]: needs "hash" and "by"`);
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    return { hash: x.hash, by: x.by, at: str(x.at), url: str(x.url), permission: str(x.permission) ?? "none" };
  });
}

function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}

/** `redact <in> <out> [--policy f]`: exit 0, or 3 with a refusal record written in place of the plan. */
function runRedact(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): number {
  const policyAt = argv.indexOf("--policy");
  const policyFile = policyAt >= 0 ? argv[policyAt + 1] : undefined;
  const [input, output] = argv.filter((_, i) => policyAt < 0 || (i !== policyAt && i !== policyAt + 1));
  if (!input || !output) {
    io.stderr(`tandem-preview: redact needs <plan.json> <out.json>\n`);
    return EXIT.usage;
  }
  try {
    const policy = policyFile ? parsePolicy(fs.readFileSync(policyFile, "utf8"), policyFile) : DEFAULT_POLICY;
    const text = readIfExists(input);
    if (text === undefined) throw new PlanError(input, "not found");
    const plan = parsePlan(text, input);
    fs.writeFileSync(output, JSON.stringify(redactPlan(plan, createMasker({ ...policy.mask, env }), randomBytes(16).toString("hex"))));
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof PlanError)) {
      io.stderr(`tandem-preview: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    fs.writeFileSync(output, JSON.stringify({ [REFUSED_KEY]: e.message }));
    io.stderr(`tandem-preview: ${e.message}\n`);
    return EXIT.planFailed;
  }
}
