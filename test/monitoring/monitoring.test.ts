import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { TerraformStack } from "cdktf";
import { Memorystore } from "../../src/cache";
import { CloudSqlDb } from "../../src/database";
import { LATENCY_METRIC_LABELS, Monitoring, MonitoringProps, REQUEST_METRIC_LABELS } from "../../src/monitoring";
import { Network } from "../../src/network";
import { ACCESS_LOG_FIELDS, ParallelPlatform } from "../../src/platform";
import { googleStack, resourcesOf, synth, TerraformJson } from "../helpers";

/** The constructs monitoring watches, on a test stack. */
function watched(stack: TerraformStack) {
  new KubernetesProvider(stack, "k8s", {});
  const network = Network.fromAttributes({ networkId: "projects/p-test/global/networks/vpc" });
  const platform = new ParallelPlatform(stack, "platform", {
    name: "tandem",
    legacy: { name: "netbox", baseUrl: "https://app.example.com", reservedPorts: {}, upstream: "legacy-origin.example.com:443" },
    services: { web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, entry: true } },
    ports: { strategy: "blocks" },
    router: { domain: "example.com", phase: "path" },
    target: { kind: "kubernetes" },
  });
  const database = new CloudSqlDb(stack, "db", {
    project: "p-test",
    region: "europe-west1",
    name: "pg",
    network,
    privateServiceRange: "sql-range",
    tier: "db-custom-2-7680",
    diskSizeGb: 20,
    highAvailability: false,
    deletionProtection: false,
    maintenanceWindow: { day: "SUNDAY", hourUtc: 4 },
    databases: ["app"],
    maxConnections: 200,
  });
  const cache = new Memorystore(stack, "cache", { project: "p-test", region: "europe-west1", name: "redis", tier: "BASIC", memorySizeGb: 1, network, privateServiceRange: "redis-range", maintenanceWindow: { day: "SUNDAY", hourUtc: 5 } });
  return { platform, database, cache };
}

function monitoring(stack: TerraformStack, overrides: Partial<MonitoringProps> = {}): Monitoring {
  return new Monitoring(stack, "monitoring", {
    project: "p-test",
    displayPrefix: "test",
    notificationChannels: { oncall: { type: "email", address: "oncall@example.com" }, tickets: { type: "email", address: "t@example.com" } },
    p0Channels: ["oncall"],
    p1Channels: ["tickets"],
    uptimeChecks: { legacy: { host: "app.example.com", side: "legacy" }, next: { host: "new.example.com", side: "new" } },
    ...watched(stack),
    ...overrides,
  });
}

type Threshold = { filter: string; denominator_filter?: string; aggregations: Record<string, unknown>[]; denominator_aggregations?: Record<string, unknown>[]; threshold_value: number; comparison: string };
type Policy = { display_name: string; severity: string; notification_channels: string[]; conditions: (Record<string, Record<string, unknown>> & { condition_threshold?: Threshold })[] };
function policies(json: TerraformJson): Policy[] {
  return resourcesOf(json, "google_monitoring_alert_policy") as unknown as Policy[];
}
function policy(json: TerraformJson, nameFragment: string): Policy {
  const found = policies(json).filter((p) => p.display_name.includes(nameFragment));
  expect(found).toHaveLength(1);
  return found[0];
}
const fresh = () => {
  const { stack } = googleStack();
  const m = monitoring(stack);
  return { m, json: synth(stack) };
};

