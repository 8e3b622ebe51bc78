import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listing } from "../helpers/listing";

const root = path.resolve(__dirname, "../..");

function run(script: string, args: string[], outdir: string) {
  return spawnSync(process.execPath, ["scripts/run-ts.cjs", script, ...args], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true" },
    encoding: "utf8",
    timeout: 60_000,
  });
}

/** An output directory that already holds a previous synth and Terraform's working files. */
function previousOutput(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-out-"));
  fs.mkdirSync(path.join(dir, "stacks", "staging", ".terraform"), { recursive: true });
  fs.writeFileSync(path.join(dir, "stacks", "staging", "cdk.tf.json"), "previous");
  fs.writeFileSync(path.join(dir, "stacks", "staging", ".terraform", "marker"), "kept");
  fs.writeFileSync(path.join(dir, "manifest.json"), "previous");
  return dir;
}


describe("the app (main.ts)", () => {
  test("synthesizes dev, staging and production with exit code 0, keeping Terraform's working files", () => {
    const outdir = previousOutput();
    const result = run("main.ts", [], outdir);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
    expect(Object.keys(manifest.stacks).sort()).toEqual(["dev", "production", "production-bootstrap", "staging", "staging-bootstrap"]);
    for (const stack of ["dev", "staging", "production"]) {
      expect(JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"))).toHaveProperty("terraform");
    }
    expect(fs.readFileSync(path.join(outdir, "stacks", "staging", ".terraform", "marker"), "utf8")).toBe("kept");
    expect(fs.readdirSync(path.dirname(outdir)).filter((f) => f.startsWith(`${path.basename(outdir)}.tandem-tmp`))).toEqual([]);
  });

  test("an invalid config exits 1, names environment, field, value and rule, and writes nothing", () => {
    const outdir = previousOutput();
    const before = listing(outdir);
    const result = run("test/fixtures/run-app.ts", ["bad-config"], outdir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Invalid config for environment "production" \(environments\/production\.ts\):\n {2}- database\.diskSizeGb = 5: must be a whole number 10-65536 \(Cloud SQL limits\)/);
    expect(listing(outdir)).toEqual(before);
  });

  test("an error annotation in any stack exits 1 and leaves the previous output untouched", () => {
    const outdir = previousOutput();
    const before = listing(outdir);
    const result = run("test/fixtures/run-app.ts", ["bad-construct"], outdir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Synth failed; cdktf.out was left as it was\.\n {2}- \[production-bootstrap\] broken on purpose by the test/);
    expect(listing(outdir)).toEqual(before);
    expect(fs.readdirSync(path.dirname(outdir)).filter((f) => f.startsWith(`${path.basename(outdir)}.tandem-tmp`))).toEqual([]);
  });

  test("the fixture's good mode succeeds, so the failures above come from the breakage", () => {
    const outdir = previousOutput();
    expect(run("test/fixtures/run-app.ts", ["good"], outdir).status).toBe(0);
  });
});
