/**
 * Loads an environment's config: every section is parsed on its own (shape and types, schema.ts), then every rule
 * runs — the constructs' own rule functions on each section, and the rules that span sections — so one run reports
 * every problem of the environment, each once, with its config path, value and rule.
 */
import { z } from "zod";
import { accessRolesProblems, iamBindingsProblems } from "../access/rules";
import { bootstrapProblems } from "../bootstrap/rules";
import { memorystoreProblems } from "../cache/rules";
import { cloudSqlDbProblems } from "../database/rules";
import { blueGreenObjectNames, blueGreenProblems } from "../deploy/rules";
import { frontDoorHostsProblems, frontDoorProblems } from "../edge/rules";
import { gkeClusterProblems, zonesInRegionProblems } from "../gke/rules";
import { monitoringProblems } from "../monitoring/rules";
import { cidrRule, networkProblems, overlapProblems } from "../network/rules";
import { LEGACY_SERVICE, legacyEndpoint, planPlatform, publicHosts, ROUTER_SERVICE, workloadName } from "../platform/plan";
import { routeClashProblems } from "../platform/release";
import { errorsOf, formatProblem, Problem, ProblemPath, under, unless } from "../validation/problem";
import { gcpLabels } from "../validation/rules";
import { ACKNOWLEDGEABLE, COMMON_SECTIONS, DOCKER_SECTIONS, DockerEnvironmentConfig, EnvironmentConfig, GCP_SECTIONS, GcpEnvironmentConfig } from "./schema";

/** One thing wrong with an environment's config. */
export interface ConfigProblem {
  /** Dotted field path, e.g. `database.diskSizeGb`. */
  readonly path: string;
  /** The offending value as written (undefined when the field is missing). */
  readonly value: unknown;
  /** The rule it breaks (and how to fix it). */
  readonly rule: string;
}

/** Thrown when an environment's config is invalid; the message lists every problem. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  constructor(
    readonly environment: string,
    problems: readonly Problem[],
  ) {
    super(`Invalid config for environment "${environment}" (environments/${environment}.ts):\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems.map((p) => ({ path: p.path.map(String).join(".") || "(root)", value: p.value, rule: p.fix ? `${p.rule}; ${p.fix}` : p.rule }));
  }
}

/** Identity function that gives environment files type checking and completion. */
export function defineEnvironment<T extends EnvironmentConfig>(config: T): T {
  return config;
}

/**
 * The rules between environments: no two cloud environments share a project, a state location or a public host
 * (staging must never probe, certify or route production's names). Problems by environment; the later one of a
 * pair gets it, naming the other.
 */
export function crossEnvironmentProblems(configs: readonly EnvironmentConfig[]): Map<string, Problem[]> {
  const out = new Map<string, Problem[]>();
  const seen = new Map<string, { environment: string; what: string }>();
  const claim = (environment: string, key: string, what: string, path: ProblemPath, value: unknown) => {
    const other = seen.get(key);
    if (other && other.environment !== environment) {
      out.set(environment, [...(out.get(environment) ?? []), { path, value, rule: `is also ${other.environment}'s ${other.what}: environments share no project, state or public host` }]);
    } else if (!other) seen.set(key, { environment, what });
  };
  for (const c of configs) {
    if (c.state.backend === "gcs") claim(c.name, `state:${c.state.bucket}/${c.state.prefix}`, "state location", ["state"], `gs://${c.state.bucket}/${c.state.prefix}`);
    if (c.target !== "gcp") continue;
    claim(c.name, `project:${c.gcp.project}`, "project", ["gcp", "project"], c.gcp.project);
    const hosts = publicHosts(c.legacy, c.platform.router);
    claim(c.name, `host:${hosts.legacy}`, "public host", ["legacy", "baseUrl"], hosts.legacy);
    claim(c.name, `host:${hosts.new}`, "public host", ["platform", "router", "domain"], hosts.new);
    claim(c.name, `host:${legacyEndpoint(c.legacy).host.toLowerCase()}`, "legacy origin", ["legacy", "upstream"], legacyEndpoint(c.legacy).host);
    for (const [name, check] of Object.entries(c.monitoring.uptimeChecks ?? {})) claim(c.name, `host:${check.host.toLowerCase()}`, "public host", ["monitoring", "uptimeChecks", name, "host"], check.host);
  }
  return out;
}

