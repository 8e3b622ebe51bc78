import { createMasker, CUTS, GITHUB_COMMENT_LIMIT, PREVIEW_MARKER, renderPreview, summarizePlan } from "../../src/preview";
import { change, nginxConf, plan, summary } from "./fixtures";

const run = { sha: "0123456789abcdef0123456789abcdef01234567", runUrl: "https://github.com/tandem/infra/actions/runs/42", time: "2025-05-01T12:00:00Z" };

describe("renderPreview", () => {
  test("starts with the hidden marker, the run's commit, link and time, and a summary table", () => {
    const { markdown } = renderPreview([summary("staging", plan(change("google_compute_network.n", ["create"]))), summary("production", plan())], { run });
    expect(markdown.startsWith(PREVIEW_MARKER)).toBe(true);
    expect(markdown).toContain("Planned at commit `0123456789ab` · [workflow run](https://github.com/tandem/infra/actions/runs/42) · 2025-05-01 12:00 UTC");
    expect(markdown).toContain("| `staging` | 1 | 0 | 0 | 0 |  |");
    expect(markdown).toContain("### `production`: no changes");
    expect(markdown).toContain("<details><summary>Adds (1)</summary>");
  });

  test("report links: each stack's environment report, https only, even in a cut comment", () => {
    const reports = { staging: "https://github.com/tandem/infra/actions/runs/42/artifacts/7", production: "javascript:alert(1)" };
    const { markdown } = renderPreview([summary("staging", plan())], { run, reports });
    expect(markdown).toContain("**Environment report:** [staging](https://github.com/tandem/infra/actions/runs/42/artifacts/7) (one HTML page each");
    expect(markdown).not.toContain("javascript:");
    const many = plan(...Array.from({ length: 400 }, (_, i) => change(`google_compute_network.n${i}`, ["create"])));
    const cut = renderPreview([summary("staging", many)], { run, reports, limit: 4000 });
    expect(cut.cutLevel).toBeGreaterThan(0);
    expect(cut.markdown).toContain("[staging](https://github.com/tandem/infra/actions/runs/42/artifacts/7)");
    expect(renderPreview([summary("staging", plan())], { run }).markdown).not.toContain("Environment report");
  });

  test("a line of intent opens the comment", () => {
    const cm = (conf: string) => ({ metadata: [{ name: "tandem-router" }], data: { "nginx.conf": conf } });
    const { markdown } = renderPreview([summary("staging", plan(change("kubernetes_config_map_v1.router", ["update"], { before: cm(nginxConf("weighted", 25)), after: cm(nginxConf("cutover")) })))], { intent: ["by hand"] });
    expect(markdown).toContain("**Intent:** by hand · `staging`: router weighted 25 % → cutover");
    expect(markdown).toMatch(/```diff\n {4}@@ .*\n {4}-# Generated .*"weighted"/);
  });

  test("changes are grouped by construct path, and reference it", () => {
    const constructs = new Map([
      ["kubernetes_service_v1.a", "staging/bg-api/active"],
      ["google_sql_database_instance.db", "staging/database/Resource"],
    ]);
    const s = summarizePlan(
      "staging",
      plan(change("kubernetes_service_v1.a", ["update"], { before: { x: 1 }, after: { x: 2 } }), change("google_sql_database_instance.db", ["update"], { before: { x: 1 }, after: { x: 2 } })),
      { masker: createMasker(), constructs },
    );
    const { markdown } = renderPreview([s]);
    expect(markdown).toContain("<details open><summary>bg-api: 1 to change</summary>");
    expect(markdown).toContain("<details open><summary>database: 1 to change</summary>");
    expect(markdown.indexOf("bg-api:")).toBeLessThan(markdown.indexOf("database:"));
  });

  test("replace order is shown; delete-first is called a gap", () => {
    const { markdown } = renderPreview([
      summary("staging", plan(change("google_compute_address.a", ["create", "delete"]), change("google_sql_database_instance.db", ["delete", "create"], { replace_paths: [["name"], ["region"]] }))),
    ]);
    expect(markdown).toContain("**replace (create first)** `google_compute_address.a`");
    expect(markdown).toContain("**replace (delete first: a gap without it)** `google_sql_database_instance.db` · forced by `name`, `region`");
    expect(markdown).toContain("replace, delete first `google_sql_database_instance.db`: deletes the Cloud SQL instance, its data and its backups (deleted before its replacement exists)");
  });

  test("blocked: the hash to acknowledge; acknowledged: who, and where", () => {
    const s = [summary("production", plan(change("google_redis_instance.r", ["delete"])))];
    const blocked = renderPreview(s);
    expect(blocked.guard.blocked).toBe(true);
    expect(blocked.status).toBe("blocked");
    expect(blocked.markdown).toContain(`comments \`/tandem ack ${blocked.guard.hash}\``);
    const acked = renderPreview(s, { acknowledgements: [{ hash: blocked.guard.hash as string, by: "alice", permission: "maintain", url: "https://github.com/tandem/infra/pull/7#issuecomment-1", at: "2025-05-01T13:00:00Z" }] });
    expect(acked.status).toBe("acknowledged");
    expect(acked.markdown).toContain(`**Acknowledged** by @alice ([comment](https://github.com/tandem/infra/pull/7#issuecomment-1)) at 2025-05-01 13:00 UTC: 1 blocking finding, hash \`${blocked.guard.hash}\`.`);
  });

  test("stale acknowledgements are shown as not counting", () => {
    const { markdown } = renderPreview([summary("production", plan(change("google_redis_instance.r", ["delete"])))], { acknowledgements: [{ hash: "aaaaaaaaaaaa", by: "alice", permission: "write" }] });
    expect(markdown).toContain("@alice's `/tandem ack aaaaaaaaaaaa` does not count: covers other findings");
  });

  test("a failed plan says so at the top and in the table", () => {
    const { markdown, status } = renderPreview([summary("staging", plan())], { failures: [{ stack: "production", file: "plan-production.json", reason: "plan-production.json: not found" }] });
    expect(status).toBe("failed");
    expect(markdown).toMatch(/> \[!CAUTION\]\n> \*\*The plan failed\*\* for `production`/);
    expect(markdown).toContain("| `production` | – | – | – | – | ❌ plan failed |");
  });

  test("earlier runs are kept, folded, newest first, capped", () => {
    const first = renderPreview([summary("staging", plan(change("google_compute_network.n", ["create"])))], { run: { ...run, sha: "1111111111111111" } }).markdown;
    const second = renderPreview([summary("staging", plan())], { run: { ...run, sha: "2222222222222222" }, previousComment: first }).markdown;
    const third = renderPreview([summary("staging", plan())], { run: { ...run, sha: "3333333333333333" }, previousComment: second }).markdown;
    expect(third).toContain("<details><summary>Earlier runs (2)</summary>");
    expect(third.indexOf("`222222222222`")).toBeLessThan(third.indexOf("`111111111111`"));
    expect(third).toContain("| changes | staging +1 ~0 ±0 -0 |");
    let comment = third;
    for (let i = 0; i < 15; i++) comment = renderPreview([summary("staging", plan())], { run, previousComment: comment }).markdown;
    expect(comment).toContain("Earlier runs (10)");
  });

  test("a forged history entry cannot inject markdown", () => {
    const forged = `<!-- tandem-preview-run: {"time":"2025-01-01T00:00:00Z","status":"changes","summary":"<img src=x onerror=alert(1)> [x](javascript:1)","runUrl":"javascript:alert(1)"} -->`;
    const { markdown } = renderPreview([summary("staging", plan())], { previousComment: forged });
    expect(markdown).not.toMatch(/<img|\]\(javascript:|runUrl":"javascript/);
  });

  test("output changes: removals warned about (other teams read them)", () => {
    const { markdown } = renderPreview([summary("staging", { ...plan(), output_changes: { cache_host: { actions: ["delete"], before: "10.0.0.3", after: null } } })]);
    expect(markdown).toContain("Removes output `cache_host`: other teams' remote-state reads of it will fail.");
    expect(markdown).toContain("- 🔴 **destroy** `cache_host`: `\"10.0.0.3\"` → _(none)_");
  });

  test("drift is listed with its leaves", () => {
    const { markdown } = renderPreview([summary("staging", { ...plan(), resource_drift: [change("google_compute_firewall.f", ["update"], { before: { priority: 1000 }, after: { priority: 900 } })] })]);
    expect(markdown).toContain("Changed outside Terraform (1)");
    expect(markdown).toContain("- `priority`: `1000` → `900`");
  });

  test("the port plan appears only when it changed", () => {
    const s = [summary("dev", plan(change("docker_container.web", ["create"])))];
    expect(renderPreview(s, { ports: { dev: { before: "| a |", after: "| a |" } } }).markdown).not.toContain("Port plan changed");
    expect(renderPreview(s, { ports: { dev: { before: "| a |", after: "| b |" } } }).markdown).toContain("Port plan changed");
  });
});

