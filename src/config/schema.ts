/**
 * The environment config schema. Environments are data (`environments/<env>.ts`);
 * this schema is the single place that says what a valid one is.
 */
import { z } from "zod";
import { cidrProblem, describeOverlap, findOverlaps, NamedCidr } from "../network/cidr";
import { accessSchema } from "../access/config-schema";
import { blueGreenServiceSchema } from "../deploy/config-schema";
import { platformSchema } from "../platform/config-schema";
import { platformPortRequests } from "../platform/port-requests";
import { PortConflictError, planPorts } from "../ports/plan";

export const ENVIRONMENT_NAMES = ["dev", "staging", "production"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** A canonical IPv4 CIDR. */
export const cidr = z.string().superRefine((value, ctx) => {
  const problem = cidrProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `must be a canonical IPv4 CIDR (${problem})` });
});

/** Lower-case RFC 1035 name as GCP and Kubernetes accept it. */
export const resourceName = z
  .string()
  .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a lower-case RFC 1035 name: a-z, 0-9 and '-', start with a letter, at most 63 characters");

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a 24-hour UTC time HH:MM");

const labels = z.record(
  z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, "label keys must be lower-case, start with a letter, at most 63 characters"),
  z.string().regex(/^[a-z0-9_-]{0,63}$/, "label values must be lower-case letters, digits, '_' or '-', at most 63 characters"),
);

const weekday = z.enum(["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]);

/** A weekly maintenance window, UTC. */
export const maintenanceWindowSchema = z
  .object({
    day: weekday.describe("day of the week"),
    hourUtc: z.number().int().min(0, "must be 0-23").max(23, "must be 0-23"),
  })
  .strict();

const gcpSchema = z
  .object({
    project: z
      .string()
      .regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, "must be a GCP project id: 6-30 characters, lower-case letters, digits and '-', starting with a letter"),
    region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, "must be a GCP region such as europe-west1"),
  })
  .strict();

const stateSchema = z.discriminatedUnion("backend", [
  z.object({ backend: z.literal("local"), path: z.string().min(1).default("terraform.dev.tfstate") }).strict(),
  z
    .object({
      backend: z.literal("gcs"),
      bucket: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, "must be a GCS bucket name"),
      prefix: z.string().min(1, "must not be empty").regex(/^[^/].*[^/]$|^[^/]$/, "must not start or end with '/'"),
    })
    .strict(),
]);

const networkSchema = z
  .object({
    name: resourceName,
    subnet: z
      .object({
        primaryCidr: cidr,
        podsCidr: cidr,
        servicesCidr: cidr,
      })
      .strict(),
    /** Range reserved for private service access (Cloud SQL, Memorystore). */
    privateServiceAccessCidr: cidr.refine((c) => Number(c.split("/")[1]) <= 24, "must be /24 or larger (Cloud SQL needs at least a /24)"),
    flowLogSampling: z.number().min(0, "must be 0-1").max(1, "must be 0-1").default(0.5),
  })
  .strict();

const nodePoolSchema = z
  .object({
    machineType: z.string().regex(/^[a-z0-9]+-[a-z0-9-]+$/, "must be a GCE machine type such as e2-standard-4"),
    minNodesPerZone: z.number().int().min(0, "must be >= 0"),
    maxNodesPerZone: z.number().int().min(1, "must be >= 1").max(1000, "must be <= 1000"),
    diskSizeGb: z.number().int().min(10, "must be >= 10 (GKE minimum boot disk)").max(65536).default(100),
    spot: z.boolean().default(false),
  })
  .strict()
  .refine((p) => p.minNodesPerZone <= p.maxNodesPerZone, {
    message: "minNodesPerZone must be <= maxNodesPerZone",
    path: ["minNodesPerZone"],
  });