type Sections = Record<string, z.ZodType>;

/**
 * Validates an environment's config.
 * @throws ConfigError naming the environment and, for every problem, the field path, the value and the rule.
 */
export function loadEnvironment(environment: string, input: unknown): EnvironmentConfig {
  const problems = environmentProblems(environment, input);
  const errors = errorsOf(problems);
  if (errors.length > 0) throw new ConfigError(environment, errors);
  return input as EnvironmentConfig;
}

/** Every problem of an environment's config (errors and warnings), without throwing. */
export function environmentProblems(environment: string, input: unknown): Problem[] {
  if (!isRecord(input)) return [{ path: [], value: input, rule: "must be an object (defineEnvironment({...}))" }];
  const problems: Problem[] = [];
  problems.push(...unless(input.name === environment, ["name"], input.name, `must equal the environment id "${environment}" (the stack id people deploy)`));
  const target = input.target;
  const sections: Sections = target === "docker" ? DOCKER_SECTIONS : target === "gcp" ? GCP_SECTIONS : COMMON_SECTIONS;
  const parsed: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(sections)) {
    const r = schema.safeParse(input[key]);
    if (r.success) parsed[key] = r.data;
    else problems.push(...r.error.issues.flatMap((issue) => issueProblems(issue, [key], input[key], schema)));
  }
  for (const key of Object.keys(input)) {
    if (!(key in sections)) problems.push({ path: [key], value: input[key], rule: `is not a known section${target === "docker" || target === "gcp" ? ` of a ${target} environment` : ""}; known: ${Object.keys(sections).join(", ")}` });
  }
  if (target !== "docker" && target !== "gcp") return problems;
  const has = (...keys: string[]) => keys.every((k) => k in parsed);
  if (has("labels")) problems.push(...gcpLabels(["labels"], parsed.labels as Record<string, string> | undefined));
  if (has("state")) problems.push(...stateProblems(parsed.state as GcpEnvironmentConfig["state"], target));
  if (has("platform", "legacy")) {
    // The very plan the construct makes: port conflicts, routes, legacy's origin.
    const plan = planPlatform({ ...(parsed.platform as GcpEnvironmentConfig["platform"]), legacy: parsed.legacy as GcpEnvironmentConfig["legacy"], target: { kind: target === "docker" ? "docker" : "kubernetes" } });
    problems.push(...plan.problems.map((p) => ({ ...p, path: p.path[0] === "legacy" ? p.path : ["platform", ...p.path] })));
  }
  if (target === "gcp") problems.push(...gcpProblems(environment, parsed as Partial<GcpEnvironmentConfig>));
  return problems;
}

