import { LoggingMetric } from "@cdktf/provider-google/lib/logging-metric";
import { MonitoringAlertPolicy, MonitoringAlertPolicyConditions, MonitoringAlertPolicyConditionsConditionThresholdAggregations } from "@cdktf/provider-google/lib/monitoring-alert-policy";
import { MonitoringDashboard } from "@cdktf/provider-google/lib/monitoring-dashboard";
import { MonitoringNotificationChannel } from "@cdktf/provider-google/lib/monitoring-notification-channel";
import { MonitoringUptimeCheckConfig } from "@cdktf/provider-google/lib/monitoring-uptime-check-config";
import { Construct } from "constructs";
import type { Memorystore } from "../cache/memorystore";
import type { CloudSqlDb } from "../database/cloud-sql-db";
import type { ParallelPlatform } from "../platform/parallel-platform";
import { applyProblems } from "../validation/problem";
import { monitoringProblems } from "./rules";

/** Where alerts go. Keyed by name in {@link MonitoringOptions.notificationChannels}. */
export type NotificationChannelSpec = { readonly type: "email"; readonly address: string } | { readonly type: "pubsub"; readonly topic: string };

/** An HTTPS uptime check of one side of the migration. */
export interface UptimeCheckSpec {
  readonly host: string;
  /** @default "/health" */
  readonly path?: string;
  /** Which system the endpoint belongs to; the dashboard puts the two side by side. */
  readonly side: "legacy" | "new";
}

/**
 * One uptime check per side on the environment's public names (`publicHosts`, the names the front door serves):
 * `legacy-web` on legacy's public host at its health path, `new-web` on `new.<domain>` at `/health`.
 */
export function publicUptimeChecks(hosts: { readonly legacy: string; readonly new: string }, legacyHealthPath = "/health"): Record<string, UptimeCheckSpec> {
  return { "legacy-web": { host: hosts.legacy, path: legacyHealthPath, side: "legacy" }, "new-web": { host: hosts.new, path: "/health", side: "new" } };
}

/** Alert thresholds (seed 003 defaults). */
export interface AlertThresholds {
  /** P0 when the 5xx share of requests exceeds this. @default 1 */
  readonly errorRatePercent?: number;
  /** P1 when p95 latency exceeds this. @default 2000 */
  readonly latencyP95Ms?: number;
  /** P1 when container or database CPU exceeds this share of its limit. @default 85 */
  readonly cpuPercent?: number;
  /** P1 when container or database memory exceeds this share of its limit. @default 85 */
  readonly memoryPercent?: number;
  /** P0 when database connections exceed this share of `max_connections`. @default 90 */
  readonly dbConnectionsPercent?: number;
}

/** What {@link Monitoring} is made of; an environment's `monitoring` section has exactly this shape. */
export interface MonitoringOptions {
  readonly notificationChannels: Record<string, NotificationChannelSpec>;
  /** Channel names that receive P0 (page) alerts. */
  readonly p0Channels: string[];
  /** Channel names that receive P1 alerts. @default - the P0 channels */
  readonly p1Channels?: string[];
  /** @default {} */
  readonly uptimeChecks?: Record<string, UptimeCheckSpec>;
  /** @default - seed 003 thresholds */
  readonly thresholds?: AlertThresholds;
}

/** Props for {@link Monitoring}. */
export interface MonitoringProps extends MonitoringOptions {
  readonly project: string;
  /** Prefix for display names, e.g. the environment. */
  readonly displayPrefix: string;
  /**
   * The new platform (Kubernetes target): its namespace (container metrics) and its migration router, whose JSON access
   * lines become the log-based request and latency metrics every traffic alert and the comparison dashboard read.
   */
  readonly platform: ParallelPlatform;
  /** The Cloud SQL database watched (instance id and `max_connections` read from it). */
  readonly database: CloudSqlDb;
  /** The Memorystore instance watched. */
  readonly cache: Memorystore;
  /** @default {} */
  readonly labels?: Record<string, string>;
}