const gkeSchema = z
  .object({
    name: resourceName,
    releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default("REGULAR"),
    masterCidr: cidr.refine((c) => c.endsWith("/28"), "must be a /28 (GKE control-plane range)"),
    privateEndpoint: z.boolean().default(false),
    masterAuthorizedNetworks: z.record(z.string(), cidr).default({}),
    deletionProtection: z.boolean(),
    maintenanceWindow: z.object({ startTimeUtc: hhmm, durationHours: z.number().int().min(4, "must be >= 4 (GKE minimum)").max(24) }).strict(),
    /** `gke-security-groups@<domain>`: turns on Google Groups for Kubernetes RBAC. */
    rbacSecurityGroup: z.email("must be the gke-security-groups@<domain> group address").optional(),
    nodePools: z.record(resourceName, nodePoolSchema).refine((pools) => Object.keys(pools).length > 0, "at least one node pool is required"),
  })
  .strict();

const databaseSchema = z
  .object({
    name: resourceName,
    version: z.enum(["POSTGRES_15", "POSTGRES_16", "POSTGRES_17"]).default("POSTGRES_16"),
    tier: z.string().regex(/^db-(custom-\d+-\d+|f1-micro|g1-small|perf-optimized-N-\d+)$/, "must be a Cloud SQL tier such as db-custom-4-16384"),
    diskSizeGb: z.number().int().min(10, "must be >= 10 (Cloud SQL minimum)").max(65536, "must be <= 65536 (Cloud SQL maximum)"),
    highAvailability: z.boolean(),
    readReplica: z.boolean().default(false),
    deletionProtection: z.boolean(),
    backupStartTimeUtc: hhmm.default("03:00"),
    backupRetentionDays: z.number().int().min(1, "must be >= 1").max(365, "must be <= 365"),
    pointInTimeRecovery: z.boolean().default(true),
    transactionLogRetentionDays: z.number().int().min(1).max(7, "must be <= 7 (Cloud SQL maximum)").default(7),
    maintenanceWindow: maintenanceWindowSchema,
    databases: z.array(resourceName.or(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/))).min(1, "at least one database is required"),
    /** Database users keyed by role name; IAM users need no password, built-in users get one in Secret Manager. */
    users: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "user names must be lower-case PostgreSQL role names"),
        z.discriminatedUnion("type", [
          z.object({ type: z.literal("built-in"), passwordVersion: z.number().int().min(1, "must be >= 1").default(1) }).strict(),
          z.object({ type: z.literal("iam-service-account"), serviceAccountEmail: z.email("must be a service account e-mail").endsWith(".gserviceaccount.com", "must end with .gserviceaccount.com") }).strict(),
        ]),
      )
      .default({}),
    /** Require client certificates (Auth Proxy / connectors); false keeps TLS but accepts plain TLS clients. */
    requireClientCertificates: z.boolean().default(true),
    /** Sets the `max_connections` flag; the connections alert is a share of it. */
    maxConnections: z.number().int().min(25, "must be >= 25").max(262143, "must be <= 262143").default(200),
  })
  .strict()
  .superRefine((db, ctx) => {
    const m = /^db-custom-(\d+)-(\d+)$/.exec(db.tier);
    if (!m) return;
    const cpus = Number(m[1]);
    const memoryMb = Number(m[2]);
    // Cloud SQL custom machine rules: 1 or an even number of vCPUs up to 96, 0.9-6.5 GB per vCPU, memory a multiple of 256 MB.
    const problems: string[] = [];
    if (cpus !== 1 && (cpus % 2 !== 0 || cpus > 96)) problems.push("vCPUs must be 1 or an even number up to 96");
    if (memoryMb % 256 !== 0) problems.push("memory must be a multiple of 256 MB");
    if (memoryMb < cpus * 922 || memoryMb > cpus * 6656) problems.push(`memory must be 0.9-6.5 GB per vCPU (${cpus * 922}-${cpus * 6656} MB for ${cpus} vCPUs)`);
    if (problems.length > 0) ctx.addIssue({ code: "custom", path: ["tier"], message: `is not a possible Cloud SQL machine: ${problems.join("; ")}` });
  });