function gcpProblems(environment: string, c: Partial<GcpEnvironmentConfig>): Problem[] {
  const out: Problem[] = [];
  if (c.gcp) {
    out.push(...unless(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(c.gcp.project), ["gcp", "project"], c.gcp.project, "must be a GCP project id: 6-30 characters, lower-case letters, digits and '-', starting with a letter"));
    out.push(...unless(/^[a-z]+-[a-z]+\d+$/.test(c.gcp.region), ["gcp", "region"], c.gcp.region, "must be a GCP region such as europe-west1"));
  }
  if (c.network) out.push(...under(["network"], networkProblems(c.network)));
  if (c.network && !("sql" in c.network.privateServiceRanges && "redis" in c.network.privateServiceRanges)) {
    out.push({ path: ["network", "privateServiceRanges"], value: c.network.privateServiceRanges, rule: 'must name the "sql" range (Cloud SQL) and the "redis" range (Memorystore) the stack gives them' });
  }
  if (c.gke) out.push(...under(["gke"], gkeClusterProblems(c.gke)));
  if (c.gke && c.gcp) out.push(...under(["gke"], zonesInRegionProblems(["nodeLocations"], c.gke.nodeLocations, c.gcp.region)));
  if (c.database) out.push(...under(["database"], cloudSqlDbProblems(c.database)));
  if (c.cache) out.push(...under(["cache"], memorystoreProblems(c.cache)));
  if (c.monitoring) out.push(...under(["monitoring"], monitoringProblems(c.monitoring)));
  if (c.ci) out.push(...under(["ci"], bootstrapProblems(c.ci, environment)));
  for (const [name, bg] of Object.entries(c.blueGreen ?? {})) out.push(...under(["blueGreen", name], blueGreenProblems(name, bg)).map((p) => (p.path[2] === "name" ? { ...p, path: ["blueGreen", name] } : p)));
  if (c.access && c.gke) {
    out.push(...under(["access"], accessRolesProblems(c.access.roles, { googleGroupsRbac: c.gke.rbacSecurityGroup !== undefined })));
    out.push(...under(["access"], iamBindingsProblems(c.access.iam)));
  }
  // The control-plane range is routed into the VPC, so it must miss every network range (those among themselves are
  // the network's own rule, above).
  if (c.network && c.gke && cidrRule(["gke", "masterCidr"], c.gke.masterCidr).length === 0) {
    const n = c.network;
    const ranges = [
      { name: "network.primaryCidr", cidr: n.primaryCidr, path: ["network", "primaryCidr"] },
      { name: "network.podsCidr", cidr: n.podsCidr, path: ["network", "podsCidr"] },
      { name: "network.servicesCidr", cidr: n.servicesCidr, path: ["network", "servicesCidr"] },
      ...Object.entries(n.privateServiceRanges).map(([k, cidr]) => ({ name: `network.privateServiceRanges.${k}`, cidr, path: ["network", "privateServiceRanges", k] })),
      { name: "gke.masterCidr", cidr: c.gke.masterCidr, path: ["gke", "masterCidr"] },
    ];
    out.push(...overlapProblems(ranges).filter((p) => p.path[0] === "gke"));
  }
  if (c.platform && c.blueGreen) {
    out.push(...nameClashes(c.platform.name, Object.keys(c.platform.services), Object.keys(c.blueGreen)));
    // The router sends a path to one place: a release's routePath is neither a service's nor another release's.
    const services = Object.entries(c.platform.services)
      .filter(([, s]) => s.routePath !== undefined)
      .map(([n, s]) => ({ owner: `platform service ${n} (platform.services.${n}.routePath)`, path: s.routePath! }));
    const releases = Object.entries(c.blueGreen)
      .filter(([, b]) => b.routePath !== undefined)
      .map(([n, b]) => ({ owner: n, path: b.routePath! }));
    out.push(...under(["blueGreen"], routeClashProblems(services, releases)));
  }
  if (c.frontDoor) out.push(...frontDoorSectionProblems(c));
  if (c.connections) {
    // Each name is a workload of the environment: a typo would leave a workload without what it needs.
    const known = { platform: Object.keys(c.platform?.services ?? {}), blueGreen: Object.keys(c.blueGreen ?? {}) };
    for (const kind of ["platform", "blueGreen"] as const) {
      for (const [name, targets] of Object.entries(c.connections[kind] ?? {})) {
        const what = kind === "platform" ? "platform service (platform.services)" : "blue-green service (blueGreen)";
        out.push(...unless(known[kind].includes(name), ["connections", kind, name], targets, `names no ${what}; known: ${known[kind].join(", ") || "none"}`));
      }
    }
  }
  if (environment === "production") out.push(...productionAcknowledgements(c));
  return out;
}

/**
 * The front door's rules, and what it needs of other sections: the node pools' zones (its backends are their instance
 * groups, per zone) and uptime checks on the very hosts it serves (`publicHosts`: its certificates cover exactly those).
 */
