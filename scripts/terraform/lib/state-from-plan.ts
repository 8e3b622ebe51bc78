/**
 * A Terraform state for our stacks without applying anything: nothing can be applied offline, but a "change"
 * plan needs a prior state. The state is built from a create plan's planned values; what is known only after
 * apply (ids, self links, emails, the cluster endpoint) gets a placeholder in the format the provider's
 * validators expect. Planning the same config against it and merging the now-known values back converges in a
 * few rounds to a state whose plan is "No changes"; a changed config then plans exactly its change.
 * Sensitive attributes get values containing "planted-secret", so the preview's masking is checked on real plans.
 */

/** The bits of `terraform providers schema -json` used here. */
export interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, { readonly type?: unknown; readonly sensitive?: boolean }>>;
  readonly block_types?: Readonly<Record<string, { readonly block: SchemaBlock }>>;
}
export interface ProviderSchemas {
  readonly provider_schemas: Readonly<Record<string, { readonly resource_schemas: Readonly<Record<string, { readonly version: number; readonly block: SchemaBlock }>> }>>;
}

/** The bits of a plan (`terraform show -json`) used here. */
export interface PlanForState {
  readonly terraform_version: string;
  readonly planned_values: {
    readonly root_module: { readonly resources?: readonly PlannedResource[] };
    readonly outputs?: Readonly<Record<string, { readonly value?: unknown; readonly sensitive?: boolean }>>;
  };
  readonly resource_changes?: readonly { readonly address: string; readonly mode: string; readonly change: { readonly actions: readonly string[]; readonly after_unknown?: unknown; readonly after_sensitive?: unknown } }[];
}
interface PlannedResource {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly provider_name: string;
  readonly values: Record<string, unknown>;
}

type Json = Record<string, unknown>;
export interface StateResource {
  readonly mode: "managed";
  readonly type: string;
  readonly name: string;
  readonly provider: string;
  readonly instances: { readonly schema_version: number; readonly attributes: Json; readonly sensitive_attributes: unknown[] }[];
}
export interface State {
  readonly version: 4;
  readonly terraform_version: string;
  readonly serial: number;
  readonly lineage: string;
  readonly outputs: Record<string, { value: unknown; type: unknown; sensitive?: boolean }>;
  readonly resources: StateResource[];
}

/** Marks every planted secret; the preview must never print it. */
export const PLANTED = "planted-secret";

/** The state after a plan: its known planned values over the prior state (placeholders where nothing is known yet). */
export function stateFromPlan(plan: PlanForState, schemas: ProviderSchemas, prior?: State): State {
  const changes = new Map((plan.resource_changes ?? []).map((c) => [c.address, c.change]));
  const priorByAddress = new Map((prior?.resources ?? []).map((r) => [`${r.type}.${r.name}`, r.instances[0]?.attributes]));
  const resources: StateResource[] = [];
  for (const r of plan.planned_values.root_module.resources ?? []) {
    if (r.mode !== "managed") continue;
    const schema = schemas.provider_schemas[r.provider_name].resource_schemas[r.type];
    const change = changes.get(r.address);
    const before = priorByAddress.get(r.address);
    const attributes = before ? (merge(before, r.values, change?.after_unknown) as Json) : fill({ ...r.values }, change?.after_unknown, schema.block, r.type, r.values);
    resources.push({
      mode: "managed",
      type: r.type,
      name: r.name,
      provider: `provider["${r.provider_name}"]`,
      instances: [{ schema_version: schema.version, attributes, sensitive_attributes: [...sensitivePaths(change?.after_sensitive, []), ...plantedMapEntries(attributes)] }],
    });
  }
  const outputs: State["outputs"] = {};
  for (const [name, o] of Object.entries(plan.planned_values.outputs ?? {})) {
    if (o.value !== undefined) outputs[name] = { value: o.value, type: ctyType(o.value), ...(o.sensitive ? { sensitive: true } : {}) };
  }
  return { version: 4, terraform_version: plan.terraform_version, serial: (prior?.serial ?? 0) + 1, lineage: "tandem-preview-check", outputs, resources };
}

