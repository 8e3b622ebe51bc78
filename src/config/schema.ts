/**
 * The environment config's shape. Environments are data (`environments/<env>.ts`). Each section has exactly the
 * shape of the options of the construct it configures (checked at compile time below), carries no default (the
 * construct has it, next to its prop's doc) and no rule (the construct's rule module has it; `load.ts` runs it):
 * zod here says only what type each field is and which fields exist.
 */
import { z } from "zod";
import type { AccessMatrixOptions } from "../access/access-matrix";
import { ACCESS_AREAS, ACCESS_LEVELS, ACCESS_ROLES } from "../access/grants";
import type { BootstrapOptions } from "../bootstrap/bootstrap";
import type { MemorystoreOptions } from "../cache/memorystore";
import type { CloudSqlDbOptions } from "../database/cloud-sql-db";
import type { BlueGreenServiceOptions } from "../deploy/blue-green-service";
import { IDLE_MODES } from "../deploy/private/capacity-plan";
import type { FrontDoorOptions } from "../edge/front-door";
import { DNS_AUTHORIZATION_TYPES, TLS_PROFILES } from "../edge/rules";
import type { GkeClusterOptions } from "../gke/gke-cluster";
import type { MonitoringOptions } from "../monitoring/monitoring";
import type { NetworkOptions } from "../network/network";
import type { LegacySystem, ParallelPlatformOptions } from "../platform/options";
import { PORT_CATEGORIES } from "../ports/plan";
import { MIGRATION_PHASES } from "../platform/router-config";

/** The stack ids, in deploy order. App config, not part of the library. */
export const ENVIRONMENT_NAMES = ["dev", "staging", "production"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

const str = z.string();
const num = z.number();
const bool = z.boolean();
const strings = z.array(str).readonly();
const stringMap = z.record(str, str);
const WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"] as const;
const weeklyWindow = z.object({ day: z.enum(WEEKDAYS), hourUtc: num }).strict();

export const networkSchema = z
  .object({ name: str, primaryCidr: str, podsCidr: str, servicesCidr: str, privateServiceRanges: stringMap, flowLogSampling: num.optional(), iapSourceRanges: z.array(str).optional(), privateGoogleApis: bool.optional() })
  .strict();

export const gkeSchema = z
  .object({
    name: str,
    releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).optional(),
    masterCidr: str,
    privateEndpoint: bool.optional(),
    masterAuthorizedNetworks: stringMap.optional(),
    deletionProtection: bool,
    maintenanceWindow: z.object({ startTimeUtc: str, durationHours: num.optional() }).strict(),
    nodePools: z.record(str, z.object({ machineType: str, minNodesPerZone: num, maxNodesPerZone: num, diskSizeGb: num.optional(), spot: bool.optional() }).strict()),
    rbacSecurityGroup: str.optional(),
    secretManagerAddon: bool.optional(),
    binaryAuthorization: bool.optional(),
    dnsEndpoint: bool.optional(),
    nodeLocations: strings.optional(),
  })
  .strict();

export const databaseSchema = z
  .object({
    name: str,
    version: z.enum(["POSTGRES_15", "POSTGRES_16", "POSTGRES_17"]).optional(),
    tier: str,
    diskSizeGb: num,
    highAvailability: bool,
    readReplica: bool.optional(),
    deletionProtection: bool,
    backupStartTimeUtc: str.optional(),
    backupRetentionDays: num.optional(),
    pointInTimeRecovery: bool.optional(),
    transactionLogRetentionDays: num.optional(),
    maintenanceWindow: weeklyWindow,
    databases: z.array(str),
    users: z
      .record(
        str,
        z.discriminatedUnion("type", [
          z.object({ type: z.literal("built-in"), passwordVersion: num.optional() }).strict(),
          z.object({ type: z.literal("iam-service-account"), serviceAccountEmail: str }).strict(),
        ]),
      )
      .optional(),
    requireClientCertificates: bool.optional(),
    maxConnections: num.optional(),
  })
  .strict();

export const cacheSchema = z
  .object({
    name: str,
    tier: z.enum(["BASIC", "STANDARD_HA"]),
    memorySizeGb: num,
    version: z.enum(["REDIS_7_0", "REDIS_7_2"]).optional(),
    readReplicas: num.optional(),
    rdbSnapshotPeriod: z.enum(["ONE_HOUR", "SIX_HOURS", "TWELVE_HOURS", "TWENTY_FOUR_HOURS"]).optional(),
    maintenanceWindow: weeklyWindow,
  })
  .strict();

