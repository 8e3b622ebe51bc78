import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { actionsRunUrl, EXIT, runCli } from "../../src/preview";
import { change, plan } from "./fixtures";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-preview-cli-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, value: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
};
const cli = (args: string[], env: Record<string, string> = {}) => {
  let stdout = "";
  let stderr = "";
  const code = runCli(args, env, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), now: () => new Date("2025-05-01T12:00:00Z") });
  return { code, stdout, stderr };
};
const blocking = plan(change("google_redis_instance.cache", ["delete"]));

describe("tandem-preview", () => {
  test("a plan renders to stdout, exit 0", () => {
    const r = cli([`staging=${write("plan-staging.json", plan(change("google_compute_network.n", ["create"])))}`]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain("| `staging` | 1 | 0 | 0 | 0 |");
  });

  test("--report <stack>=<url> links the environment report; a bad one is a usage error", () => {
    const p = write("plan-staging.json", plan());
    const r = cli([`staging=${p}`, "--report", "staging=https://github.com/o/r/actions/runs/1/artifacts/2"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain("[staging](https://github.com/o/r/actions/runs/1/artifacts/2)");
    expect(cli([`staging=${p}`, "--report", "staging"]).code).toBe(EXIT.usage);
  });

  test("a bare path names the stack after the file", () => {
    expect(cli([write("plan-staging.json", plan())]).stdout).toContain("### `staging`: no changes");
  });

  test("state-shaped JSON is refused: exit 3, the file named, a comment saying the plan failed", () => {
    const state = write("plan-production.json", { format_version: "1.0", terraform_version: "1.11.4", values: { root_module: {} } });
    const out = path.join(dir, "comment.md");
    const r = cli([`production=${state}`, "--out", out]);
    expect(r.code).toBe(EXIT.planFailed);
    expect(r.stderr).toContain(`plan failed: production: ${state}: this is a state, not a plan`);
    const comment = fs.readFileSync(out, "utf8");
    expect(comment).toContain("**The plan failed** for `production`");
    expect(comment).not.toContain("no changes");
  });

  test("a missing plan (its job failed) is a failure comment too", () => {
    const out = path.join(dir, "comment.md");
    const r = cli([`staging=${write("plan-staging.json", plan())}`, `production=${path.join(dir, "plan-production.json")}`, "--out", out]);
    expect(r.code).toBe(EXIT.planFailed);
    expect(fs.readFileSync(out, "utf8")).toMatch(/plan-production\.json: not found \(the plan for production failed or was cancelled/);
  });

  test("the guard blocks with exit 1; the acknowledgement of its hash lifts it", () => {
    const file = write("plan-production.json", blocking);
    const blocked = cli([`production=${file}`]);
    expect(blocked.code).toBe(EXIT.blocked);
    const hash = /findings hash ([0-9a-f]{12})/.exec(blocked.stderr)?.[1] as string;
    expect(blocked.stdout).toContain(`/tandem ack ${hash}`);
    expect(cli([`production=${file}`, "--ack", `${hash}:alice`]).code).toBe(EXIT.ok);
    expect(cli([`production=${file}`, "--ack", "0123456789ab:alice"]).code).toBe(EXIT.blocked);
  });

  test("acknowledgements from the workflow need write access and not the author", () => {
    const file = write("plan-production.json", blocking);
    const hash = /findings hash ([0-9a-f]{12})/.exec(cli([`production=${file}`]).stderr)?.[1] as string;
    const acks = (list: unknown) => write("acks.json", list);
    expect(cli([`production=${file}`, "--acks", acks([{ hash, by: "alice", permission: "write" }]), "--pr-author", "bob"]).code).toBe(EXIT.ok);
    expect(cli([`production=${file}`, "--acks", acks([{ hash, by: "bob", permission: "admin" }]), "--pr-author", "bob"]).code).toBe(EXIT.blocked);
    expect(cli([`production=${file}`, "--acks", acks([{ hash, by: "alice" }])]).code).toBe(EXIT.blocked);
  });

  test("a policy file changes what blocks", () => {
    const policy = write("tandem-preview.json", { stacks: { production: { "data-loss": "warn" } } });
    expect(cli([`production=${write("plan-production.json", blocking)}`, "--policy", policy]).code).toBe(EXIT.ok);
    const bad = write("bad.json", { stacks: { production: { "data-loss": "maybe" } } });
    const r = cli([`production=${write("plan-production.json", blocking)}`, "--policy", bad]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain(`${bad}: invalid policy`);
  });

  test("--config groups by construct path; --sha, --run-url and --previous stamp and keep history", () => {
    const config = write("cdk.tf.json", { resource: { google_compute_firewall: { f: { "//": { metadata: { path: "staging/network/allow-ssh" } } } } } });
    const p = write("plan-staging.json", plan(change("google_compute_firewall.f", ["update"], { before: { priority: 1 }, after: { priority: 2 } })));
    const first = path.join(dir, "first.md");
    cli([`staging=${p}`, "--config", `staging=${config}`, "--sha", "aaaaaaaaaaaaaaaa", "--run-url", "https://github.com/o/r/actions/runs/1", "--out", first]);
    const r = cli([`staging=${p}`, "--config", `staging=${config}`, "--sha", "bbbbbbbbbbbbbbbb", "--previous", first]);
    expect(r.stdout).toContain("<summary>network: 1 to change</summary>");
    expect(r.stdout).toContain("Planned at commit `bbbbbbbbbbbb`");
    expect(r.stdout).toContain("[`aaaaaaaaaaaa`](https://github.com/o/r/actions/runs/1)");
  });

  test("in GitHub Actions the run link comes from the environment", () => {
    expect(actionsRunUrl({ GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "o/r", GITHUB_RUN_ID: "9", GITHUB_RUN_ATTEMPT: "2" })).toBe("https://github.com/o/r/actions/runs/9/attempts/2");
    const r = cli([write("plan-staging.json", plan())], { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "o/r", GITHUB_RUN_ID: "9", GITHUB_SHA: "cccccccccccccccc" });
    expect(r.stdout).toContain("commit `cccccccccccc` · [workflow run](https://github.com/o/r/actions/runs/9)");
  });

  test("redact writes a safe copy, or the refusal in place of a non-plan, which the comment then reports", () => {
    const secretPlan = write("raw.json", plan(change("google_redis_instance.c", ["update"], { before: { auth_string: "hunter2-secret", size: 1 }, after: { auth_string: "hunter2-secret", size: 2 }, before_sensitive: { auth_string: true }, after_sensitive: { auth_string: true } })));
    const out = path.join(dir, "plan-staging.json");
    expect(cli(["redact", secretPlan, out]).code).toBe(EXIT.ok);
    expect(fs.readFileSync(out, "utf8")).not.toContain("hunter2");
    expect(cli([`staging=${out}`]).stdout).toContain("`size`: `1` → `2`");
    const state = write("state.json", { format_version: "1.0", values: { root_module: { resources: [{ values: { auth_string: "hunter2-secret" } }] } } });
    expect(cli(["redact", state, out]).code).toBe(EXIT.planFailed);
    expect(fs.readFileSync(out, "utf8")).not.toContain("hunter2");
    const r = cli([`staging=${out}`]);
    expect(r.code).toBe(EXIT.planFailed);
    expect(r.stdout).toContain("refused in the plan job: ");
    expect(r.stdout).toContain("this is a state, not a plan");
  });

  test("usage errors: exit 2, and the old label opt-in says what replaced it", () => {
    expect(cli([]).code).toBe(EXIT.usage);
    const r = cli(["x=y.json", "--allow-stateful-destroy"]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("/tandem ack <hash>");
    expect(cli(["--help"]).stdout).toContain("usage: tandem-preview");
  });
});
