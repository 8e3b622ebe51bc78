import { TerraformStack } from "cdktf";
import { Monitoring, MonitoringProps } from "../../src/monitoring";
import { googleStack, resourcesOf, synth, TerraformJson } from "../helpers";

function monitoring(stack: TerraformStack, overrides: Partial<MonitoringProps> = {}): Monitoring {
  return new Monitoring(stack, "monitoring", {
    project: "p-test",
    displayPrefix: "test",
    notificationChannels: { oncall: { type: "email", address: "oncall@example.com" }, tickets: { type: "email", address: "t@example.com" } },
    p0Channels: ["oncall"],
    p1Channels: ["tickets"],
    uptimeChecks: { legacy: { host: "app.example.com", side: "legacy" }, next: { host: "new.example.com", side: "new" } },
    namespace: "new-platform",
    databaseId: "p-test:pg",
    databaseMaxConnections: 200,
    redisInstanceId: "projects/p-test/locations/europe-west1/instances/redis",
    ...overrides,
  });
}

type Policy = { display_name: string; severity: string; notification_channels: string[]; conditions: Record<string, Record<string, unknown>>[] };
function policies(json: TerraformJson): Policy[] {
  return resourcesOf(json, "google_monitoring_alert_policy") as unknown as Policy[];
}
function policy(json: TerraformJson, nameFragment: string): Policy {
  const found = policies(json).filter((p) => p.display_name.includes(nameFragment));
  expect(found).toHaveLength(1);
  return found[0];
}

describe("Monitoring", () => {
  test("P0: service down per uptime check, error rate > 1 %, DB connections, cache down", () => {
    const { stack } = googleStack();
    monitoring(stack);
    const json = synth(stack);
    const p0 = policies(json).filter((p) => p.severity === "CRITICAL");
    expect(p0.map((p) => p.display_name).sort()).toEqual([
      "[P0] test Cloud SQL connections > 90 % of 200",
      "[P0] test Memorystore down",
      "[P0] test New platform error rate > 1 %",
      "[P0] test Uptime check legacy failing",
      "[P0] test Uptime check next failing",
    ]);
    expect(policy(json, "error rate").conditions[0].condition_prometheus_query_language.query).toMatch(/code=~"5\.\."\}\[5m\]\)\) \/ .* > 0\.01$/);
    expect(policy(json, "connections").conditions[0].condition_threshold.threshold_value).toBe(180);
  });

  test("P1: p95 latency > 2 s, CPU and memory > 85 %", () => {
    const { stack } = googleStack();
    monitoring(stack);
    const json = synth(stack);
    expect(policy(json, "p95 latency").conditions[0].condition_prometheus_query_language.query).toMatch(/histogram_quantile\(0\.95.*> 2$/);
    for (const name of ["container cpu", "container memory", "Cloud SQL cpu", "Cloud SQL memory"]) {
      const p = policy(json, name);
      expect(p.severity).toBe("WARNING");
      expect(p.conditions[0].condition_threshold.threshold_value).toBe(0.85);
    }
  });

  test("thresholds come from props", () => {
    const { stack } = googleStack();
    monitoring(stack, { thresholds: { errorRatePercent: 5, latencyP95Ms: 500 } });
    const json = synth(stack);
    expect(policy(json, "error rate").display_name).toContain("> 5 %");
    expect(policy(json, "p95 latency").conditions[0].condition_prometheus_query_language.query).toMatch(/> 0\.5$/);
  });

  test("P0 alerts page the P0 channels, P1 alerts go to the P1 channels", () => {
    const { stack } = googleStack();
    monitoring(stack);
    const json = synth(stack);
    const channelRef = (name: string) => expect.stringMatching(new RegExp(`google_monitoring_notification_channel\\.monitoring_channel-${name}_\\w+\\.name`));
    expect(policy(json, "Memorystore down").notification_channels).toEqual([channelRef("oncall")]);
    expect(policy(json, "p95 latency").notification_channels).toEqual([channelRef("tickets")]);
  });

  test("uptime checks over HTTPS on both sides", () => {
    const { stack } = googleStack();
    monitoring(stack);
    const checks = resourcesOf(synth(stack), "google_monitoring_uptime_check_config");
    expect(checks.map((c) => (c.user_labels as Record<string, string>).side).sort()).toEqual(["legacy", "new"]);
    for (const c of checks) expect(c.http_check).toMatchObject({ use_ssl: true, validate_ssl: true, path: "/health" });
  });

  test("one dashboard compares legacy and new side by side", () => {
    const { stack } = googleStack();
    monitoring(stack);
    const dashboards = resourcesOf(synth(stack), "google_monitoring_dashboard");
    expect(dashboards).toHaveLength(1);
    const layout = JSON.parse(dashboards[0].dashboard_json as string) as { mosaicLayout: { tiles: { widget: { title: string } }[] } };
    const titles = layout.mosaicLayout.tiles.map((t) => t.widget.title);
    expect(titles.filter((t) => t.includes("legacy vs new"))).toHaveLength(3);
    expect(titles.join(" ")).toMatch(/latency.*Error rate.*Throughput.*Memory/);
  });

  test.each([
    [{ p0Channels: [] }, /p0Channels = \[\]: must name at least one channel: P0 alerts page someone/],
    [{ p1Channels: ["nobody"] }, /p1Channels\.0 = "nobody": names no channel of notificationChannels \(known: oncall, tickets\)/],
    [{ databaseMaxConnections: 0 }, /databaseMaxConnections = 0: must be a whole number 1-262143/],
  ])("bad props %j throw", (overrides, message) => {
    const { stack } = googleStack();
    expect(() => monitoring(stack, overrides)).toThrow(message);
  });
});
