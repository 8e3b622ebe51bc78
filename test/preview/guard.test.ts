import { actionFor, BUILTIN_RULES, checkPlans, DEFAULT_POLICY, findingsHash, parsePolicy } from "../../src/preview";
import { change, plan, summary } from "./fixtures";

const destroy = (address: string, before: Record<string, unknown> = {}) => change(address, ["delete"], { before });
const guard = (stack: string, ...changes: ReturnType<typeof change>[]) => checkPlans([summary(stack, plan(...changes))]);

describe("the guard covers what Tandem deploys", () => {
  test.each([
    ["google_sql_database_instance.db", "data-loss"],
    ["google_sql_database.platform", "data-loss"],
    ["google_sql_user.app", "outage"],
    ["google_redis_instance.cache", "data-loss"],
    ["google_secret_manager_secret.s", "data-loss"],
    ["google_service_networking_connection.psa", "outage"],
    ["google_container_cluster.gke", "outage"],
    ["google_container_node_pool.general", "outage"],
    ["google_compute_network.vpc", "outage"],
    ["google_compute_subnetwork.subnet", "outage"],
    ["kubernetes_namespace_v1.platform", "outage"],
    ["kubernetes_persistent_volume_claim_v1.data", "data-loss"],
  ])("destroying %s is %s and blocks in production", (address, level) => {
    const r = guard("production", destroy(address));
    expect(r.findings.map((f) => [f.level, f.action])).toEqual([[level, "block"]]);
    expect(r.blocked).toBe(true);
  });

  test("replacements too, with the order in the reason", () => {
    const r = guard("production", change("google_container_node_pool.general", ["delete", "create"]), change("google_container_cluster.gke", ["create", "delete"]));
    expect(r.findings.map((f) => [f.address, f.replaceOrder])).toEqual([
      ["google_container_cluster.gke", "create-before-destroy"],
      ["google_container_node_pool.general", "delete-first"],
    ]);
    expect(r.findings[1].reason).toMatch(/deleted before its replacement exists/);
  });

  test("a destroy that deletion_protection will stop is a will-fail finding", () => {
    const r = guard("production", destroy("google_sql_database_instance.db", { deletion_protection: true }));
    expect(r.findings.map((f) => [f.level, f.rule])).toEqual([
      ["data-loss", "sql-instance"],
      ["will-fail", "deletion-protection"],
    ]);
    expect(r.findings[1].reason).toMatch(/deletion_protection is on in the state/);
  });

  test("stateless destroys and updates are not findings", () => {
    expect(guard("production", destroy("google_compute_firewall.f"), change("google_sql_database_instance.db", ["update"])).findings).toEqual([]);
  });

  test("default policy: staging warns, other stacks only list", () => {
    expect(guard("staging", destroy("google_redis_instance.c")).findings[0].action).toBe("warn");
    expect(guard("orders-dev", destroy("google_redis_instance.c")).findings[0].action).toBe("info");
    expect(guard("staging", destroy("google_redis_instance.c")).blocked).toBe(false);
  });

  test("every built-in rule has an id, types and a reason", () => {
    for (const r of BUILTIN_RULES) expect([r.id.length > 0, r.types.length > 0, r.reason.length > 10]).toEqual([true, true, true]);
  });
});

describe("the policy file", () => {
  const policy = parsePolicy(
    JSON.stringify({
      stacks: { "orders-production": { "data-loss": "block", outage: "warn" }, "*-staging": { "data-loss": "warn" }, "orders-*": { "data-loss": "info" } },
      rules: [{ id: "bigquery", types: ["google_bigquery_dataset"], level: "data-loss", reason: "deletes every table" }],
      disableRules: ["sql-user"],
    }),
    "tandem-preview.json",
  );

  test("actions per stack and level; exact ids, then the longest glob", () => {
    expect(actionFor(policy, "orders-production", "data-loss")).toBe("block");
    expect(actionFor(policy, "orders-production", "will-fail")).toBe("info");
    expect(actionFor(policy, "orders-staging", "data-loss")).toBe("warn");
    expect(actionFor(policy, "orders-dev", "data-loss")).toBe("info");
    expect(actionFor(DEFAULT_POLICY, "production", "will-fail")).toBe("block");
  });

  test("more rules, and built-in ones turned off", () => {
    const r = checkPlans([summary("orders-production", plan(destroy("google_bigquery_dataset.events"), destroy("google_sql_user.app")))], { policy });
    expect(r.findings.map((f) => [f.rule, f.action])).toEqual([["bigquery", "block"]]);
  });

  test("a bad policy is refused with every problem and the file's name", () => {
    expect(() => parsePolicy(JSON.stringify({ stacks: { production: { "data-loss": "explode" } }, rules: [{ id: "X" }], extra: 1 }), "tandem-preview.json")).toThrow(
      /tandem-preview\.json: invalid policy:\n {2}- stacks\.production\.data-loss: .*\n(.|\n)*rules\.0\.id/,
    );
    expect(() => parsePolicy("{", "p.json")).toThrow(/p\.json: not JSON/);
  });
});

describe("acknowledgement bound to the findings", () => {
  const blocked = [summary("production", plan(destroy("google_redis_instance.cache"), destroy("google_sql_database.platform")))];
  const hash = checkPlans(blocked).hash as string;

  test("the hash is over the blocking findings, in any order", () => {
    expect(hash).toMatch(/^[0-9a-f]{12}$/);
    const reversed = [summary("production", plan(destroy("google_sql_database.platform"), destroy("google_redis_instance.cache")))];
    expect(checkPlans(reversed).hash).toBe(hash);
    expect(findingsHash(checkPlans(reversed).findings)).toBe(hash);
  });

  test("an acknowledgement of this hash by a writer lifts the block, and says who", () => {
    const r = checkPlans(blocked, { acknowledgements: [{ hash, by: "alice", permission: "write" }], prAuthor: "bob" });
    expect(r.blocked).toBe(false);
    expect(r.acknowledged?.by).toBe("alice");
  });

  test("a push that changes the findings invalidates it", () => {
    const later = [summary("production", plan(destroy("google_redis_instance.cache"), destroy("google_sql_database.platform"), destroy("google_secret_manager_secret.s")))];
    const r = checkPlans(later, { acknowledgements: [{ hash, by: "alice", permission: "write" }] });
    expect(r.blocked).toBe(true);
    expect(r.hash).not.toBe(hash);
    expect(r.rejected.map((x) => x.why)).toEqual([expect.stringMatching(/covers other findings/)]);
  });

  test("the author's own, or a reader's, does not count", () => {
    const r = checkPlans(blocked, { acknowledgements: [{ hash, by: "Bob", permission: "admin" }, { hash, by: "carol", permission: "read" }], prAuthor: "bob" });
    expect(r.blocked).toBe(true);
    expect(r.rejected.map((x) => x.why)).toEqual([expect.stringMatching(/author cannot acknowledge/), expect.stringMatching(/needs admin or maintain or write permission \(has read\)/)]);
  });

  test("the policy may let authors acknowledge", () => {
    const policy = parsePolicy(JSON.stringify({ acknowledge: { allowAuthor: true } }), "p.json");
    expect(checkPlans(blocked, { policy, acknowledgements: [{ hash, by: "bob", permission: "write" }], prAuthor: "bob" }).blocked).toBe(false);
  });

  test("warnings need no acknowledgement and have no hash", () => {
    expect(checkPlans([summary("staging", plan(destroy("google_redis_instance.cache")))]).hash).toBeUndefined();
  });
});
