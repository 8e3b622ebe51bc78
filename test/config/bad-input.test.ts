/**
 * The bad-input matrix over the real app, in a child process: for every case, the exit code, every expected problem
 * in the one run (environment, field path, value and rule), each printed once, and the output directory left
 * byte-identical when synth fails.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BAD_INPUT_CASES } from "./bad-input-cases";

const root = path.resolve(__dirname, "../..");
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-bad-input-"));
const child = spawnSync(process.execPath, ["scripts/run-ts.cjs", "test/config/bad-input-run.ts", outdir], { cwd: root, encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
const results = new Map(
  child.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { name: string; code: number; output: string; untouched: boolean })
    .map((r) => [r.name, r]),
);
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test("the matrix ran: every case answered", () => {
  expect({ status: child.status, stderr: child.stderr.slice(0, 2000) }).toEqual({ status: 0, stderr: "" });
  expect([...results.keys()]).toEqual(BAD_INPUT_CASES.map((c) => c.name));
  expect(BAD_INPUT_CASES.length).toBeGreaterThanOrEqual(48);
});

describe.each(BAD_INPUT_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
  const r = () => results.get(c.name)!;

  test(`exits ${c.exitCode ?? 1}`, () => {
    expect({ code: r().code, output: r().output.slice(0, 1500) }).toMatchObject({ code: c.exitCode ?? 1 });
  });

  test("says what is wrong, where, with the value and the rule, everything in one run", () => {
    for (const pattern of c.expect) expect(r().output).toMatch(pattern);
  });

  test("prints each problem once, and leaves the output directory as it was", () => {
    const problems = r()
      .output.split("\n")
      .filter((l) => /^ {2}- |^warning: /.test(l));
    expect(problems.length).toBe(new Set(problems).size);
    expect(r().untouched).toBe(true);
  });
});
