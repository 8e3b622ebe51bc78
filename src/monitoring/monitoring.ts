import { MonitoringAlertPolicy, MonitoringAlertPolicyConditions } from "@cdktf/provider-google/lib/monitoring-alert-policy";
import { MonitoringDashboard } from "@cdktf/provider-google/lib/monitoring-dashboard";
import { MonitoringNotificationChannel } from "@cdktf/provider-google/lib/monitoring-notification-channel";
import { MonitoringUptimeCheckConfig } from "@cdktf/provider-google/lib/monitoring-uptime-check-config";
import { Construct } from "constructs";
import { applyProblems } from "../validation/problem";
import { intRange } from "../validation/rules";
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
  /** Kubernetes namespace of the new platform, for container and Prometheus metrics. */
  readonly namespace: string;
  /** `project:instance` of the Cloud SQL primary. */
  readonly databaseId: string;
  /** The instance's `max_connections`, to turn the connection threshold into a count. */
  readonly databaseMaxConnections: number;
  /** Memorystore instance id (`projects/<p>/locations/<r>/instances/<name>`). */
  readonly redisInstanceId: string;
  /** @default {} */
  readonly labels?: Record<string, string>;
}

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
 * Application metrics (`http_requests_total`, `http_request_duration_seconds`) come from Google Managed
 * Prometheus, with a `side` label (`legacy` or `new`) that the migration router adds.
 */
export class Monitoring extends Construct {
  readonly channels: Record<string, MonitoringNotificationChannel>;
  readonly alertPolicies: Record<string, MonitoringAlertPolicy>;
  readonly uptimeChecks: Record<string, MonitoringUptimeCheckConfig>;
  readonly dashboard: MonitoringDashboard;
  private readonly props: MonitoringProps;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.props = props;
    applyProblems(this, [...monitoringProblems(props), ...intRange(["databaseMaxConnections"], props.databaseMaxConnections, 1, 262143)]);
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

    const ns = props.namespace;
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
    this.alert("error-rate", "P0", `5xx rate above ${t.errorRatePercent} %`, {
      displayName: `New platform error rate > ${t.errorRatePercent} %`,
      conditionPrometheusQueryLanguage: {
        query: `sum(rate(http_requests_total{namespace="${ns}",code=~"5.."}[5m])) / sum(rate(http_requests_total{namespace="${ns}"}[5m])) > ${pct(t.errorRatePercent)}`,
        duration: "300s",
        evaluationInterval: "60s",
      },
    });
    this.alert("db-connections", "P0", `database connections above ${t.dbConnectionsPercent} % of max_connections`, {
      displayName: `Cloud SQL connections > ${t.dbConnectionsPercent} % of ${props.databaseMaxConnections}`,
      conditionThreshold: {
        filter: `metric.type="cloudsql.googleapis.com/database/postgresql/num_backends" AND resource.type="cloudsql_database" AND resource.label.database_id="${props.databaseId}"`,
        comparison: "COMPARISON_GT",
        thresholdValue: Math.floor((props.databaseMaxConnections * t.dbConnectionsPercent) / 100),
        duration: "300s",
        aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["resource.label.database_id"] }],
      },
    });
    this.alert("cache-down", "P0", "Memorystore reports no uptime", {
      displayName: "Memorystore down",
      conditionAbsent: {
        filter: `metric.type="redis.googleapis.com/server/uptime" AND resource.type="redis_instance" AND resource.label.instance_id="${props.redisInstanceId}"`,
        duration: "300s",
        aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN" }],
      },
    });
    this.alert("latency-p95", "P1", `p95 latency above ${t.latencyP95Ms} ms`, {
      displayName: `New platform p95 latency > ${t.latencyP95Ms} ms`,
      conditionPrometheusQueryLanguage: {
        query: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="${ns}"}[5m]))) > ${t.latencyP95Ms / 1000}`,
        duration: "300s",
        evaluationInterval: "60s",
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
          filter: `metric.type="${metric}" AND resource.type="cloudsql_database" AND resource.label.database_id="${props.databaseId}"`,
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
    const ns = this.props.namespace;
    const promTile = (title: string, query: string, x: number, y: number) => ({
      xPos: x,
      yPos: y,
      width: 6,
      height: 4,
      widget: { title, xyChart: { dataSets: [{ prometheusQuery: query, plotType: "LINE" }] } },
    });
    return {
      displayName: `${this.props.displayPrefix} legacy vs new`,
      mosaicLayout: {
        columns: 12,
        tiles: [
          promTile("p95 latency (s), legacy vs new", "histogram_quantile(0.95, sum by (le, side) (rate(http_request_duration_seconds_bucket[5m])))", 0, 0),
          promTile(
            "Error rate (5xx share), legacy vs new",
            'sum by (side) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (side) (rate(http_requests_total[5m]))',
            6,
            0,
          ),
          promTile("Throughput (req/s), legacy vs new", "sum by (side) (rate(http_requests_total[5m]))", 0, 4),
          promTile(
            "Memory working set (bytes), new platform",
            `sum by (container) (kubernetes_io:container_memory_used_bytes{monitored_resource="k8s_container",namespace_name="${ns}"})`,
            6,
            4,
          ),
        ],
      },
    };
  }
}