function frontDoorSectionProblems(c: Partial<GcpEnvironmentConfig>): Problem[] {
  const out: Problem[] = [...under(["frontDoor"], frontDoorProblems(c.frontDoor!))];
  if (c.gke) out.push(...unless(c.gke.nodeLocations !== undefined, ["gke", "nodeLocations"], c.gke.nodeLocations, "must name the node pools' zones when there is a front door: its backends are their instance groups, one per zone", 'e.g. ["europe-west1-b", "europe-west1-c", "europe-west1-d"]'));
  if (!c.legacy || !c.platform) return out;
  let hosts: readonly string[];
  try {
    hosts = Object.values(publicHosts(c.legacy, c.platform.router));
  } catch {
    return out; // a bad baseUrl is the platform's rule to report
  }
  // Each host's problem at the field it comes from: legacy's public host, then new.<domain>.
  const source = (p: Problem): ProblemPath => (p.path[1] === 1 ? ["platform", "router", "domain"] : ["legacy", "baseUrl"]);
  out.push(...frontDoorHostsProblems(hosts).map((p) => ({ ...p, path: source(p), rule: `front door host ${String(p.value)}: ${p.rule}` })));
  for (const [name, check] of Object.entries(c.monitoring?.uptimeChecks ?? {})) {
    out.push(...unless(hosts.includes(check.host.toLowerCase()), ["monitoring", "uptimeChecks", name, "host"], check.host, `is not a host the front door serves (${hosts.join(", ")}): its HTTPS check would not reach what serves 443 with the environment's certificate`));
  }
  return out;
}

/** Two Kubernetes objects of one kind with one name in one namespace: the second would replace the first. */
function nameClashes(platform: string, services: readonly string[], blueGreen: readonly string[]): Problem[] {
  const owners = new Map<string, string>();
  const platformServices = [...services.map((s) => workloadName(platform, s)), workloadName(platform, ROUTER_SERVICE), LEGACY_SERVICE];
  for (const n of platformServices) owners.set(`Service ${n}`, n === LEGACY_SERVICE ? "the platform's legacy Service" : `platform workload ${n}`);
  for (const s of [...services, ROUTER_SERVICE]) owners.set(`Deployment ${workloadName(platform, s)}`, `platform workload ${workloadName(platform, s)}`);
  const out: Problem[] = [];
  for (const name of blueGreen) {
    const objects = blueGreenObjectNames(name);
    for (const [kind, names] of [["Service", objects.services], ["Deployment", objects.deployments]] as const) {
      for (const n of names) {
        const key = `${kind} ${n}`;
        const owner = owners.get(key);
        if (owner) out.push({ path: ["blueGreen", name], value: name, rule: `would create the ${kind} "${n}", which is already ${owner} in the same namespace`, fix: "rename the blue-green service" });
        else owners.set(key, `blue-green service ${name}`);
      }
    }
  }
  return out;
}

/** Production keeps deletion protection, HA and point-in-time recovery unless the config acknowledges, with a reason. */
function productionAcknowledgements(c: Partial<GcpEnvironmentConfig>): Problem[] {
  const weakened: Record<(typeof ACKNOWLEDGEABLE)[number], boolean> = {
    "gke.deletionProtection": c.gke?.deletionProtection === false,
    "database.deletionProtection": c.database?.deletionProtection === false,
    "database.highAvailability": c.database?.highAvailability === false,
    "database.pointInTimeRecovery": c.database?.pointInTimeRecovery === false,
    "cache.tier": c.cache?.tier === "BASIC",
  };
  const acks = c.acknowledgements ?? {};
  const out: Problem[] = [];
  for (const key of ACKNOWLEDGEABLE) {
    const reason = acks[key];
    if (weakened[key] && reason === undefined) {
      out.push({ path: key.split("."), value: key === "cache.tier" ? "BASIC" : false, rule: "weakens production, which needs an explicit acknowledgement", fix: `add acknowledgements: { "${key}": "<why, in a sentence>" }, or turn it back on` });
    }
    if (reason !== undefined && !weakened[key]) out.push({ path: ["acknowledgements", key], value: reason, rule: "acknowledges a setting that is not weakened; remove it so it cannot cover a later change" });
    if (reason !== undefined && reason.trim().split(/\s+/).length < 4) out.push({ path: ["acknowledgements", key], value: reason, rule: "must give the reason in a sentence (4 words or more)" });
  }
  return out;
}

function stateProblems(state: GcpEnvironmentConfig["state"] | DockerEnvironmentConfig["state"], target: "docker" | "gcp"): Problem[] {
  if (state.backend === "local") return target === "gcp" ? [{ path: ["state", "backend"], value: "local", rule: 'cloud environments keep state in GCS (backend "gcs"), never on a laptop' }] : [];
  return [
    ...unless(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(state.bucket), ["state", "bucket"], state.bucket, "must be a GCS bucket name"),
    ...unless(/^[^/](.*[^/])?$/.test(state.prefix), ["state", "prefix"], state.prefix, "must not be empty, nor start or end with '/'"),
  ];
}

