import { spawnSync } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");
const run = (...args: string[]) => spawnSync(process.execPath, ["scripts/run-ts.cjs", "scripts/access.ts", ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });

describe("npm run access", () => {
  const production = run("production");

  test("prints the effective matrix: who, which area, which concrete grants", () => {
    expect(production.status).toBe(0);
    expect(production.stdout).toMatch(/developer\s+group:developers@example\.com\s+database\s+read\s+roles\/cloudsql\.viewer/);
    expect(production.stdout).toMatch(/product-owner\s+group:product-owners@example\.com\s+frontend\s+read\s+roles\/container\.clusterViewer\s+tandem-frontend-read in new-platform/);
    expect(production.stdout).toMatch(/system-admin\s+group:system-admins@example\.com\s+cluster\s+admin\s+-\s+cluster-admin/);
  });

  test("prints each Kubernetes Role's rules and the project IAM in Fabric's shape", () => {
    expect(production.stdout).toMatch(/tandem-frontend-write in new-platform\n(\s+update\/patch .*\n)*\s+update\/patch apps: deployments, deployments\/scale named tandem-web/);
    expect(production.stdout).toMatch(/roles\/cloudsql\.client\*: group:devops@example\.com, group:system-admins@example\.com/);
    expect(production.stdout).toMatch(/\* only on Cloud SQL instances tandem-production-pg, tandem-production-pg-replica \(IAM condition\)/);
  });

  test("says dev has no access table, without failing", () => {
    const dev = run("dev");
    expect(dev.status).toBe(0);
    expect(dev.stdout).toMatch(/dev runs on one Docker host: it has no IAM or RBAC/);
  });

  test("names the environments when given none", () => {
    const none = run();
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/usage: npm run access -- <dev\|staging\|production>/);
  });
});