export const monitoringSchema = z
  .object({
    notificationChannels: z.record(str, z.discriminatedUnion("type", [z.object({ type: z.literal("email"), address: str }).strict(), z.object({ type: z.literal("pubsub"), topic: str }).strict()])),
    p0Channels: z.array(str),
    p1Channels: z.array(str).optional(),
    uptimeChecks: z.record(str, z.object({ host: str, path: str.optional(), side: z.enum(["legacy", "new"]) }).strict()).optional(),
    thresholds: z.object({ errorRatePercent: num.optional(), latencyP95Ms: num.optional(), cpuPercent: num.optional(), memoryPercent: num.optional(), dbConnectionsPercent: num.optional() }).strict().optional(),
  })
  .strict();

export const frontDoorSchema = z
  .object({
    name: str,
    nodePort: num,
    healthCheckPath: str.optional(),
    tlsProfile: z.enum(TLS_PROFILES).optional(),
    hstsMaxAgeSec: num.optional(),
    backendTimeoutSec: num.optional(),
    connectionDrainingTimeoutSec: num.optional(),
    rateLimit: z.union([z.object({ requestsPerMinute: num, windowSec: num.optional() }).strict(), z.literal(false)]).optional(),
    adaptiveProtection: bool.optional(),
    dnsAuthorizationType: z.enum(DNS_AUTHORIZATION_TYPES).optional(),
  })
  .strict();

export const legacySchema = z
  .object({
    name: str,
    baseUrl: str,
    healthPath: str.optional(),
    reservedPorts: z.record(str, num),
    dockerNetwork: str.optional(),
    upstream: str.optional(),
    verifyTls: bool.optional(),
    trustedCertificate: str.optional(),
  })
  .strict();

const autoscalingSchema = z.object({ minReplicas: num.optional(), maxReplicas: num.optional(), cpuPercent: num.optional(), memoryPercent: num.optional() }).strict();

const serviceSchema = z
  .object({
    image: str,
    category: z.enum(PORT_CATEGORIES),
    containerPort: num,
    port: num.optional(),
    env: stringMap.optional(),
    healthPath: str.optional(),
    healthCommand: strings.optional(),
    writablePaths: strings.optional(),
    cpuMillis: num.optional(),
    memoryMb: num.optional(),
    replicas: num.optional(),
    autoscaling: autoscalingSchema.optional(),
    preStopSleepSeconds: num.optional(),
    bridgeToLegacy: bool.optional(),
    calls: strings.optional(),
    public: bool.optional(),
    routePath: str.optional(),
    entry: bool.optional(),
    runAsUser: num.optional(),
  })
  .strict();

export const platformSchema = z
  .object({
    name: str,
    namespace: str.optional(),
    ports: z.object({ strategy: z.enum(["offset", "blocks"]), avoid: z.array(num).optional() }).strict(),
    services: z.record(str, serviceSchema),
    router: z
      .object({ domain: str, phase: z.enum(MIGRATION_PHASES), weightPercent: num.optional(), port: num.optional(), image: str.optional(), replicas: num.optional(), autoscaling: autoscalingSchema.optional(), runAsUser: num.optional() })
      .strict(),
  })
  .strict();

const quantities = z.object({ cpu: str, memory: str }).strict();
export const blueGreenSchema = z
  .object({
    blue: z.object({ image: str.optional() }).strict(),
    green: z.object({ image: str.optional() }).strict(),
    activeColor: z.enum(["blue", "green"]),
    canaryPercent: num.optional(),
    idle: z.enum(IDLE_MODES).optional(),
    routePath: str.optional(),
    containerPort: num,
    healthPath: str.optional(),
    autoscaling: autoscalingSchema.optional(),
    minAvailable: num.optional(),
    requests: quantities.optional(),
    limits: quantities.optional(),
    config: stringMap.optional(),
    secrets: stringMap.optional(),
    env: stringMap.optional(),
    automountServiceAccountToken: bool.optional(),
    preStopSleepSeconds: num.optional(),
  })
  .strict();

const level = z.enum(ACCESS_LEVELS);
export const accessSchema = z
  .object({
    roles: z.partialRecord(
      z.enum(ACCESS_ROLES),
      z.object({ members: strings, grants: z.object(Object.fromEntries(ACCESS_AREAS.map((a) => [a, level])) as Record<(typeof ACCESS_AREAS)[number], typeof level>).strict() }).strict(),
    ),
    iam: z.record(str, strings).optional(),
  })
  .strict();

export const ciSchema = z.object({ repository: str, planEnvironment: str.optional(), deployEnvironment: str.optional(), stateVersionsKept: num.optional() }).strict();

export const stateSchema = z.discriminatedUnion("backend", [
  z.object({ backend: z.literal("local"), path: str.optional() }).strict(),
  z.object({ backend: z.literal("gcs"), bucket: str, prefix: str }).strict(),
]);