describe("Monitoring", () => {
  test("two log-based metrics over the router's JSON access lines: requests by side, service, color, status class, route; latency as a distribution", () => {
    const { json } = fresh();
    const metrics = Object.fromEntries((resourcesOf(json, "google_logging_metric") as { name: string }[]).map((m) => [m.name, m as unknown as Record<string, unknown>]));
    expect(Object.keys(metrics).sort()).toEqual(["tandem-router/latency", "tandem-router/requests"]);
    const filter = 'resource.type="k8s_container" AND resource.labels.namespace_name="new-platform" AND resource.labels.container_name="nginx" AND jsonPayload.kind="tandem.access"';
    expect(metrics["tandem-router/requests"]).toMatchObject({
      filter,
      metric_descriptor: { metric_kind: "DELTA", value_type: "INT64" },
      label_extractors: Object.fromEntries(REQUEST_METRIC_LABELS.map((l) => [l, `EXTRACT(jsonPayload.${l})`])),
    });
    expect(metrics["tandem-router/latency"]).toMatchObject({
      filter,
      metric_descriptor: { metric_kind: "DELTA", value_type: "DISTRIBUTION", unit: "s" },
      value_extractor: "EXTRACT(jsonPayload.latency_seconds)",
      bucket_options: { exponential_buckets: { num_finite_buckets: 64, growth_factor: 1.2, scale: 0.001 } },
    });
    // Every field a metric reads is one the router writes.
    for (const l of [...REQUEST_METRIC_LABELS, ...LATENCY_METRIC_LABELS, "latency_seconds", "kind"]) expect(ACCESS_LOG_FIELDS).toContain(l);
  });

  test("P0: service down per uptime check, error rate > 1 % per side and per release colour, DB connections, cache down", () => {
    const { json } = fresh();
    const p0 = policies(json).filter((p) => p.severity === "CRITICAL");
    expect(p0.map((p) => p.display_name).sort()).toEqual([
      "[P0] test Cloud SQL connections > 90 % of 200",
      "[P0] test Error rate > 1 % (legacy or new)",
      "[P0] test Memorystore down",
      "[P0] test Release error rate > 1 % (per service and colour)",
      "[P0] test Uptime check legacy failing",
      "[P0] test Uptime check next failing",
    ]);
    expect(policy(json, "connections").conditions[0].condition_threshold!.threshold_value).toBe(180);
  });

  test("the error rate is a ratio of 5xx to all requests, numerator and denominator grouped alike (per side; per service and colour)", () => {
    const { json } = fresh();
    const side = policy(json, "Error rate > 1 % (legacy or new)").conditions[0].condition_threshold!;
    expect(side.filter).toMatch(/^metric\.type="logging\.googleapis\.com\/user\/\$\{google_logging_metric\.monitoring_requests_\w+\.name\}" AND resource\.type="k8s_container" AND metric\.label\.status_class="5xx"$/);
    expect(side.denominator_filter).toBe(side.filter.replace(' AND metric.label.status_class="5xx"', ""));
    expect(side.aggregations).toEqual(side.denominator_aggregations);
    expect(side.aggregations[0]).toEqual({ alignment_period: "300s", per_series_aligner: "ALIGN_RATE", cross_series_reducer: "REDUCE_SUM", group_by_fields: ["metric.label.side"] });
    expect([side.comparison, side.threshold_value]).toEqual(["COMPARISON_GT", 0.01]);
    const release = policy(json, "Release error rate").conditions[0].condition_threshold!;
    expect(release.filter).toContain('metric.label.side="new" AND metric.label.color=one_of("blue", "green")');
    expect(release.aggregations[0].group_by_fields).toEqual(["metric.label.service", "metric.label.color"]);
  });

  test("P1: p95 latency > 2 s per side and per colour from the latency distribution; CPU and memory > 85 %", () => {
    const { json } = fresh();
    const side = policy(json, "p95 latency > 2000 ms (legacy or new)").conditions[0].condition_threshold!;
    expect(side.filter).toMatch(/logging\.googleapis\.com\/user\/\$\{google_logging_metric\.monitoring_latency_\w+\.name\}/);
    expect(side.aggregations[0]).toEqual({ alignment_period: "300s", per_series_aligner: "ALIGN_DELTA", cross_series_reducer: "REDUCE_PERCENTILE_95", group_by_fields: ["metric.label.side"] });
    expect(side.threshold_value).toBe(2);
    expect(policy(json, "Release p95 latency").severity).toBe("WARNING");
    for (const name of ["container cpu", "container memory", "Cloud SQL cpu", "Cloud SQL memory"]) {
      const p = policy(json, name);
      expect(p.severity).toBe("WARNING");
      expect(p.conditions[0].condition_threshold!.threshold_value).toBe(0.85);
    }
  });

  test("no alert or dashboard reads PromQL (nothing deployed produces http_requests_total)", () => {
    const { json } = fresh();
    expect(JSON.stringify(json)).not.toMatch(/http_request|prometheus/i);
  });

  test("thresholds come from props", () => {
    const { stack } = googleStack();
    monitoring(stack, { thresholds: { errorRatePercent: 5, latencyP95Ms: 500 } });
    const json = synth(stack);
    expect(policy(json, "Error rate > 5 %").conditions[0].condition_threshold!.threshold_value).toBe(0.05);
    expect(policy(json, "p95 latency > 500 ms (legacy").conditions[0].condition_threshold!.threshold_value).toBe(0.5);
  });

  test("the database and cache alerts read the instances themselves (references, not names rebuilt from config)", () => {
    const { json } = fresh();
    expect(policy(json, "connections").conditions[0].condition_threshold!.filter).toMatch(/resource\.label\.database_id="\$\{google_sql_database_instance\.db_\w+\.project\}:\$\{google_sql_database_instance\.db_\w+\.name\}"/);
    expect(JSON.stringify(policy(json, "Memorystore down").conditions[0])).toMatch(/resource\.label\.instance_id=\\"\$\{google_redis_instance\.cache_\w+\.id\}\\"/);
  });

  test("P0 alerts page the P0 channels, P1 alerts go to the P1 channels", () => {
    const { json } = fresh();
    const channelRef = (name: string) => expect.stringMatching(new RegExp(`google_monitoring_notification_channel\\.monitoring_channel-${name}_\\w+\\.name`));
    expect(policy(json, "Memorystore down").notification_channels).toEqual([channelRef("oncall")]);
    expect(policy(json, "p95 latency > 2000 ms (legacy").notification_channels).toEqual([channelRef("tickets")]);
  });

  test("uptime checks over HTTPS on both sides", () => {
    const { json } = fresh();
    const checks = resourcesOf(json, "google_monitoring_uptime_check_config");
    expect(checks.map((c) => (c.user_labels as Record<string, string>).side).sort()).toEqual(["legacy", "new"]);
    for (const c of checks) expect(c.http_check).toMatchObject({ use_ssl: true, validate_ssl: true, path: "/health" });
  });

  test("one dashboard compares legacy and new on the same metrics: latency, error rate, throughput by side, and by release colour", () => {
    const { json } = fresh();
    const dashboards = resourcesOf(json, "google_monitoring_dashboard");
    expect(dashboards).toHaveLength(1);
    type Tile = { widget: { title: string; xyChart: { dataSets: { timeSeriesQuery: Record<string, Record<string, unknown>> }[] } } };
    const layout = JSON.parse(dashboards[0].dashboard_json as string) as { mosaicLayout: { tiles: Tile[] } };
    const titles = layout.mosaicLayout.tiles.map((t) => t.widget.title);
    expect(titles.filter((t) => t.includes("legacy vs new"))).toEqual(["p95 latency (s), legacy vs new", "Error rate (5xx share), legacy vs new", "Throughput (req/s), legacy vs new"]);
    expect(titles.filter((t) => t.includes("by release colour"))).toHaveLength(3);
    const sideTiles = layout.mosaicLayout.tiles.filter((t) => t.widget.title.includes("legacy vs new"));
    for (const t of sideTiles) expect(JSON.stringify(t)).toContain('"groupByFields":["metric.label.side"]');
    expect(JSON.stringify(sideTiles[1])).toContain("timeSeriesFilterRatio");
  });

  test.each([
    [{ p0Channels: [] }, /p0Channels = \[\]: must name at least one channel: P0 alerts page someone/],
    [{ p1Channels: ["nobody"] }, /p1Channels\.0 = "nobody": names no channel of notificationChannels \(known: oncall, tickets\)/],
  ])("bad props %j throw", (overrides, message) => {
    const { stack } = googleStack();
    expect(() => monitoring(stack, overrides)).toThrow(message);
  });
});
