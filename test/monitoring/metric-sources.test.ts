/**
 * Every alert policy and dashboard query of the synthesized cloud stacks reads a metric that a resource of the same
 * stack defines (a log-based metric) or whose data Google collects for a resource of the stack (an uptime check, the
 * Cloud SQL instance, the Memorystore instance, the GKE cluster with system metrics). A PromQL query, or a metric no
 * resource of the stack produces, is a problem: that alert could never fire.
 */
import { TerraformStack, Testing } from "cdktf";
import { environments } from "../../environments";
import { loadEnvironment } from "../../src/config";
import { addEnvironmentStacks } from "../../stacks";
import { TerraformJson } from "../helpers";

type Json = Record<string, unknown>;
const refs = (text: string, type: string) => [...text.matchAll(new RegExp(`\\$\\{${type}\\.([\\w-]+)\\.`, "g"))].map((m) => m[1]);

/** Every metric query of the stack: [where, filter or PromQL marker]. */
function queries(json: TerraformJson): [string, string][] {
  const out: [string, string][] = [];
  for (const [id, p] of Object.entries(json.resource?.google_monitoring_alert_policy ?? {})) {
    for (const c of (p.conditions as Json[]) ?? []) {
      const where = `alert ${String(p.display_name)}`;
      for (const [kind, body] of Object.entries(c)) {
        if (kind === "display_name") continue;
        const b = body as Json;
        if (kind === "condition_threshold" || kind === "condition_absent") {
          out.push([where, String(b.filter)]);
          if (b.denominator_filter !== undefined) out.push([`${where} (denominator)`, String(b.denominator_filter)]);
        } else out.push([`${where} (${kind}, alert ${id})`, `UNSUPPORTED ${kind}`]);
      }
    }
  }
  for (const d of Object.values(json.resource?.google_monitoring_dashboard ?? {})) {
    const walk = (v: unknown, where: string): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, where));
      else if (typeof v === "object" && v !== null) {
        const o = v as Json;
        const title = typeof (o.widget as Json | undefined)?.title === "string" ? `dashboard tile ${String((o.widget as Json).title)}` : where;
        for (const [k, x] of Object.entries(o)) {
          if (k === "filter" && typeof x === "string") out.push([title, x]);
          else if (k === "prometheusQuery" || k === "timeSeriesQueryLanguage") out.push([title, `UNSUPPORTED ${k}`]);
          else walk(x, title);
        }
      }
    };
    walk(JSON.parse(String(d.dashboard_json)), "dashboard");
  }
  return out;
}

/** Why a query reads a metric nothing in the stack produces (empty when every query is backed). */
export function metricSourceProblems(json: TerraformJson): string[] {
  const r = json.resource ?? {};
  const has = (type: string, id: string) => id in (r[type] ?? {});
  const clusters = Object.values(r.google_container_cluster ?? {}) as { monitoring_config?: { enable_components?: string[] }; logging_config?: { enable_components?: string[] } }[];
  const namespaces = Object.values(r.kubernetes_namespace_v1 ?? {}).map((n) => (n.metadata as { name: string }).name);
  const problems: string[] = [];
  for (const [where, filter] of queries(json)) {
    const type = /metric\.type="([^"]+)"/.exec(filter)?.[1];
    if (filter.startsWith("UNSUPPORTED") || !type) {
      problems.push(`${where}: ${filter.startsWith("UNSUPPORTED") ? filter.slice(12) : `no metric.type in ${filter}`}`);
      continue;
    }
    const backed = (() => {
      if (type.startsWith("logging.googleapis.com/user/")) {
        const metric = type.slice("logging.googleapis.com/user/".length);
        const byRef = refs(metric, "google_logging_metric");
        return byRef.length > 0 ? byRef.every((id) => has("google_logging_metric", id)) : Object.values(r.google_logging_metric ?? {}).some((m) => m.name === metric);
      }
      if (type.startsWith("monitoring.googleapis.com/uptime_check/")) return refs(filter, "google_monitoring_uptime_check_config").some((id) => has("google_monitoring_uptime_check_config", id));
      if (type.startsWith("cloudsql.googleapis.com/")) return refs(filter, "google_sql_database_instance").length > 0 && refs(filter, "google_sql_database_instance").every((id) => has("google_sql_database_instance", id));
      if (type.startsWith("redis.googleapis.com/")) return refs(filter, "google_redis_instance").some((id) => has("google_redis_instance", id));
      if (type.startsWith("kubernetes.io/")) {
        const ns = /resource\.label\.namespace_name="([^"]+)"/.exec(filter)?.[1];
        return clusters.some((c) => c.monitoring_config?.enable_components?.includes("SYSTEM_COMPONENTS")) && ns !== undefined && namespaces.includes(ns);
      }
      return false;
    })();
    if (!backed) problems.push(`${where}: reads ${type}, which no resource of the stack defines or collects`);
  }
  // The log-based metrics read logs the stack produces: the cluster ships workload logs, from the router's container.
  for (const m of Object.values(r.google_logging_metric ?? {})) {
    const f = String(m.filter);
    const ns = /resource\.labels\.namespace_name="([^"]+)"/.exec(f)?.[1];
    const container = /resource\.labels\.container_name="([^"]+)"/.exec(f)?.[1];
    const containers = Object.values(r.kubernetes_deployment_v1 ?? {}).flatMap((d) => ((d.spec as { template: { spec: { container: { name: string }[] } } }).template.spec.container ?? []).map((c) => c.name));
    if (!clusters.some((c) => c.logging_config?.enable_components?.includes("WORKLOADS"))) problems.push(`log metric ${String(m.name)}: no cluster of the stack ships workload logs`);
    if (!ns || !namespaces.includes(ns) || !container || !containers.includes(container)) problems.push(`log metric ${String(m.name)}: its filter selects no container of the stack (${f})`);
  }
  return problems;
}

describe.each(["staging", "production"] as const)("%s: every alert and dashboard query reads a metric the stack produces", (env) => {
  const app = Testing.app();
  addEnvironmentStacks(app, [loadEnvironment(env, environments[env])]);
  const json = JSON.parse(Testing.synth(app.node.findChild(env) as TerraformStack)) as TerraformJson;

  test("no query is left unbacked", () => {
    expect(metricSourceProblems(json)).toEqual([]);
  });

  test("it walked every policy and every dashboard tile", () => {
    const all = queries(json);
    expect(all.filter(([w]) => w.startsWith("alert")).length).toBeGreaterThanOrEqual(Object.keys(json.resource!.google_monitoring_alert_policy).length);
    expect(all.filter(([w]) => w.startsWith("dashboard tile")).length).toBeGreaterThanOrEqual(7);
  });

  test("a PromQL alert, or a metric nobody produces, is caught", () => {
    const broken = structuredClone(json);
    const policies = broken.resource!.google_monitoring_alert_policy;
    const [first] = Object.keys(policies);
    policies[first].conditions = [{ display_name: "x", condition_prometheus_query_language: { query: "sum(rate(http_requests_total[5m]))" } }];
    const [second] = Object.keys(policies).slice(1);
    policies[second].conditions = [{ display_name: "y", condition_threshold: { filter: 'metric.type="logging.googleapis.com/user/http_requests" AND resource.type="k8s_container"' } }];
    delete broken.resource!.google_logging_metric;
    const problems = metricSourceProblems(broken);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/condition_prometheus_query_language/), expect.stringMatching(/reads logging\.googleapis\.com\/user\/http_requests, which no resource/)]));
  });
});
