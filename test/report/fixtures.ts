import { ReportModel } from "../../scripts/report/model";

/** A small hand-made model; `evil` is put where every kind of value lands, to check escaping. */
export function sampleModel(evil = "plain"): ReportModel {
  const cell = (level: "none" | "read" | "read-write") => ({ level, iam: level === "none" ? [] : [`roles/x.${evil}`], kubernetes: level === "none" ? [] : [`tandem-read in ns-${evil}`] });
  return {
    env: `env-${evil}`,
    target: "gcp",
    facts: [{ label: "project", value: `p-${evil}` }],
    generated: { at: "2025-05-01T12:00:00.000Z", commit: "0123456789abcdef" },
    traffic: {
      phase: "weighted",
      phases: ["subdomain", "path", "weighted", "cutover"],
      weightPercent: 25,
      domain: "example.com",
      newHost: "new.example.com",
      frontDoor: { title: "Kubernetes LoadBalancer", lines: [`Service ${evil} :80 → router :8080`] },
      router: { name: "tandem-router", lines: ["phase weighted 25 %"] },
      legacy: { name: "netbox", baseUrl: "https://app.example.com", upstream: "legacy:443" },
      routing: [
        { path: `/api/${evil}/`, side: "new", service: "api-gateway" },
        { path: "/v2/", side: "new", service: "web" },
        { path: "/", side: "split", service: "legacy or new" },
      ],
      targets: [
        { id: "legacy", side: "legacy", title: "netbox (legacy)", lines: ["origin legacy:443"], share: "75 % of other clients", routed: true },
        { id: "svc-web", side: "new", title: "web", lines: ["new.example.com (every phase)"], share: "/v2/, 25 % of other clients", routed: true },
        { id: "svc-api", side: "new", title: `api-${evil}`, lines: [`routes /api/${evil}/`], share: `/api/${evil}/`, routed: true },
        { id: "unrouted", side: "new", title: "not behind the router", lines: ["graphql"], share: "nothing", routed: false },
      ],
      previous: { phase: "path", changes: [{ path: "/", from: "25 % new", to: "legacy" }] },
      next: { phase: "cutover", changes: [{ path: "/", from: "25 % new", to: "new (web)" }] },
      blueGreen: [
        {
          name: "api",
          activeColor: "blue",
          idleColor: "green",
          effectiveCanaryPercent: 0,
          colors: [
            { color: "blue", image: "api:1.4.0", replicas: 3, serving: true, autoscaled: true },
            { color: "green", image: "api:1.5.0", replicas: 3, serving: false, autoscaled: false },
          ],
          services: { shared: "api", active: "api-active", preview: "api-preview" },
          promote: "promote text",
          rollback: "rollback text",
        },
      ],
    },
    ports: {
      strategy: "blocks",
      rows: [{ service: `svc-${evil}`, category: "backend", port: 30201, target: "ClusterIP :30201", why: "derived", pinned: false, notes: ["next to avoided 30200"] }],
      ranges: [{ label: "backend block 30200-30299", categories: ["backend"], start: 30200, end: 30299, services: [{ service: `svc-${evil}`, port: 30201 }], legacy: [], avoided: [30200], free: 98 }],
      legacy: [{ use: "web", port: 8000, note: "reserved" }],
      avoid: [30200],
    },
    access: {
      areas: ["legacy", "frontend", "backend", "database", "monitoring"],
      roles: [
        { role: `dev-${evil}`, members: [`group:${evil}@example.com`], cells: { legacy: cell("read-write"), frontend: cell("read"), backend: cell("none"), database: cell("read"), monitoring: cell("read") }, cluster: [] },
        { role: "system-admin", members: ["group:admins@example.com"], cells: { legacy: cell("read-write"), frontend: cell("read-write"), backend: cell("read-write"), database: cell("read-write"), monitoring: cell("read-write") }, cluster: ["cluster-admin (ClusterRoleBinding tandem-system-admin)"] },
      ],
      kubernetesRoles: [{ name: "tandem-read", namespace: "new-platform", rules: ["get/list/watch core: pods"] }],
      projectIam: [{ role: "roles/cloudsql.client", members: ["group:admins@example.com"], conditioned: true }],
      conditionNote: "only on the Cloud SQL instances db (IAM condition)",
      warnings: [],
    },
    resources: {
      total: 3,
      dataSources: 1,
      outputs: 2,
      groups: [{ construct: "database", total: 3, types: [{ type: "google_sql_database_instance", count: 1 }, { type: "google_sql_user", count: 2 }] }],
      stateful: [
        {
          address: "google_sql_database_instance.db",
          type: "google_sql_database_instance",
          name: `db-${evil}`,
          construct: "database",
          level: "data-loss",
          why: "deletes it",
          protections: [
            { label: "deletion protection", state: "on", detail: "deletion_protection" },
            { label: "backups", state: "on", detail: "daily" },
            { label: "PITR", state: "off", detail: "off" },
            { label: "HA", state: "n/a", detail: "" },
          ],
        },
      ],
    },
    monitoring: {
      channels: [{ name: "oncall", target: "email oncall@example.com" }],
      alerts: [
        { name: "error-rate", severity: "P0", title: "error rate > 1 %", threshold: "5xx above 1 %", condition: "PromQL x", channels: ["oncall"] },
        { name: "latency", severity: "P1", title: "p95 > 2000 ms", threshold: "p95 above 2000 ms", condition: "PromQL y", channels: ["oncall"] },
      ],
      uptime: [{ name: "new-web", side: "new", url: "https://new.example.com/health", period: "60s", alert: "service-down-new-web" }],
    },
    warnings: [{ construct: "gke", message: `a ${evil} placeholder`, placeholder: true }],
  };
}