/** A zod issue as problems at the config path, in words a person reads: what is missing, what is allowed. */
function issueProblems(issue: z.core.$ZodIssue, prefix: ProblemPath, sectionValue: unknown, schema: z.ZodType): Problem[] {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
  const value = valueAt(sectionValue, issue.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeys(schema, issue.path);
      return issue.keys.map((key) => ({ path: [...path, key], value: valueAt(sectionValue, [...issue.path, key]), rule: `is not a known field${suggest(key, known)}${known.length ? ` (known: ${known.join(", ")})` : ""}` }));
    }
    case "invalid_type":
      return [{ path, value, rule: value === undefined ? `is required (${issue.expected})` : `must be ${article(issue.expected)} (got ${describe(value)})` }];
    case "invalid_value":
      return [{ path, value, rule: `${value === undefined ? "is required: one of" : "must be one of:"} ${issue.values.map(String).join(", ")}` }];
    case "invalid_key": {
      const keyPath = issue.path;
      const known = knownKeys(schema, keyPath);
      const bad = Object.keys(isRecord(valueAt(sectionValue, keyPath)) ? (valueAt(sectionValue, keyPath) as Record<string, unknown>) : {}).filter((k) => known.length > 0 && !known.includes(k));
      return bad.length > 0 ? bad.map((k) => ({ path: [...path, k], value: k, rule: `is not one of: ${known.join(", ")}` })) : [{ path, value, rule: issue.message }];
    }
    case "invalid_union": {
      const discriminator = "note" in issue && issue.note === "No matching discriminator";
      return [{ path, value, rule: discriminator ? `must be one of the known kinds (${describeUnion(schema, issue.path)})` : issue.message }];
    }
    default:
      return [{ path, value, rule: issue.message }];
  }
}

/** The field names the schema knows at `path` (object shapes and enum-keyed records), for unknown-key messages. */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.ZodType | undefined = schema;
  for (const key of path) {
    s = unwrap(s);
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(key)];
    else if (s instanceof z.ZodRecord) s = s.def.valueType as z.ZodType;
    else if (s instanceof z.ZodArray) s = s.def.element as z.ZodType;
    else if (s instanceof z.ZodDiscriminatedUnion) return [];
    else return [];
  }
  s = unwrap(s);
  if (s instanceof z.ZodObject) return Object.keys(s.shape);
  if (s instanceof z.ZodRecord && s.def.keyType instanceof z.ZodEnum) return s.def.keyType.options.map(String);
  return [];
}

function describeUnion(schema: z.ZodType, path: readonly PropertyKey[]): string {
  let s: z.ZodType | undefined = schema;
  for (const key of path) {
    s = unwrap(s);
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(key)];
    else if (s instanceof z.ZodRecord) s = s.def.valueType as z.ZodType;
  }
  s = unwrap(s);
  if (s instanceof z.ZodDiscriminatedUnion) {
    const d = s.def.discriminator;
    const kinds = (s.def.options as z.ZodObject[]).map((o) => (o.shape[d] as z.ZodLiteral).value);
    return `${d}: ${kinds.map(String).join(", ")}`;
  }
  return "see schema";
}

function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodReadonly || cur instanceof z.ZodNullable) cur = cur.def.innerType as z.ZodType;
  return cur;
}

/** ` (did you mean "x"?)` when a known key is one or two edits away. */
function suggest(key: string, known: readonly string[]): string {
  const best = known.map((k) => [k, distance(key.toLowerCase(), k.toLowerCase())] as const).sort((a, b) => a[1] - b[1])[0];
  return best && best[1] <= 2 ? ` (did you mean "${best[0]}"?)` : "";
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
const describe = (v: unknown) => (Array.isArray(v) ? "an array" : v === null ? "null" : typeof v === "string" ? `the string ${JSON.stringify(v)}` : typeof v);

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (!isRecord(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
