import { Finding, PolicyRule } from "../context";

/** Names Google refuses only at apply time. */
const LIMITS: Readonly<Record<string, { field: string; max: number; what: string }>> = {
  google_container_cluster: { field: "name", max: 40, what: "GKE cluster names" },
  google_container_node_pool: { field: "name", max: 40, what: "GKE node pool names" },
  google_redis_instance: { field: "name", max: 40, what: "Memorystore instance names" },
  google_compute_network: { field: "name", max: 63, what: "network names" },
  google_compute_subnetwork: { field: "name", max: 63, what: "subnet names" },
  google_compute_firewall: { field: "name", max: 63, what: "firewall rule names" },
  google_compute_router: { field: "name", max: 63, what: "router names" },
  google_compute_router_nat: { field: "name", max: 63, what: "NAT names" },
  google_compute_global_address: { field: "name", max: 63, what: "address names" },
  google_sql_database_instance: { field: "name", max: 98, what: "Cloud SQL instance names" },
};

export const nameLimits: PolicyRule = {
  id: "TANDEM-NAME-1",
  level: "error",
  summary: "resource names fit Google's limits (found only at apply otherwise)",
  check(ctx) {
    const out: Finding[] = [];
    for (const r of ctx.resources) {
      const limit = LIMITS[r.type];
      const name = limit ? r.config[limit.field] : undefined;
      if (limit && typeof name === "string" && !name.includes("${") && !(name.length <= limit.max && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name))) {
        out.push({ path: r.path, value: name, message: `${limit.what} must be lower-case RFC 1035 names of at most ${limit.max} characters (this one has ${name.length})`, fix: "shorten the name in config" });
      }
      if (r.type === "google_service_account") {
        const id = r.config.account_id;
        if (typeof id === "string" && !/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(id)) {
          out.push({ path: r.path, value: id, message: "service account ids are 6-30 characters, lower-case letters, digits and '-', starting with a letter and ending with a letter or digit", fix: "use serviceAccountId(base, suffix)" });
        }
      }
    }
    return out;
  },
};
