/**
 * Alerts, channels and uptime checks: the Monitoring construct's own records (`channels`, `alertPolicies`,
 * `uptimeChecks`), each read in the synthesized resource its construct path names.
 */
import { AlertModel, MonitoringModel, UptimeModel } from "./model";
import { get, isObject, list, referencedAddress, resolveReferences, str, SynthResource } from "./terraform-json";

/** Construct paths by name, as the Monitoring construct keys them. */
export interface MonitoringConstructs {
  readonly channels: Readonly<Record<string, string>>;
  readonly alertPolicies: Readonly<Record<string, string>>;
  readonly uptimeChecks: Readonly<Record<string, string>>;
}

export function monitoringModel(constructs: MonitoringConstructs, at: ReadonlyMap<string, SynthResource>): MonitoringModel {
  const resource = (path: string) => at.get(path);
  const channelByAddress = new Map<string, string>();
  const channels = Object.entries(constructs.channels).map(([name, path]) => {
    const r = resource(path);
    if (r) channelByAddress.set(r.address, name);
    const target = str(r?.body, "labels.email_address") ?? str(r?.body, "labels.topic") ?? "";
    return { name, target: `${str(r?.body, "type") ?? "?"} ${target}`.trim() };
  });
  const byAddress = new Map([...at.values()].map((r) => [r.address, r]));
  const alerts: AlertModel[] = Object.entries(constructs.alertPolicies).map(([name, path]) => {
    const alert = alertOf(name, resource(path), channelByAddress);
    return { ...alert, condition: resolveReferences(alert.condition, byAddress) };
  });
  alerts.sort((a, b) => a.severity.localeCompare(b.severity));
  const uptime: UptimeModel[] = Object.entries(constructs.uptimeChecks).map(([name, path]) => {
    const r = resource(path);
    const host = str(r?.body, "monitored_resource.labels.host") ?? "?";
    const ssl = get(r?.body, "http_check.use_ssl") === true;
    const port = str(r?.body, "http_check.port");
    const defaultPort = ssl ? "443" : "80";
    const url = `${ssl ? "https" : "http"}://${host}${port && port !== defaultPort ? `:${port}` : ""}${str(r?.body, "http_check.path") ?? "/"}`;
    const watching = r ? Object.entries(constructs.alertPolicies).find(([, p]) => JSON.stringify(resource(p)?.body ?? {}).includes(`\${${r.address}.`)) : undefined;
    return { name, side: str(r?.body, "user_labels.side") ?? "", url, period: str(r?.body, "period") ?? "", alert: watching?.[0] };
  });
  return { channels, alerts, uptime };
}

function alertOf(name: string, r: SynthResource | undefined, channelByAddress: ReadonlyMap<string, string>): AlertModel {
  const label = str(r?.body, "user_labels.severity")?.toUpperCase();
  const severity = label === "P0" || label === "P1" ? label : "?";
  const condition = list(r?.body, "conditions").filter(isObject)[0];
  const doc = str(r?.body, "documentation.content") ?? "";
  // "P0: 5xx rate above 1 %. See the Tandem runbook for error-rate." → "5xx rate above 1 %"
  const threshold = doc.replace(/^P[01]:\s*/, "").replace(/\.\s*See the .*$/, "").replace(/\.$/, "");
  const channels = list(r?.body, "notification_channels").map((c) => channelByAddress.get(referencedAddress(c) ?? "") ?? String(c));
  return { name, severity, title: str(condition, "display_name") ?? name, threshold, condition: conditionText(condition), channels };
}

/** One line per condition kind: threshold, PromQL or absence. */
export function conditionText(c: Parameters<typeof get>[0]): string {
  const threshold = get(c, "condition_threshold");
  if (isObject(threshold)) {
    const cmp = { COMPARISON_GT: ">", COMPARISON_LT: "<", COMPARISON_GE: "≥", COMPARISON_LE: "≤" }[str(threshold, "comparison") ?? ""] ?? str(threshold, "comparison") ?? "";
    const metric = /metric\.type="([^"]+)"/.exec(str(threshold, "filter") ?? "")?.[1] ?? "metric";
    const reducer = str(threshold, "aggregations.cross_series_reducer");
    const reduced = reducer && reducer !== "REDUCE_NONE" ? ` (${reducer})` : "";
    return `${metric}${reduced} ${cmp} ${str(threshold, "threshold_value") ?? "?"} for ${str(threshold, "duration") ?? "?"}`;
  }
  const promql = get(c, "condition_prometheus_query_language");
  if (isObject(promql)) return `PromQL ${str(promql, "query") ?? ""} for ${str(promql, "duration") ?? "?"}`;
  const absent = get(c, "condition_absent");
  if (isObject(absent)) {
    const metric = /metric\.type="([^"]+)"/.exec(str(absent, "filter") ?? "")?.[1] ?? "metric";
    return `no ${metric} data for ${str(absent, "duration") ?? "?"}`;
  }
  const matched = get(c, "condition_matched_log");
  if (isObject(matched)) return `log entries matching ${str(matched, "filter") ?? ""}`;
  return "condition not recognised (see the stack)";
}
