import { constructGroup, constructPaths, createMasker, kindOf, replaceOrderOf, summarizePlan } from "../../src/preview";
import { renderRouterConfig } from "../../src/platform/router-config";
import { change, plan, summary } from "./fixtures";

describe("summarizePlan: every kind of change", () => {
  test.each([
    [["create"], "create"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["update"], "update"],
    [["delete"], "destroy"],
    [["forget"], "forget"],
    [["read"], "read"],
    [["no-op"], "no-op"],
  ] as const)("actions %j are a %s", (actions, kind) => {
    expect(kindOf(actions)).toBe(kind);
  });

  test("replace order: create-before-destroy versus delete-first", () => {
    expect(replaceOrderOf(["create", "delete"])).toBe("create-before-destroy");
    expect(replaceOrderOf(["delete", "create"])).toBe("delete-first");
    expect(replaceOrderOf(["update"])).toBeUndefined();
  });

  test("counts per action and orders replacements, destroys and forgets first", () => {
    const s = summary(
      "staging",
      plan(
        change("google_compute_network.a", ["create"]),
        change("google_redis_instance.c", ["delete"]),
        change("google_sql_database_instance.b", ["delete", "create"], { replace_paths: [["settings", 0, "edition"]] }),
        change("google_compute_firewall.d", ["update"], { before: { priority: 1 }, after: { priority: 2 } }),
        change("google_compute_router.e", ["no-op"]),
        change("google_storage_bucket.f", ["forget"], { before: { name: "f" }, after: null }),
      ),
    );
    expect(s.counts).toMatchObject({ create: 1, update: 1, replace: 1, destroy: 1, forget: 1 });
    expect(s.changes.map((c) => c.kind)).toEqual(["replace", "destroy", "forget", "update", "create"]);
    expect(s.changes[0].forcedBy).toEqual(["settings[0].edition"]);
    expect(s.changes[0].replaceOrder).toBe("delete-first");
  });

  test("moves, imports, deposed objects and action reasons", () => {
    const s = summary(
      "staging",
      plan(
        change("google_compute_firewall.new", ["no-op"], { before: { a: 1 }, after: { a: 1 } }, { previous_address: "google_compute_firewall.old" }),
        change("google_storage_bucket.b", ["no-op"], { before: { name: "b" }, after: { name: "b" }, importing: { id: "tandem-b" } }),
        change("google_sql_database_instance.db", ["delete"], { before: { name: "db-old" } }, { deposed: "00000001" }),
        change("google_compute_route.r", ["delete"], { before: {} }, { action_reason: "delete_because_no_resource_config" }),
        change("google_compute_address.t", ["delete", "create"], {}, { action_reason: "replace_because_tainted" }),
      ),
    );
    expect(s.counts).toMatchObject({ move: 1, import: 1, destroy: 2, replace: 1 });
    const by = Object.fromEntries(s.changes.map((c) => [c.address, c]));
    expect(by["google_compute_firewall.new"].movedFrom).toBe("google_compute_firewall.old");
    expect(by["google_storage_bucket.b"].importId).toBe("tandem-b");
    expect(by["google_sql_database_instance.db"].deposed).toBe("00000001");
    expect(by["google_compute_route.r"].reason).toBe("removed from the configuration");
    expect(by["google_compute_address.t"].reason).toBe("tainted");
  });

  test("plain no-ops and data sources are not listed", () => {
    const s = summary("x", plan({ ...change("google_client_config.c", ["read"]), mode: "data" }, change("google_compute_router.e", ["no-op"])));
    expect(s.changes).toEqual([]);
  });

  test("drift and outputs", () => {
    const s = summary("staging", {
      ...plan(),
      resource_drift: [change("google_compute_firewall.f", ["update"], { before: { priority: 1000 }, after: { priority: 900 } })],
      output_changes: {
        cluster_name: { actions: ["update"], before: "a", after: "b" },
        gone: { actions: ["delete"], before: "x", after: null },
        same: { actions: ["no-op"], before: "x", after: "x" },
      },
    });
    expect(s.counts).toMatchObject({ drift: 1, outputs: 2 });
    expect(s.drift[0].diff?.changes).toEqual([{ path: "priority", before: "1000", after: "900" }]);
    expect(s.outputs.map((o) => [o.name, o.kind])).toEqual([
      ["cluster_name", "update"],
      ["gone", "destroy"],
    ]);
  });

  test("deletion protection in the prior state is noted on destroys", () => {
    const s = summary("p", plan(change("google_container_cluster.gke", ["delete"], { before: { deletion_protection: true } }), change("google_sql_database_instance.db", ["delete"], { before: { settings: [{ deletion_protection_enabled: true }] } })));
    expect(s.changes.map((c) => c.protectedBy)).toEqual(["deletion_protection", "settings[0].deletion_protection_enabled"]);
  });

  test("construct paths from the synthesized stack group the changes", () => {
    const stack = { resource: { kubernetes_config_map_v1: { "platform_k8s_router-config_31433AA0": { "//": { metadata: { path: "staging/platform/k8s/router-config" } } } } } };
    const paths = constructPaths(stack);
    const s = summarizePlan("staging", plan(change("kubernetes_config_map_v1.platform_k8s_router-config_31433AA0", ["update"], { before: { a: 1 }, after: { a: 2 } })), { masker: createMasker(), constructs: paths });
    expect(s.changes[0].constructPath).toBe("staging/platform/k8s/router-config");
    expect(s.changes[0].group).toBe("platform/k8s");
    expect(constructGroup("staging/database/Resource")).toBe("database");
    expect(constructGroup("staging/client")).toBe("(stack)");
  });

  test("intent from known resources", () => {
    const svc = (color: string) => ({ metadata: [{ name: "api-active" }], spec: [{ selector: { "tandem.dev/color": color } }] });
    const db = (tier: string) => ({ name: "pg", settings: [{ tier }] });
    const s = summary(
      "staging",
      plan(
        change("kubernetes_service_v1.active", ["update"], { before: svc("blue"), after: svc("green") }),
        change("google_sql_database_instance.db", ["update"], { before: db("db-custom-2-7680"), after: db("db-custom-4-16384") }),
      ),
    );
    expect(s.intent).toEqual(["api: promote green", "pg tier db-custom-2-7680 → db-custom-4-16384"]);
  });

  test("intent of a canary step from the router's nginx.conf: the release's split before and after", () => {
    const conf = (w: number) => {
      const backends = [
        { upstream: "api-blue.ns.svc.cluster.local:80", label: "blue", weightPercent: 100 - w },
        { upstream: "api-green.ns.svc.cluster.local:80", label: "green", weightPercent: w },
      ].filter((b) => b.weightPercent > 0);
      const text = renderRouterConfig({
        phase: "path",
        domain: "example.com",
        resolver: "kube-dns.kube-system.svc.cluster.local",
        legacy: { upstream: "legacy.ns.svc.cluster.local:443", healthPath: "/health" },
        entry: { service: "web", backends: [{ upstream: "web.ns.svc.cluster.local:80", weightPercent: 100 }], healthPath: "/health" },
        routes: [{ path: "/api/v3/", service: "api", backends }],
      });
      return { data: { "nginx.conf": text }, metadata: [{ name: "tandem-router" }] };
    };
    const s = summary("staging", plan(change("kubernetes_config_map_v1.router", ["update"], { before: conf(0), after: conf(5) })));
    expect(s.intent).toEqual(["api: blue 100 % → blue 95 %, green 5 %"]);
    const t = summary("staging", plan(change("kubernetes_config_map_v1.router", ["update"], { before: conf(50), after: conf(100) })));
    expect(t.intent).toEqual(["api: blue 50 %, green 50 % → green 100 %"]);
  });
});