/** Labels of the request counter, each extracted from the access line's field of the same name. */
export const REQUEST_METRIC_LABELS = ["side", "service", "color", "status_class", "route"] as const;
/** Labels of the latency distribution. */
export const LATENCY_METRIC_LABELS = ["side", "service", "color", "route"] as const;
/** Latency buckets (seconds): 64 exponential buckets from 1 ms, each 1.2 times the last (up to about 2 minutes). */
export const LATENCY_BUCKETS = { numFiniteBuckets: 64, growthFactor: 1.2, scale: 0.001 } as const;

/** The seed's defaults. */
export const DEFAULT_THRESHOLDS: Required<AlertThresholds> = {
  errorRatePercent: 1,
  latencyP95Ms: 2000,
  cpuPercent: 85,
  memoryPercent: 85,
  dbConnectionsPercent: 90,
};

type Severity = "P0" | "P1";

/**
 * Notification channels, the seed's P0/P1 alert policies, uptime checks on the legacy and new endpoints,
 * and one dashboard that puts legacy and new side by side.
 *
 * Traffic metrics are log-based (`google_logging_metric`) over the migration router's JSON access lines, which GKE
 * collects from every router pod: `requests` (count, labelled side, service, color, status_class, route) and
 * `latency` (distribution of `latency_seconds`). Every request of both sides passes the router, so legacy and new are
 * measured the same way; a release's colours are labelled by `color`. Database, cache and container alerts read the
 * metrics Google collects for the instances and the cluster.
 */
export class Monitoring extends Construct {
  readonly channels: Record<string, MonitoringNotificationChannel>;
  readonly alertPolicies: Record<string, MonitoringAlertPolicy>;
  readonly uptimeChecks: Record<string, MonitoringUptimeCheckConfig>;
  readonly dashboard: MonitoringDashboard;
  /** Requests through the router (DELTA, INT64). */
  readonly requestMetric: LoggingMetric;
  /** Request latency through the router (DELTA, DISTRIBUTION, seconds). */
  readonly latencyMetric: LoggingMetric;
  private readonly props: MonitoringProps;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.props = props;
    applyProblems(this, monitoringProblems(props));
    const t = { ...DEFAULT_THRESHOLDS, ...(props.thresholds ?? {}) };

    this.channels = {};
    for (const [name, spec] of Object.entries(props.notificationChannels)) {
      this.channels[name] = new MonitoringNotificationChannel(this, `channel-${name}`, {
        project: props.project,
        displayName: `${props.displayPrefix} ${name}`,
        type: spec.type,
        labels: spec.type === "email" ? { email_address: spec.address } : { topic: spec.topic },
        userLabels: props.labels,
      });
    }

    this.uptimeChecks = {};
    for (const [name, check] of Object.entries(props.uptimeChecks ?? {})) {
      this.uptimeChecks[name] = new MonitoringUptimeCheckConfig(this, `uptime-${name}`, {
        project: props.project,
        displayName: `${props.displayPrefix} ${check.side} ${name}`,
        timeout: "10s",
        period: "60s",
        checkerType: "STATIC_IP_CHECKERS",
        httpCheck: { path: check.path ?? "/health", port: 443, useSsl: true, validateSsl: true, requestMethod: "GET" },
        monitoredResource: { type: "uptime_url", labels: { project_id: props.project, host: check.host } },
        userLabels: { ...props.labels, side: check.side },
      });
    }

