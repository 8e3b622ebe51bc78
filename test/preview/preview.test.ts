import { attributeChanges, checkDestroys, GITHUB_COMMENT_LIMIT, kindOf, parsePlan, PREVIEW_MARKER, renderPreview, summarizePlan } from "../../src/preview";
import { change, plan } from "./fixtures";

describe("summarizePlan", () => {
  test.each([
    [["create"], "create"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["update"], "update"],
    [["delete"], "destroy"],
    [["read"], "read"],
    [["no-op"], "no-op"],
  ] as const)("actions %j are a %s", (actions, kind) => {
    expect(kindOf(actions)).toBe(kind);
  });

  test("counts per action and orders replacements and destroys first", () => {
    const s = summarizePlan(
      "staging",
      plan(
        change("google_compute_network.a", ["create"]),
        change("google_redis_instance.c", ["delete"]),
        change("google_sql_database_instance.b", ["delete", "create"], { replace_paths: [["name"]] }),
        change("google_compute_firewall.d", ["update"], { before: { priority: 1 }, after: { priority: 2 } }),
        change("google_compute_router.e", ["no-op"]),
      ),
    );
    expect(s.counts).toEqual({ create: 1, update: 1, replace: 1, destroy: 1 });
    expect(s.changes.map((c) => c.kind)).toEqual(["replace", "destroy", "update", "create"]);
    expect(s.changes[0].forcedBy).toEqual(["name"]);
  });

  test("data sources are not changes", () => {
    const p = plan({ ...change("google_client_config.c", ["read"]), mode: "data" });
    expect(summarizePlan("x", p).changes).toEqual([]);
  });
});

describe("attributeChanges", () => {
  test("shows changed values, nested paths and unknowns", () => {
    const rc = change("google_sql_database_instance.db", ["update"], {
      before: { settings: [{ tier: "db-custom-2-7680", disk_size: 50 }], name: "pg" },
      after: { settings: [{ tier: "db-custom-4-16384", disk_size: 50 }], name: "pg" },
      after_unknown: { settings: [{}] },
    });
    expect(attributeChanges(rc)).toEqual([{ path: "settings", before: expect.stringContaining("db-custom-2-7680"), after: expect.stringContaining("db-custom-4-16384") }]);
  });

  test("never shows values the plan marks sensitive", () => {
    const rc = change("google_secret_manager_secret_version.v", ["update"], {
      before: { secret_data: "hunter2", enabled: true },
      after: { secret_data: "correct-horse", enabled: true },
      before_sensitive: { secret_data: true },
      after_sensitive: { secret_data: true },
    });
    const text = JSON.stringify(attributeChanges(rc));
    expect(text).not.toMatch(/hunter2|correct-horse/);
    expect(attributeChanges(rc)).toEqual([{ path: "secret_data", before: "(sensitive)", after: "(sensitive)" }]);
  });

  test("masks known secret fields even without sensitive markers", () => {
    const rc = change("google_sql_user.u", ["update"], { before: { password: "old-one" }, after: { password: "new-one" } });
    expect(JSON.stringify(attributeChanges(rc))).not.toMatch(/old-one|new-one/);
  });
});

describe("destroy guard", () => {
  const replaceDb = change("google_sql_database_instance.db", ["delete", "create"], { replace_paths: [["name"]] });
  const summaries = (stack: string) => [summarizePlan(stack, plan(replaceDb, change("google_compute_firewall.f", ["delete"])))];

  test("blocks a stateful replacement in production", () => {
    const result = checkDestroys(summaries("production"));
    expect(result.blocked).toBe(true);
    expect(result.findings).toEqual([{ stack: "production", address: "google_sql_database_instance.db", type: "google_sql_database_instance", kind: "replace", level: "block" }]);
  });

  test("the opt-in label allows it (still listed)", () => {
    const result = checkDestroys(summaries("production"), { allowStatefulDestroy: true });
    expect(result.blocked).toBe(false);
    expect(result.findings.map((f) => f.level)).toEqual(["allowed"]);
  });

  test("staging gets a warning, not a failure", () => {
    const result = checkDestroys(summaries("staging"));
    expect(result.blocked).toBe(false);
    expect(result.findings.map((f) => f.level)).toEqual(["warn"]);
  });

  test("stateless destroys are not findings", () => {
    expect(checkDestroys([summarizePlan("production", plan(change("google_compute_firewall.f", ["delete"])))]).findings).toEqual([]);
  });
});

describe("renderPreview", () => {
  test("starts with the hidden marker and a summary table; no changes collapse to one line", () => {
    const { markdown } = renderPreview([summarizePlan("staging", plan(change("google_compute_network.n", ["create"]))), summarizePlan("production", plan())]);
    expect(markdown.startsWith(PREVIEW_MARKER)).toBe(true);
    expect(markdown).toContain("| `staging` | 1 | 0 | 0 | 0 |");
    expect(markdown).toContain("### `production`: no changes");
    expect(markdown).toContain("<details><summary>Adds (1)</summary>");
  });

  test("a blocked plan says so in the comment, with the label to add", () => {
    const { markdown, guard } = renderPreview([summarizePlan("production", plan(change("google_redis_instance.r", ["delete"])))]);
    expect(guard.blocked).toBe(true);
    expect(markdown).toMatch(/\*\*Blocked:\*\* .*`production`.*`allow-stateful-destroy` label/);
    expect(markdown).toContain("- 🔴 **destroy** `google_redis_instance.r`");
  });

  test("replacements name the attribute that forces them", () => {
    const { markdown } = renderPreview([summarizePlan("staging", plan(change("google_sql_database_instance.db", ["delete", "create"], { replace_paths: [["name"], ["region"]] })))]);
    expect(markdown).toContain("**replace** `google_sql_database_instance.db` (forced by `name`, `region`)");
  });

  test("a huge plan is cut to fit, least important first, and says so", () => {
    const changes = [change("google_sql_database_instance.db", ["delete"])];
    for (let i = 0; i < 4000; i++) changes.push(change(`google_compute_firewall.rule_with_a_long_name_${i}`, ["create"]));
    for (let i = 0; i < 1000; i++) changes.push(change(`google_compute_route.r${i}`, ["update"], { before: { priority: i }, after: { priority: i + 1 } }));
    const { markdown, cutLevel } = renderPreview([summarizePlan("production", plan(...changes))]);
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(cutLevel).toBeGreaterThan(0);
    expect(markdown).toMatch(/Cut to fit GitHub's 65,536-character limit: attribute details of updates, the list of adds/);
    expect(markdown).toContain("**destroy** `google_sql_database_instance.db`");
    expect(markdown).toContain("- 4000 × `google_compute_firewall`");
  });

  test("the port plan appears only when it changed", () => {
    const s = [summarizePlan("dev", plan(change("docker_container.web", ["create"])))];
    expect(renderPreview(s, { ports: { dev: { before: "| a |", after: "| a |" } } }).markdown).not.toContain("Port plan changed");
    expect(renderPreview(s, { ports: { dev: { before: "| a |", after: "| b |" } } }).markdown).toContain("Port plan changed");
  });
});

describe("parsePlan", () => {
  test("rejects the human plan text", () => {
    expect(() => parsePlan("Terraform will perform the following actions:", "plan.txt")).toThrow(/plan\.txt: not JSON/);
  });
  test("rejects JSON that is not a plan", () => {
    expect(() => parsePlan("{}", "x.json")).toThrow(/no format_version/);
  });
});