/** Whether a plan changes any managed resource (the state has converged when it does not). */
export function changesResources(plan: PlanForState): boolean {
  return (plan.resource_changes ?? []).some((c) => c.mode === "managed" && !c.change.actions.every((a) => a === "no-op"));
}

/** Keeps the prior value wherever the new one is unknown. */
function merge(prior: unknown, next: unknown, unknown: unknown): unknown {
  if (unknown === true) return prior;
  if (isJson(prior) && isJson(next)) {
    const out: Json = { ...prior };
    for (const [k, v] of Object.entries(next)) out[k] = merge(prior[k], v, isJson(unknown) ? unknown[k] : undefined);
    for (const k of Object.keys(isJson(unknown) ? unknown : {})) if (!(k in next)) out[k] = prior[k];
    return out;
  }
  if (Array.isArray(prior) && Array.isArray(next) && prior.length === next.length) {
    return next.map((v, i) => merge(prior[i], v, Array.isArray(unknown) ? unknown[i] : undefined));
  }
  return next;
}

/**
 * Computed lists our config indexes (`server_ca_certs[0].cert`, a workload's REDIS_CA_CERT): one element, as the real
 * resource has (Memorystore with TLS in transit), where an empty list would fail the plan with "Invalid index".
 */
const INDEXED_LISTS = new Set(["google_redis_instance.server_ca_certs"]);

function oneElement(type: unknown, label: string, sensitive: boolean): unknown {
  return Array.isArray(type) && (type[0] === "list" || type[0] === "set") ? [placeholder(type[1], `${label}-0`, sensitive)] : placeholder(type, label, sensitive);
}

/** Fills what the create plan leaves unknown, following the schema into nested blocks. */
function fill(values: Json, unknown: unknown, block: SchemaBlock, type: string, top: Json): Json {
  if (!isJson(unknown)) return values;
  for (const [k, u] of Object.entries(unknown)) {
    const attribute = block.attributes?.[k];
    const nested = block.block_types?.[k];
    if (attribute && u === true) values[k] = special(type, k, top) ?? (INDEXED_LISTS.has(`${type}.${k}`) ? oneElement(attribute.type, `${type}-${k}`, attribute.sensitive === true) : placeholder(attribute.type, `${type}-${k}`, attribute.sensitive === true));
    else if (nested && u === true) values[k] = [];
    else if (nested && Array.isArray(u) && Array.isArray(values[k])) {
      const list = values[k] as unknown[];
      u.forEach((eu, i) => {
        if (isJson(list[i])) fill(list[i] as Json, eu, nested.block, type, top);
      });
    }
  }
  return values;
}