describe("a 5,000-change plan fits one comment", () => {
  const changes = [];
  for (let i = 0; i < 2000; i++) changes.push(change(`google_compute_firewall.rule_with_a_long_name_${i}`, ["create"]));
  for (let i = 0; i < 2000; i++) {
    changes.push(change(`kubernetes_config_map_v1.router_${i}`, ["update"], { before: { data: { "nginx.conf": nginxConf("weighted", 25) }, n: i }, after: { data: { "nginx.conf": nginxConf("cutover") }, n: i + 1 } }));
  }
  for (let i = 0; i < 500; i++) changes.push(change(`google_sql_database_instance.db_${i}`, ["delete"], { before: { name: `db-${i}`, deletion_protection: true } }));
  for (let i = 0; i < 500; i++) changes.push(change(`google_container_node_pool.pool_${i}`, ["delete", "create"], { before: { name: "a" }, after: { name: "b" }, replace_paths: [["name"]] }));
  const s = summary("production", plan(...changes));

  test("under 65,536 characters, guard verdict, hash and counts intact, and it says what was cut", () => {
    const started = Date.now();
    const { markdown, cutLevel, guard } = renderPreview([s], { run });
    const ms = Date.now() - started;
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(cutLevel).toBeGreaterThan(0);
    expect(cutLevel).toBeLessThanOrEqual(CUTS.length);
    expect(markdown).toContain("| `production` | 2000 | 2000 | 500 | 500 |");
    expect(markdown).toContain("**Blocked:** 1500 findings");
    expect(markdown).toContain(`/tandem ack ${guard.hash}`);
    // As many findings as fit are listed; the rest are counted by level and type, never dropped.
    const listed = (markdown.match(/^> - ⛔/gm) ?? []).length;
    expect(listed).toBeGreaterThan(20);
    expect(markdown).toContain(`> - …and ${1500 - listed} more: `);
    expect(markdown).toContain("500 × `destroy google_sql_database_instance`");
    expect(markdown).toMatch(/Cut to fit GitHub's 65,536-character limit: line diffs of changes, .*; shortened: the list of guard findings \(the first \d+ kept\)/);
    expect(ms).toBeLessThan(5000);
  });

  test("5,000 updates: as many as fit keep their detail, the rest are counted", () => {
    const updates = [];
    for (let i = 0; i < 5000; i++) updates.push(change(`kubernetes_config_map_v1.router_${i}`, ["update"], { before: { data: { "nginx.conf": nginxConf("weighted", 25) } }, after: { data: { "nginx.conf": nginxConf("cutover") } } }));
    const { markdown } = renderPreview([summary("staging", plan(...updates))]);
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(markdown).toContain("| `staging` | 0 | 5000 | 0 | 0 |");
    expect(markdown).toMatch(/- …and \d+ more:\n- \d+ × `kubernetes_config_map_v1`/);
    expect(markdown).toMatch(/shortened: the list of changes/);
  });
});
