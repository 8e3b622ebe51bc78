import { spawnSync } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

/** Runs Node with `args` in a fresh process; it prints the provider files it pulled in, as JSON. */
function providerFilesLoaded(args: string[]): string[] {
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as string[];
}

const isPackageRoot = (f: string) => /@cdktf\/provider-(google|kubernetes|docker)\/lib\/index\.js$/.test(f);

describe("importing @tandem/cdktf", () => {
  test("loads provider classes by deep path and never a provider package root", () => {
    // The whole public API, as the app and CLIs run it (test/fixtures/provider-files.ts imports src/index.ts).
    const files = providerFilesLoaded(["scripts/run-ts.cjs", "test/fixtures/provider-files.ts"]);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter(isPackageRoot)).toEqual([]);
  });

  test("the check above does detect a package-root import", () => {
    const script = `require("@cdktf/provider-docker"); process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes("@cdktf/provider-"))));`;
    expect(providerFilesLoaded(["-e", script]).filter(isPackageRoot)).toHaveLength(1);
  });
});
