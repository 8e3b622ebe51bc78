/**
 * `npm run release` end to end, in a scratch copy of the project (it edits environments/staging.ts there; the
 * checkout is never written to): status, a dry run, an edit without apply, and the refusals. Applying needs a
 * cluster; the Terraform tier plans the targeted rollback with the real providers.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const repo = path.resolve(__dirname, "../..");
let project: string;

/** The project's files as they are in the work tree, with node_modules' packages linked one by one (the copy's build cache stays its own). */
function copyProject(dir: string): void {
  const files = spawnSync("git", ["-C", repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" }).stdout.split("\0").filter(Boolean);
  for (const file of files) {
    if (!fs.existsSync(path.join(repo, file))) continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(repo, file), path.join(dir, file));
  }
  fs.mkdirSync(path.join(dir, "node_modules"));
  for (const entry of fs.readdirSync(path.join(repo, "node_modules"))) {
    if (entry !== ".cache") fs.symlinkSync(path.join(repo, "node_modules", entry), path.join(dir, "node_modules", entry));
  }
}

function release(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["scripts/run-ts.cjs", "scripts/release.ts", ...args], { cwd: project, env: { ...process.env, CDKTF_OUTDIR: path.join(project, "cdktf.out"), ...env }, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
const stagingFile = () => fs.readFileSync(path.join(project, "environments", "staging.ts"), "utf8");

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-release-cli-"));
  copyProject(project);
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe("npm run release", () => {
  test("status: the colours, their weights and floors, and the next step", () => {
    const r = release(["staging", "api", "status"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("staging/api: activeColor blue, canaryPercent 0, idle warm, on the router at /api/v3/");
    expect(r.out).toMatch(/blue {2}live {8}100 % of the requests, HPA 3-10 pods, .*api:1\.4\.0/);
    expect(r.out).toContain("next: npm run release -- staging api canary 5");
  });

  test("canary 5 --dry-run: the one line, the router's config and rollout as the only changes; the file is left as it was", () => {
    const before = stagingFile();
    const r = release(["staging", "api", "canary", "5", "--dry-run"]);
    expect(r.code).toBe(0);
    // The line the release edits: the only `canaryPercent` of the api service in the file.
    const line = before.split("\n").findIndex((l) => /^\s+canaryPercent: 0,$/.test(l)) + 1;
    expect(line).toBeGreaterThan(0);
    expect(r.out).toContain(`  - ${line}:       canaryPercent: 0,\n  + ${line}:       canaryPercent: 5,`);
    expect(r.out).toMatch(/~ kubernetes_config_map_v1\.platform_k8s_router-config_\w+ {2}\(staging\/platform\/k8s\/router-config\)/);
    expect(r.out).toContain("+    95% blue;");
    expect(r.out).toMatch(/2 resource\(s\) change; \d+ unchanged\n/);
    expect(r.out).toContain("dry run: nothing applied, environments/staging.ts left as it was.");
    expect(stagingFile()).toBe(before);
  });

  test("without Terraform or Google credentials it says so and changes nothing; --no-apply makes exactly the edit", () => {
    const before = stagingFile();
    const noTerraform = release(["staging", "api", "canary", "5"], { TANDEM_TERRAFORM: "/nonexistent/terraform" });
    expect([noTerraform.code, noTerraform.out]).toEqual([3, expect.stringContaining("cannot apply here: /nonexistent/terraform not found")]);
    const noCredentials = release(["staging", "api", "canary", "5"], { HOME: project, GOOGLE_OAUTH_ACCESS_TOKEN: "", GOOGLE_CREDENTIALS: "", GOOGLE_APPLICATION_CREDENTIALS: "", CLOUDSDK_CONFIG: path.join(project, "none") });
    expect(noCredentials.out).toMatch(/cannot apply here: (no Google credentials|.*not found)/);
    expect(noCredentials.code).toBe(3);
    expect(stagingFile()).toBe(before);

    const edit = release(["staging", "api", "canary", "5", "--no-apply"]);
    expect(edit.code).toBe(0);
    const after = stagingFile();
    expect(after.split("\n").filter((l, i) => l !== before.split("\n")[i])).toEqual(["      canaryPercent: 5,"]);
    // cdktf.out holds the synthesized stack of the edited config, what a full deploy applies.
    expect(fs.readFileSync(path.join(project, "cdktf.out", "stacks", "staging", "cdk.tf.json"), "utf8")).toContain("95% blue;");
    // The next step is refused where it would drop capacity, and a step that changes nothing is refused too.
    expect(release(["staging", "api", "promote"])).toEqual({ code: 1, out: expect.stringContaining("refused: staging/api: promote needs canary 100 first (green now gets 5 %)") });
    fs.writeFileSync(path.join(project, "environments", "staging.ts"), before);
  }, 60_000);

  test("a file whose shape it cannot be sure about is refused, untouched", () => {
    const file = path.join(project, "environments", "staging.ts");
    const before = stagingFile();
    fs.writeFileSync(file, before.replace('activeColor: "blue",', 'activeColor: ("blue" as const),'));
    const r = release(["staging", "api", "canary", "5", "--dry-run"]);
    expect(r.code).toBe(1);
    const line = before.split("\n").findIndex((l) => l.includes('activeColor: "blue",')) + 1;
    expect(line).toBeGreaterThan(0);
    expect(r.out).toContain(`refused: environments/staging.ts: line ${line} sets activeColor in a form the release command does not edit`);
    fs.writeFileSync(file, before);
  });
});