const cacheSchema = z
  .object({
    name: resourceName,
    tier: z.enum(["BASIC", "STANDARD_HA"]),
    memorySizeGb: z.number().int().min(1, "must be >= 1").max(300, "must be <= 300 (Memorystore maximum)"),
    version: z.enum(["REDIS_7_0", "REDIS_7_2"]).default("REDIS_7_2"),
    readReplicas: z.number().int().min(0).max(5, "must be 0-5").default(0),
    /** A private-service-access range of the cache's own, so Redis never competes with Cloud SQL for addresses. */
    reservedCidr: cidr.refine((c) => Number(c.split("/")[1]) <= 24, "must be /24 or larger (Memorystore private-service-access minimum)"),
    rdbSnapshotPeriod: z.enum(["ONE_HOUR", "SIX_HOURS", "TWELVE_HOURS", "TWENTY_FOUR_HOURS"]).default("TWELVE_HOURS"),
    maintenanceWindow: maintenanceWindowSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.readReplicas > 0 && c.tier !== "STANDARD_HA") {
      ctx.addIssue({ code: "custom", path: ["readReplicas"], message: "read replicas need tier STANDARD_HA" });
    }
    if (c.readReplicas > 0 && c.memorySizeGb < 5) {
      ctx.addIssue({ code: "custom", path: ["memorySizeGb"], message: "read replicas need at least 5 GB of memory (Memorystore rule)" });
    }
  });

const notificationChannelSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("email"), address: z.email("must be an e-mail address") }).strict(),
  z.object({ type: z.literal("pubsub"), topic: z.string().regex(/^projects\/[^/]+\/topics\/[^/]+$/, "must be projects/<project>/topics/<topic>") }).strict(),
]);

const monitoringSchema = z
  .object({
    notificationChannels: z.record(resourceName, notificationChannelSchema).refine((c) => Object.keys(c).length > 0, "at least one notification channel is required"),
    /** Which channels get P0 (page) and P1 (ticket) alerts. */
    p0Channels: z.array(resourceName).min(1, "at least one channel must receive P0 alerts"),
    p1Channels: z.array(resourceName).default([]),
    uptimeChecks: z
      .record(
        resourceName,
        z.object({ host: z.string().min(1), path: z.string().startsWith("/", "must start with '/'").default("/health"), side: z.enum(["legacy", "new"]) }).strict(),
      )
      .default({}),
    thresholds: z
      .object({
        errorRatePercent: z.number().gt(0).lt(100).default(1),
        latencyP95Ms: z.number().int().positive().default(2000),
        cpuPercent: z.number().gt(0).lte(100).default(85),
        memoryPercent: z.number().gt(0).lte(100).default(85),
        dbConnectionsPercent: z.number().gt(0).lte(100).default(90),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const key of ["p0Channels", "p1Channels"] as const) {
      m[key].forEach((ch, i) => {
        if (!(ch in m.notificationChannels)) {
          ctx.addIssue({ code: "custom", path: [key, i], message: `names no channel in notificationChannels (known: ${Object.keys(m.notificationChannels).join(", ")})` });
        }
      });
    }
  });

const legacySchema = z
  .object({
    name: resourceName,
    baseUrl: z.url("must be a URL such as http://localhost:8000"),
    healthPath: z.string().startsWith("/", "must start with '/'").default("/health"),
    /** Ports the legacy system owns; never allocated to the new platform. */
    reservedPorts: z.record(z.string(), z.number().int().min(1).max(65535, "must be a TCP port 1-65535")),
    /** Docker network the legacy containers run on (dev). */
    dockerNetwork: z.string().optional(),
    /** `host:port` the router reaches legacy at (dev: a container name on dockerNetwork). */
    upstream: z.string().regex(/^[a-z0-9.-]+:\d{1,5}$/i, "must be host:port").optional(),
  })
  .strict();

const common = {
  name: z.enum(ENVIRONMENT_NAMES),
  labels: labels.default({}),
  legacy: legacySchema,
  platform: platformSchema,
};

/** Port conflicts fail config validation already, naming both claimants. */
function checkPorts(env: { legacy: { reservedPorts: Record<string, number> }; platform: z.output<typeof platformSchema> }, ctx: z.core.$RefinementCtx): void {
  const services = platformPortRequests(env.platform.services, env.platform.router);
  try {
    planPorts({ strategy: env.platform.ports.strategy, reserved: env.legacy.reservedPorts, avoid: env.platform.ports.avoid, services });
  } catch (e) {
    if (!(e instanceof PortConflictError)) throw e;
    for (const c of e.conflicts) {
      const service = /service "([^"]+)"/.exec(c.claimants[0])?.[1];
      const path = service === "router" ? ["platform", "router", "port"] : service ? ["platform", "services", service, "port"] : ["platform"];
      ctx.addIssue({ code: "custom", path, message: `port ${c.port}: ${c.claimants.join(" and ")}: ${c.rule}` });
    }
  }
}

