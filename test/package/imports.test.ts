import { spawnSync } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

/** Loads a module in a fresh Node process and lists the provider files it pulled in. */
function providerFilesLoadedBy(modulePath: string): string[] {
  const script = `
    require(${JSON.stringify(modulePath)});
    const files = Object.keys(require.cache).filter((f) => f.includes("@cdktf/provider-"));
    process.stdout.write(JSON.stringify(files));`;
  const result = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as string[];
}

const isPackageRoot = (f: string) => /@cdktf\/provider-(google|kubernetes|docker)\/lib\/index\.js$/.test(f);

describe("importing @tandem/cdktf", () => {
  test("loads provider classes by deep path and never a provider package root", () => {
    const files = providerFilesLoadedBy("./src");
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter(isPackageRoot)).toEqual([]);
  });

  test("the check above does detect a package-root import", () => {
    expect(providerFilesLoadedBy("@cdktf/provider-docker").filter(isPackageRoot)).toHaveLength(1);
  });
});