/** Values the providers validate or our config reads (`network = <network id>`), in the provider's own formats. */
function special(type: string, attr: string, v: Json): unknown {
  const project = typeof v.project === "string" ? v.project : "tandem";
  const name = typeof v.name === "string" ? v.name : "x";
  const region = typeof v.region === "string" ? v.region : "europe-west1";
  const location = typeof v.location === "string" ? v.location : region;
  const email = `${String(v.account_id)}@${project}.iam.gserviceaccount.com`;
  const ids: Record<string, string> = {
    google_compute_network: `projects/${project}/global/networks/${name}`,
    google_compute_subnetwork: `projects/${project}/regions/${region}/subnetworks/${name}`,
    google_compute_global_address: `projects/${project}/global/addresses/${name}`,
    google_compute_firewall: `projects/${project}/global/firewalls/${name}`,
    google_compute_router: `projects/${project}/regions/${region}/routers/${name}`,
    google_container_cluster: `projects/${project}/locations/${location}/clusters/${name}`,
    google_redis_instance: `projects/${project}/locations/${region}/instances/${name}`,
    google_sql_database_instance: name,
    google_service_account: `projects/${project}/serviceAccounts/${email}`,
    google_secret_manager_secret: `projects/${project}/secrets/${String(v.secret_id)}`,
    google_monitoring_notification_channel: `projects/${project}/notificationChannels/1`,
  };
  // The Kubernetes provider is configured with base64decode() of it.
  if (attr === "cluster_ca_certificate") return Buffer.from("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n").toString("base64");
  if (attr === "id") return ids[type] ?? `tandem-preview/${type}/${name}`;
  if (attr === "self_link") return `https://www.googleapis.com/compute/v1/${ids[type] ?? name}`;
  if (type === "google_service_account") return ({ email, name: ids[type], member: `serviceAccount:${email}` } as Record<string, string>)[attr];
  if (type === "google_monitoring_notification_channel" && attr === "name") return ids[type];
  if (type.startsWith("google_monitoring") && attr === "name") return `projects/${project}/alertPolicies/1`;
  if (type === "google_container_cluster" && attr === "endpoint") return "203.0.113.10";
  if (type === "google_compute_firewall" && attr === "enable_logging") return true;
  if (type === "google_sql_database_instance" && attr === "connection_name") return `${project}:${region}:${name}`;
  // The front door reads a node pool's groups by zone and a DNS authorization's one record.
  const zones = Array.isArray(v.node_locations) ? (v.node_locations as string[]) : [];
  if (type === "google_container_node_pool" && attr === "managed_instance_group_urls") return zones.map((z) => `https://www.googleapis.com/compute/v1/projects/${project}/zones/${z}/instanceGroups/gke-${name}-${z}-grp`);
  if (type === "google_container_node_pool" && attr === "instance_group_urls") return zones.map((z) => `https://www.googleapis.com/compute/v1/projects/${project}/zones/${z}/instanceGroupManagers/gke-${name}-${z}-grp`);
  if (type === "google_certificate_manager_dns_authorization" && attr === "dns_resource_record") {
    return [{ name: `_acme-challenge_tp.${String(v.domain)}.`, type: "CNAME", data: `tp.1.authorize.certificatemanager.goog.` }];
  }
  return undefined;
}

function placeholder(type: unknown, label: string, sensitive: boolean): unknown {
  if (type === "string") return sensitive ? `${PLANTED}-${label}` : `tp-${label}`;
  if (type === "number") return 1;
  if (type === "bool") return false;
  if (Array.isArray(type) && (type[0] === "list" || type[0] === "set")) return [];
  if (Array.isArray(type) && type[0] === "map") return {};
  if (Array.isArray(type) && type[0] === "object" && isJson(type[1])) {
    return Object.fromEntries(Object.entries(type[1]).map(([k, t]) => [k, placeholder(t, `${label}-${k}`, sensitive)]));
  }
  return null;
}

/**
 * A map entry holding a planted secret came from a sensitive attribute (a Kubernetes Secret's `data` from
 * Memorystore's `auth_string`): the config marks that entry as well as the schema the whole map, and Terraform
 * plans an update until the state carries both marks.
 */
function plantedMapEntries(attributes: Json): unknown[] {
  return Object.entries(attributes).flatMap(([k, v]) =>
    isJson(v)
      ? Object.entries(v)
          .filter(([, x]) => typeof x === "string" && x.startsWith(PLANTED))
          .map(([key]) => [{ type: "get_attr", value: k }, { type: "index", value: { value: key, type: "string" } }])
      : [],
  );
}

/** after_sensitive as state paths: Terraform plans an update when only the marks differ. */
function sensitivePaths(marks: unknown, prefix: unknown[]): unknown[] {
  if (marks === true) return [prefix];
  if (Array.isArray(marks)) return marks.flatMap((m, i) => sensitivePaths(m, [...prefix, { type: "index", value: { value: i, type: "number" } }]));
  if (isJson(marks)) return Object.entries(marks).flatMap(([k, m]) => sensitivePaths(m, [...prefix, { type: "get_attr", value: k }]));
  return [];
}

/** The cty type of a JSON value, for state outputs. */
export function ctyType(v: unknown): unknown {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return ["tuple", v.map(ctyType)];
  if (isJson(v)) return ["object", Object.fromEntries(Object.entries(v).map(([k, x]) => [k, ctyType(x)]))];
  return "string";
}

function isJson(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