const dockerEnvironmentSchema = z
  .object({
    ...common,
    target: z.literal("docker"),
    state: stateSchema,
    /** Docker engine; without it, DOCKER_HOST or the local socket (as the docker CLI). */
    docker: z.object({ host: z.string().min(1).optional() }).strict().prefault({}),
  })
  .strict()
  .superRefine((env, ctx) => {
    checkPorts(env, ctx);
    const bridged = Object.entries(env.platform.services).filter(([, s]) => s.bridgeToLegacy);
    if (bridged.length > 0 && !env.legacy.dockerNetwork) {
      ctx.addIssue({ code: "custom", path: ["legacy", "dockerNetwork"], message: `${bridged.map(([n]) => n).join(", ")} bridge to legacy, so name the legacy Docker network to join` });
    }
  });

const gcpEnvironmentSchema = z
  .object({
    ...common,
    target: z.literal("gcp"),
    state: stateSchema,
    gcp: gcpSchema,
    network: networkSchema,
    gke: gkeSchema,
    database: databaseSchema,
    cache: cacheSchema,
    monitoring: monitoringSchema,
    /** Blue-green services by name; promotion and rollback change `activeColor`. */
    blueGreen: z.record(resourceName, blueGreenServiceSchema).default({}),
    /** Seed 002's access table: roles -> members and a level per area. */
    access: accessSchema,
  })
  .strict()
  .superRefine((env, ctx) => {
    checkPorts(env, ctx);
    if (!env.gke.rbacSecurityGroup) {
      for (const [role, spec] of Object.entries(env.access.roles)) {
        spec?.members.forEach((m, i) => {
          if (m.startsWith("group:")) ctx.addIssue({ code: "custom", path: ["access", "roles", role, "members", i], message: "Google groups need gke.rbacSecurityGroup (GKE Google Groups for RBAC)" });
        });
      }
    }
    if (env.state.backend !== "gcs") {
      ctx.addIssue({ code: "custom", path: ["state", "backend"], message: "cloud environments keep state in GCS (backend \"gcs\"), never on a laptop" });
    }
    for (const overlap of findOverlaps(gcpRanges(env))) {
      ctx.addIssue({ code: "custom", path: overlap.b.name.split("."), message: describeOverlap(overlap) });
    }
  });

/** Every CIDR of a cloud environment, named by its config path. */
export function gcpRanges(env: {
  network: { subnet: { primaryCidr: string; podsCidr: string; servicesCidr: string }; privateServiceAccessCidr: string };
  gke: { masterCidr: string; masterAuthorizedNetworks?: Record<string, string> };
  cache: { reservedCidr: string };
}): NamedCidr[] {
  const ranges: NamedCidr[] = [
    { name: "network.subnet.primaryCidr", cidr: env.network.subnet.primaryCidr },
    { name: "network.subnet.podsCidr", cidr: env.network.subnet.podsCidr },
    { name: "network.subnet.servicesCidr", cidr: env.network.subnet.servicesCidr },
    { name: "network.privateServiceAccessCidr", cidr: env.network.privateServiceAccessCidr },
    { name: "gke.masterCidr", cidr: env.gke.masterCidr },
  ];
  ranges.push({ name: "cache.reservedCidr", cidr: env.cache.reservedCidr });
  return ranges;
}

export const environmentSchema = z.discriminatedUnion("target", [dockerEnvironmentSchema, gcpEnvironmentSchema]);

/** What an environment file writes (defaults may be omitted). */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** A validated environment with every default filled in. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type DockerEnvironmentConfig = Extract<EnvironmentConfig, { target: "docker" }>;
export type GcpEnvironmentConfig = Extract<EnvironmentConfig, { target: "gcp" }>;