    // The router's access lines as metrics.
    const router = props.platform.plan.router.workloadName;
    const label = (key: string) => ({ key, valueType: "STRING", description: `The access line's ${key}` });
    const extract = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, `EXTRACT(jsonPayload.${k})`]));
    this.requestMetric = new LoggingMetric(this, "requests", {
      project: props.project,
      name: `${router}/requests`,
      description: "Requests through the migration router, from its JSON access lines (side: legacy or new; color: a release's colour or -).",
      filter: props.platform.accessLogFilter,
      metricDescriptor: { metricKind: "DELTA", valueType: "INT64", unit: "1", displayName: `${props.displayPrefix} router requests`, labels: REQUEST_METRIC_LABELS.map(label) },
      labelExtractors: extract(REQUEST_METRIC_LABELS),
    });
    this.latencyMetric = new LoggingMetric(this, "latency", {
      project: props.project,
      name: `${router}/latency`,
      description: "Request latency through the migration router (nginx $request_time), from its JSON access lines.",
      filter: props.platform.accessLogFilter,
      metricDescriptor: { metricKind: "DELTA", valueType: "DISTRIBUTION", unit: "s", displayName: `${props.displayPrefix} router latency`, labels: LATENCY_METRIC_LABELS.map(label) },
      labelExtractors: extract(LATENCY_METRIC_LABELS),
      valueExtractor: "EXTRACT(jsonPayload.latency_seconds)",
      bucketOptions: { exponentialBuckets: { ...LATENCY_BUCKETS } },
    });

    const ns = props.platform.plan.namespace;
    const pct = (n: number) => n / 100;
    this.alertPolicies = {};
    for (const [name, check] of Object.entries(this.uptimeChecks)) {
      this.alert(`service-down-${name}`, "P0", `${name} is down`, {
        displayName: `Uptime check ${name} failing`,
        conditionThreshold: {
          filter: `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.label.check_id="${check.uptimeCheckId}"`,
          comparison: "COMPARISON_GT",
          thresholdValue: 1,
          duration: "120s",
          aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_NEXT_OLDER", crossSeriesReducer: "REDUCE_COUNT_FALSE", groupByFields: ["resource.label.host"] }],
          trigger: { count: 1 },
        },
      });
    }

    // Per side (legacy, new) and per release colour: one time series per group, so each fires on its own.
    const bySide = ["metric.label.side"];
    const byColor = ["metric.label.service", "metric.label.color"];
    const colors = 'metric.label.side="new" AND metric.label.color=one_of("blue", "green")';
    this.alert("error-rate", "P0", `5xx share above ${t.errorRatePercent} % on either side`, {
      displayName: `Error rate > ${t.errorRatePercent} % (legacy or new)`,
      conditionThreshold: this.ratio(bySide, t.errorRatePercent),
    });
    this.alert("error-rate-release", "P0", `5xx share above ${t.errorRatePercent} % on a release colour`, {
      displayName: `Release error rate > ${t.errorRatePercent} % (per service and colour)`,
      conditionThreshold: this.ratio(byColor, t.errorRatePercent, colors),
    });
    this.alert("latency-p95", "P1", `p95 latency above ${t.latencyP95Ms} ms on either side`, {
      displayName: `p95 latency > ${t.latencyP95Ms} ms (legacy or new)`,
      conditionThreshold: this.p95(bySide, t.latencyP95Ms),
    });
    this.alert("latency-p95-release", "P1", `p95 latency above ${t.latencyP95Ms} ms on a release colour`, {
      displayName: `Release p95 latency > ${t.latencyP95Ms} ms (per service and colour)`,
      conditionThreshold: this.p95(byColor, t.latencyP95Ms, colors),
    });

    const databaseId = `${props.database.resource.project}:${props.database.resource.name}`;
    const maxConnections = props.database.maxConnections;
    this.alert("db-connections", "P0", `database connections above ${t.dbConnectionsPercent} % of max_connections`, {
      displayName: `Cloud SQL connections > ${t.dbConnectionsPercent} % of ${maxConnections}`,
      conditionThreshold: {
        filter: `metric.type="cloudsql.googleapis.com/database/postgresql/num_backends" AND resource.type="cloudsql_database" AND resource.label.database_id="${databaseId}"`,
        comparison: "COMPARISON_GT",
        thresholdValue: Math.floor((maxConnections * t.dbConnectionsPercent) / 100),
        duration: "300s",
        aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["resource.label.database_id"] }],
      },
    });
    this.alert("cache-down", "P0", "Memorystore reports no uptime", {
      displayName: "Memorystore down",
      conditionAbsent: {
        filter: `metric.type="redis.googleapis.com/server/uptime" AND resource.type="redis_instance" AND resource.label.instance_id="${props.cache.resource.id}"`,
        duration: "300s",
        aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN" }],
      },
    });
    for (const [kind, metric, limit] of [
      ["cpu", "kubernetes.io/container/cpu/limit_utilization", t.cpuPercent],
      ["memory", "kubernetes.io/container/memory/limit_utilization", t.memoryPercent],
    ] as const) {
      this.alert(`container-${kind}`, "P1", `container ${kind} above ${limit} % of its limit`, {
        displayName: `New platform container ${kind} > ${limit} %`,
        conditionThreshold: {
          filter: `metric.type="${metric}" AND resource.type="k8s_container" AND resource.label.namespace_name="${ns}"`,
          comparison: "COMPARISON_GT",
          thresholdValue: pct(limit),
          duration: "300s",
          aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN" }],
        },
      });
    }
    for (const [kind, metric, limit] of [
      ["cpu", "cloudsql.googleapis.com/database/cpu/utilization", t.cpuPercent],
      ["memory", "cloudsql.googleapis.com/database/memory/utilization", t.memoryPercent],
    ] as const) {
      this.alert(`db-${kind}`, "P1", `database ${kind} above ${limit} %`, {
        displayName: `Cloud SQL ${kind} > ${limit} %`,
        conditionThreshold: {
          filter: `metric.type="${metric}" AND resource.type="cloudsql_database" AND resource.label.database_id="${databaseId}"`,
          comparison: "COMPARISON_GT",
          thresholdValue: pct(limit),
          duration: "300s",
          aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN" }],
        },
      });
    }

    this.dashboard = new MonitoringDashboard(this, "dashboard", {
      project: props.project,
      dashboardJson: JSON.stringify(this.dashboardJson()),
    });
  }

  /** `metric.type=... AND resource.type="k8s_container"` of a router metric, plus more conditions. */
  private metricFilter(metric: LoggingMetric, ...more: string[]): string {
    // By reference: the policy or dashboard is created after the metric, and reads exactly it.
    return [`metric.type="logging.googleapis.com/user/${metric.name}"`, 'resource.type="k8s_container"', ...more].join(" AND ");
  }

  /** The 5xx share of the router's requests, per group, over 5 minutes. */
  private ratio(groupBy: string[], thresholdPercent: number, where?: string) {
    const aggregation: MonitoringAlertPolicyConditionsConditionThresholdAggregations = { alignmentPeriod: "300s", perSeriesAligner: "ALIGN_RATE", crossSeriesReducer: "REDUCE_SUM", groupByFields: groupBy };
    return {
      filter: this.metricFilter(this.requestMetric, ...(where ? [where] : []), 'metric.label.status_class="5xx"'),
      denominatorFilter: this.metricFilter(this.requestMetric, ...(where ? [where] : [])),
      // Numerator and denominator aligned alike and grouped by the same labels, so the ratio is per group.
      aggregations: [aggregation],
      denominatorAggregations: [aggregation],
      comparison: "COMPARISON_GT",
      thresholdValue: thresholdPercent / 100,
      duration: "60s",
      trigger: { count: 1 },
    };
  }

  /** The 95th percentile of the router's latency distribution, per group, over 5 minutes. */
  private p95(groupBy: string[], thresholdMs: number, where?: string) {
    return {
      filter: this.metricFilter(this.latencyMetric, ...(where ? [where] : [])),
      aggregations: [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_PERCENTILE_95", groupByFields: groupBy }],
      comparison: "COMPARISON_GT",
      thresholdValue: thresholdMs / 1000,
      duration: "60s",
      trigger: { count: 1 },
    };
  }

  private alert(name: string, severity: Severity, summary: string, condition: MonitoringAlertPolicyConditions): MonitoringAlertPolicy {
    const p = this.props;
    const channelNames = severity === "P0" ? p.p0Channels : (p.p1Channels ?? p.p0Channels);
    const policy = new MonitoringAlertPolicy(this, `alert-${name}`, {
      project: p.project,
      displayName: `[${severity}] ${p.displayPrefix} ${condition.displayName}`,
      combiner: "OR",
      severity: severity === "P0" ? "CRITICAL" : "WARNING",
      conditions: [condition],
      notificationChannels: channelNames.map((c) => this.channels[c].name),
      alertStrategy: { autoClose: "1800s" },
      documentation: { content: `${severity}: ${summary}. See the Tandem runbook for ${name}.`, mimeType: "text/markdown" },
      userLabels: { ...p.labels, severity: severity.toLowerCase() },
    });
    this.alertPolicies[name] = policy;
    return policy;
  }

  private dashboardJson(): Record<string, unknown> {
    const ns = this.props.platform.plan.namespace;
    const agg = (aligner: string, reducer: string, groupByFields: string[]) => ({ alignmentPeriod: "60s", perSeriesAligner: aligner, crossSeriesReducer: reducer, groupByFields });
    const tile = (title: string, x: number, y: number, query: Record<string, unknown>) => ({
      xPos: x,
      yPos: y,
      width: 6,
      height: 4,
      widget: { title, xyChart: { dataSets: [{ timeSeriesQuery: query, plotType: "LINE" }] } },
    });
    const p95 = (groupBy: string[], ...where: string[]) => ({ timeSeriesFilter: { filter: this.metricFilter(this.latencyMetric, ...where), aggregation: agg("ALIGN_DELTA", "REDUCE_PERCENTILE_95", groupBy) } });
    const errors = (groupBy: string[], ...where: string[]) => ({
      timeSeriesFilterRatio: {
        numerator: { filter: this.metricFilter(this.requestMetric, ...where, 'metric.label.status_class="5xx"'), aggregation: agg("ALIGN_RATE", "REDUCE_SUM", groupBy) },
        denominator: { filter: this.metricFilter(this.requestMetric, ...where), aggregation: agg("ALIGN_RATE", "REDUCE_SUM", groupBy) },
      },
    });
    const throughput = (groupBy: string[], ...where: string[]) => ({ timeSeriesFilter: { filter: this.metricFilter(this.requestMetric, ...where), aggregation: agg("ALIGN_RATE", "REDUCE_SUM", groupBy) } });
    const side = ["metric.label.side"];
    const colour = ["metric.label.service", "metric.label.color"];
    const release = 'metric.label.color=one_of("blue", "green")';
    return {
      displayName: `${this.props.displayPrefix} legacy vs new`,
      mosaicLayout: {
        columns: 12,
        tiles: [
          tile("p95 latency (s), legacy vs new", 0, 0, p95(side)),
          tile("Error rate (5xx share), legacy vs new", 6, 0, errors(side)),
          tile("Throughput (req/s), legacy vs new", 0, 4, throughput(side)),
          tile("Throughput (req/s) by release colour", 6, 4, throughput(colour, release)),
          tile("p95 latency (s) by release colour", 0, 8, p95(colour, release)),
          tile("Error rate (5xx share) by release colour", 6, 8, errors(colour, release)),
          tile("Memory used (bytes), new platform containers", 0, 12, {
            timeSeriesFilter: { filter: `metric.type="kubernetes.io/container/memory/used_bytes" AND resource.type="k8s_container" AND resource.label.namespace_name="${ns}"`, aggregation: agg("ALIGN_MEAN", "REDUCE_SUM", ["resource.label.container_name"]) },
          }),
        ],
      },
    };
  }
}
