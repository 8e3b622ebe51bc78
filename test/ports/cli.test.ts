import { spawnSync } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");
const run = (args: string[]) => spawnSync(process.execPath, ["scripts/run-ts.cjs", "scripts/ports.ts", ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });

describe("npm run ports", () => {
  test("prints the dev plan as a table: service, category, port, target, why", () => {
    const r = run(["dev"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/service\s+category\s+port\s+target\s+why/);
    expect(r.stdout).toMatch(/web\s+frontend\s+8100\s+docker host 127\.0\.0\.1:8100\s+pinned in config/);
    expect(r.stdout).not.toMatch(/\s8000\s/);
  });

  test("--markdown prints a markdown table (used by the PR preview)", () => {
    const r = run(["staging", "--markdown"]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("| service | category | port | target | why |");
  });

  test("an unknown environment is a usage error", () => {
    expect(run(["qa"]).status).toBe(2);
  });
});
