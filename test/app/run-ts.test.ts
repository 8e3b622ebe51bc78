import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(root, "node_modules", ".cache", "run-ts-test-"));
const run = (file: string, ...args: string[]) => spawnSync(process.execPath, ["scripts/run-ts.cjs", file, ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  // The probes' bundles and stamps in run-ts's cache (named after the probe's path).
  const cache = path.join(root, "node_modules", ".cache", "tandem", "run");
  const prefix = path.relative(root, dir).replace(/[^A-Za-z0-9_-]+/g, "_");
  for (const f of fs.existsSync(cache) ? fs.readdirSync(cache) : []) if (f.startsWith(prefix)) fs.rmSync(path.join(cache, f), { force: true });
});

describe("scripts/run-ts.cjs (how the app and every CLI run)", () => {
  test("always runs the current sources: an edit is seen on the next run, with no build step to remember", () => {
    const entry = path.join(dir, "probe.ts");
    fs.writeFileSync(entry, 'const answer: number = 1;\nconsole.log(`answer ${answer} ${process.argv.slice(2).join(",")}`);\n');
    expect(run(entry, "a", "b").stdout).toBe("answer 1 a,b\n");
    fs.writeFileSync(entry, 'const answer: number = 2;\nconsole.log(`answer ${answer}`);\n');
    expect(run(entry).stdout).toBe("answer 2\n");
  });

  test("an unchanged entry is not bundled again; an edit of the same size in the same second is seen", () => {
    const entry = path.join(dir, "same-size.ts");
    const bundle = path.join(root, "node_modules", ".cache", "tandem", "run", `${path.relative(root, entry).replace(/\.ts$/, "").replace(/[^A-Za-z0-9_-]+/g, "_")}.cjs`);
    fs.writeFileSync(entry, 'console.log("A");\n');
    expect(run(entry).stdout).toBe("A\n");
    const built = fs.statSync(bundle).mtimeMs;
    expect(run(entry).stdout).toBe("A\n");
    expect(fs.statSync(bundle).mtimeMs).toBe(built);
    const { atime, mtime } = fs.statSync(entry);
    fs.writeFileSync(entry, 'console.log("B");\n');
    fs.utimesSync(entry, atime, mtime);
    expect(run(entry).stdout).toBe("B\n");
  });

  test("a new file that changes what an import resolves to is seen, though no existing file changed", () => {
    fs.mkdirSync(path.join(dir, "resolve"));
    const entry = path.join(dir, "resolve", "entry.ts");
    fs.writeFileSync(path.join(dir, "resolve", "dep.ts"), 'export const from = "dep.ts";\n');
    fs.writeFileSync(entry, 'import { from } from "./dep";\nconsole.log(from);\n');
    expect(run(entry).stdout).toBe("dep.ts\n");
    // esbuild tries .tsx before .ts.
    fs.writeFileSync(path.join(dir, "resolve", "dep.tsx"), 'export const from = "dep.tsx";\n');
    expect(run(entry).stdout).toBe("dep.tsx\n");
  });

  test("cdktf's token traces (plain objects) keep their 6 innermost frames; a real error's stack stays whole", () => {
    const entry = path.join(dir, "traces.ts");
    fs.writeFileSync(
      entry,
      [
        "Error.stackTraceLimit = Infinity;",
        "function deep(n: number, f: () => string): string { return n === 0 ? f() : deep(n - 1, f); }",
        'const token = () => { const o = { stack: "" }; Error.captureStackTrace(o); return o.stack; };',
        "const real = () => new Error(\"boom\").stack ?? \"\";",
        "console.log(JSON.stringify({ token: deep(30, token).split(\"\\n\"), real: deep(30, real).split(\"\\n\") }));",
      ].join("\n"),
    );
    const out = JSON.parse(run(entry).stdout) as { token: string[]; real: string[] };
    expect(out.token).toHaveLength(7);
    expect(out.token.slice(1).every((l) => l.startsWith("    at "))).toBe(true);
    expect(out.real[0]).toBe("Error: boom");
    expect(out.real.length).toBeGreaterThan(31);
  });

  test("runs the entry as the main module, so CLIs that check require.main run", () => {
    const entry = path.join(dir, "main-check.ts");
    fs.writeFileSync(entry, "if (require.main === module) console.log('main');\n");
    expect(run(entry).stdout).toBe("main\n");
  });

  test("an imported file that is a CLI of its own does not start its main inside another entry", () => {
    const cli = path.join(dir, "other-cli.ts");
    fs.writeFileSync(cli, "export const name = 'other';\nif (require.main === module) console.log('other main ran');\n");
    const entry = path.join(dir, "uses-cli.ts");
    fs.writeFileSync(entry, "import { name } from './other-cli';\nif (require.main === module) console.log(`entry main, imported ${name}`);\n");
    expect(run(entry).stdout).toBe("entry main, imported other\n");
    expect(run(cli).stdout).toBe("other main ran\n");
  });

  test("a syntax error is a short message with file:line:col and the line, exit 1", () => {
    const entry = path.join(dir, "broken.ts");
    fs.writeFileSync(entry, 'export const env = {\n  tier: "db-custom-2-7680" foo,\n};\n');
    const r = run(entry);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${path.relative(root, entry)}:2:27:`);
    expect(r.stderr).toContain('tier: "db-custom-2-7680" foo,');
    expect(r.stderr.length).toBeLessThan(2048);
  });

  test("a crash names the .ts line it came from", () => {
    const helper = path.join(dir, "helper.ts");
    fs.writeFileSync(helper, "export function explode(): never {\n  throw new Error('boom');\n}\n");
    const entry = path.join(dir, "crash.ts");
    fs.writeFileSync(entry, "import { explode } from './helper';\n\nexplode();\n");
    const r = run(entry);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Error: boom/);
    expect(r.stderr).toContain(`${path.relative(root, helper)}:2:`);
  });

  test("__dirname is each source file's own directory", () => {
    const entry = path.join(dir, "where.ts");
    fs.writeFileSync(entry, "console.log(__dirname);\n");
    expect(run(entry).stdout.trim()).toBe(dir);
  });
});