/** What a workload of an environment may use: the environment's own database, cache, and Google APIs (its VPC's way to them). */
export const CONNECTION_TARGETS = ["database", "cache", "googleApis"] as const;
export type ConnectionTarget = (typeof CONNECTION_TARGETS)[number];
const uses = z.array(z.enum(CONNECTION_TARGETS)).readonly();
/** What each workload uses, by workload: the stack connects it to the environment's constructs (`connectsTo`). */
export const connectionsSchema = z.object({ platform: z.record(str, uses).optional(), blueGreen: z.record(str, uses).optional() }).strict();

/**
 * Settings that production may weaken only when the config says so, with a reason: keys are the config paths
 * (`database.highAvailability`), values the reason.
 */
export const ACKNOWLEDGEABLE = ["gke.deletionProtection", "database.deletionProtection", "database.highAvailability", "database.pointInTimeRecovery", "cache.tier"] as const;
export type Acknowledgeable = (typeof ACKNOWLEDGEABLE)[number];

/** Every section of an environment and its schema; `load.ts` parses them one by one, so one bad section hides nothing else. */
export const COMMON_SECTIONS = {
  name: str,
  target: z.enum(["docker", "gcp"]),
  state: stateSchema,
  labels: stringMap.optional(),
  legacy: legacySchema,
  platform: platformSchema,
} as const;
export const DOCKER_SECTIONS = { ...COMMON_SECTIONS, docker: z.object({ host: str.optional() }).strict().optional() } as const;
export const GCP_SECTIONS = {
  ...COMMON_SECTIONS,
  gcp: z.object({ project: str, region: str }).strict(),
  network: networkSchema,
  gke: gkeSchema,
  database: databaseSchema,
  cache: cacheSchema,
  monitoring: monitoringSchema,
  /** HTTPS in front of the router for the environment's public hosts (legacy's and new.<domain>); without it the router is ClusterIP only. */
  frontDoor: frontDoorSchema.optional(),
  /** Blue-green services by name; release steps change `canaryPercent`, `activeColor` and `idle` (`npm run release`). */
  blueGreen: z.record(str, blueGreenSchema).optional(),
  /**
   * What each workload uses (`platform.<service>`, `blueGreen.<name>`): the stack connects it to this environment's
   * database, cache or Google APIs, and the egress, IAM and settings follow from that. Not listed: DNS only.
   */
  connections: connectionsSchema.optional(),
  /** Seed 002's access table: roles -> members and a level per area. */
  access: accessSchema,
  /** The repository whose CI plans and deploys it: the bootstrap stack federates its workflows (`<env>-bootstrap`). */
  ci: ciSchema,
  acknowledgements: z.partialRecord(z.enum(ACKNOWLEDGEABLE), str).optional(),
} as const;

type Out<S extends Record<string, z.ZodType>> = { [K in keyof S as undefined extends z.output<S[K]> ? never : K]: z.output<S[K]> } & {
  [K in keyof S as undefined extends z.output<S[K]> ? K : never]?: z.output<S[K]>;
};
export type DockerEnvironmentConfig = Out<typeof DOCKER_SECTIONS> & { readonly target: "docker" };
export type GcpEnvironmentConfig = Out<typeof GCP_SECTIONS> & { readonly target: "gcp" };
/** A validated environment: the sections, as written (defaults live in the constructs). */
export type EnvironmentConfig = DockerEnvironmentConfig | GcpEnvironmentConfig;
/** What an environment file writes. */
export type EnvironmentInput = EnvironmentConfig;

// Each section has exactly its construct's options: a field added to one and not the other fails to compile.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type SectionsMatchConstructs = [
  Assert<Exactly<z.output<typeof networkSchema>, NetworkOptions>>,
  Assert<Exactly<z.output<typeof gkeSchema>, GkeClusterOptions>>,
  Assert<Exactly<z.output<typeof databaseSchema>, CloudSqlDbOptions>>,
  Assert<Exactly<z.output<typeof cacheSchema>, MemorystoreOptions>>,
  Assert<Exactly<z.output<typeof monitoringSchema>, MonitoringOptions>>,
  Assert<Exactly<z.output<typeof frontDoorSchema>, FrontDoorOptions>>,
  Assert<Exactly<z.output<typeof legacySchema>, LegacySystem>>,
  Assert<Exactly<z.output<typeof platformSchema>, ParallelPlatformOptions>>,
  Assert<Exactly<z.output<typeof blueGreenSchema>, BlueGreenServiceOptions>>,
  Assert<Exactly<z.output<typeof accessSchema>, AccessMatrixOptions>>,
  Assert<Exactly<z.output<typeof ciSchema>, BootstrapOptions>>,
];
