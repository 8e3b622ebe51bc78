/**
 * What the stack creates, read from its synthesized JSON: resources grouped by construct, and the resources the
 * destroy guard watches (its own rule list, src/preview/rules.ts) with the protection each one has.
 */
import { BUILTIN_RULES, GuardRule } from "../../src/preview";
import { ConstructGroupModel, Protection, ResourcesModel, StatefulResource } from "./model";
import { displayName, get, Json, resourcesOf, str, SynthesizedJson, SynthResource } from "./terraform-json";

export function resourcesModel(json: SynthesizedJson, rules: readonly GuardRule[] = BUILTIN_RULES): ResourcesModel {
  const all = resourcesOf(json);
  const groups = new Map<string, Map<string, number>>();
  for (const r of all) {
    const types = groups.get(r.group) ?? new Map<string, number>();
    types.set(r.type, (types.get(r.type) ?? 0) + 1);
    groups.set(r.group, types);
  }
  const groupModels: ConstructGroupModel[] = [...groups]
    .map(([construct, types]) => ({
      construct,
      total: [...types.values()].reduce((a, b) => a + b, 0),
      types: [...types].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type)),
    }))
    .sort((a, b) => a.construct.localeCompare(b.construct));
  const stateful: StatefulResource[] = [];
  for (const r of all) {
    const rule = rules.find((x) => x.types.includes(r.type));
    if (!rule) continue;
    stateful.push({ address: r.address, type: r.type, name: displayName(r), construct: r.group, level: rule.level, why: rule.reason, protections: protectionsOf(r) });
  }
  stateful.sort((a, b) => levelOrder(a.level) - levelOrder(b.level) || a.construct.localeCompare(b.construct) || a.address.localeCompare(b.address));
  const count = (o: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined) => Object.values(o ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
  return { total: all.length, dataSources: count(json.data), outputs: Object.keys(json.output ?? {}).length, groups: groupModels, stateful };
}

function levelOrder(level: string): number {
  return ["data-loss", "outage", "will-fail"].indexOf(level);
}

const on = (label: Protection["label"], detail: string): Protection => ({ label, state: "on", detail });
const off = (label: Protection["label"], detail: string): Protection => ({ label, state: "off", detail });
const na = (label: Protection["label"], detail = ""): Protection => ({ label, state: "n/a", detail });

/** Deletion protection, backups, point-in-time recovery and high availability of one resource, as synthesized. */
export function protectionsOf(r: SynthResource): Protection[] {
  return [deletionProtection(r), backups(r), pitr(r), ha(r)];
}

function deletionProtection(r: SynthResource): Protection {
  const flags: [string, Json | undefined][] = [
    ["deletion_protection", get(r.body, "deletion_protection")],
    ["settings.deletion_protection_enabled", get(r.body, "settings.deletion_protection_enabled")],
    ["lifecycle.prevent_destroy", get(r.body, "lifecycle.prevent_destroy")],
  ];
  const set = flags.filter(([, v]) => typeof v === "boolean");
  const policy = str(r.body, "deletion_policy");
  if (policy === "ABANDON") return on("deletion protection", "deletion_policy ABANDON: a destroy leaves it in place");
  if (set.length === 0) return na("deletion protection");
  const enabled = set.filter(([, v]) => v === true).map(([k]) => k);
  const disabled = set.filter(([, v]) => v === false).map(([k]) => k);
  if (enabled.length > 0 && disabled.length === 0) return on("deletion protection", enabled.join(" + "));
  if (enabled.length === 0) return off("deletion protection", `${disabled.join(" + ")} false`);
  return off("deletion protection", `partly: ${enabled.join(", ")} on; ${disabled.join(", ")} off`);
}

function backups(r: SynthResource): Protection {
  if (r.type === "google_sql_database_instance") {
    if (str(r.body, "master_instance_name") !== undefined) return na("backups", "read replica: backups are the primary's");
    if (get(r.body, "settings.backup_configuration.enabled") !== true) return off("backups", "no automated backups");
    const at = str(r.body, "settings.backup_configuration.start_time");
    const kept = str(r.body, "settings.backup_configuration.backup_retention_settings.retained_backups");
    return on("backups", `daily${at ? ` at ${at} UTC` : ""}${kept ? `, ${kept} kept` : ""}`);
  }
  if (r.type === "google_redis_instance") {
    const mode = str(r.body, "persistence_config.persistence_mode");
    if (mode === "RDB") return on("backups", `RDB snapshots ${(str(r.body, "persistence_config.rdb_snapshot_period") ?? "").toLowerCase().replace(/_/g, " ")}`.trim());
    return off("backups", mode ? `persistence ${mode}` : "no persistence");
  }
  return na("backups");
}

function pitr(r: SynthResource): Protection {
  if (r.type !== "google_sql_database_instance") return na("PITR");
  if (str(r.body, "master_instance_name") !== undefined) return na("PITR", "read replica");
  if (get(r.body, "settings.backup_configuration.point_in_time_recovery_enabled") !== true) return off("PITR", "point-in-time recovery off");
  const days = str(r.body, "settings.backup_configuration.transaction_log_retention_days");
  return on("PITR", days ? `${days} days of transaction logs` : "on");
}

function ha(r: SynthResource): Protection {
  if (r.type === "google_sql_database_instance") {
    if (str(r.body, "master_instance_name") !== undefined) return na("HA", "read replica of the primary");
    const availability = str(r.body, "settings.availability_type");
    return availability === "REGIONAL" ? on("HA", "regional: a standby in a second zone") : off("HA", `${availability ?? "ZONAL"}: one zone`);
  }
  if (r.type === "google_redis_instance") {
    const tier = str(r.body, "tier");
    const replicas = str(r.body, "replica_count") ?? "1";
    const reads = str(r.body, "read_replicas_mode") === "READ_REPLICAS_ENABLED" ? ", read from replicas" : "";
    return tier === "STANDARD_HA" ? on("HA", `STANDARD_HA: automatic failover, ${replicas} replica${replicas === "1" ? "" : "s"}${reads}`) : off("HA", `${tier ?? "BASIC"}: one node`);
  }
  if (r.type === "google_container_cluster") {
    const location = str(r.body, "location") ?? "";
    return /-[a-z]$/.test(location) ? off("HA", `zonal (${location})`) : on("HA", `regional control plane (${location})`);
  }
  return na("HA");
}
