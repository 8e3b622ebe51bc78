import { RedisInstance } from "@cdktf/provider-google/lib/redis-instance";
import { Construct } from "constructs";
import { Connection, ConnectionClient, IConnectable, PerClient } from "../connections/connection";
import { MaintenanceWindow } from "../database/cloud-sql-db";
import { INetworkRef } from "../network/network";
import { withDefaults } from "../validation/defaults";
import { applyProblems } from "../validation/problem";
import { memorystoreProblems } from "./rules";

/** What a {@link Memorystore} is made of; an environment's `cache` section has exactly this shape. */
export interface MemorystoreOptions {
  /** Instance name, at most 40 characters (Memorystore's limit). */
  readonly name: string;
  /** BASIC (single node) or STANDARD_HA (replicated with automatic failover). */
  readonly tier: "BASIC" | "STANDARD_HA";
  readonly memorySizeGb: number;
  /** @default "REDIS_7_2" */
  readonly version?: "REDIS_7_0" | "REDIS_7_2";
  /**
   * Read replicas (STANDARD_HA only, 5 GB or more).
   * @default 0
   */
  readonly readReplicas?: number;
  /** @default "TWELVE_HOURS" */
  readonly rdbSnapshotPeriod?: "ONE_HOUR" | "SIX_HOURS" | "TWELVE_HOURS" | "TWENTY_FOUR_HOURS";
  readonly maintenanceWindow: MaintenanceWindow;
}

/** Props for {@link Memorystore}. */
export interface MemorystoreProps extends MemorystoreOptions {
  readonly project: string;
  readonly region: string;
  /** The VPC; the instance is reached over private service access only. */
  readonly network: INetworkRef;
  /** The private-service-access range name the instance's addresses come from (see `Network.privateServiceRanges`). */
  readonly privateServiceRange: string;
  /** @default {} */
  readonly labels?: Record<string, string>;
}

/** The defaults of {@link MemorystoreOptions}, as documented there. */
export const MEMORYSTORE_DEFAULTS = { version: "REDIS_7_2", readReplicas: 0, rdbSnapshotPeriod: "TWELVE_HOURS" } as const satisfies Partial<MemorystoreOptions>;

/** The port Memorystore serves TLS on. */
export const MEMORYSTORE_TLS_PORT = 6378;

/**
 * Memorystore for Redis 7: AUTH on, TLS in transit, RDB snapshots, optional HA and read replicas,
 * a maintenance window, reachable only through private service access.
 */
export class Memorystore extends Construct implements IConnectable {
  /** The instance (escape hatch). */
  readonly resource: RedisInstance;
  readonly host: string;
  readonly port: number;
  /** Read endpoint (when read replicas are on). */
  readonly readEndpoint: string;
  readonly connectableName: string;
  private readonly connections = new PerClient();
  private readonly replicas: number;

  constructor(scope: Construct, id: string, props: MemorystoreProps) {
    super(scope, id);
    applyProblems(this, memorystoreProblems(props));
    const o = withDefaults(MEMORYSTORE_DEFAULTS, props);
    const replicas = o.readReplicas;
    this.resource = new RedisInstance(this, "Resource", {
      project: props.project,
      region: props.region,
      name: props.name,
      tier: props.tier,
      memorySizeGb: props.memorySizeGb,
      redisVersion: o.version,
      authorizedNetwork: props.network.networkId,
      connectMode: "PRIVATE_SERVICE_ACCESS",
      reservedIpRange: props.privateServiceRange,
      authEnabled: true,
      transitEncryptionMode: "SERVER_AUTHENTICATION",
      readReplicasMode: replicas > 0 ? "READ_REPLICAS_ENABLED" : "READ_REPLICAS_DISABLED",
      replicaCount: props.tier === "STANDARD_HA" ? Math.max(replicas, 1) : undefined,
      persistenceConfig: { persistenceMode: "RDB", rdbSnapshotPeriod: o.rdbSnapshotPeriod },
      maintenancePolicy: {
        weeklyMaintenanceWindow: [{ day: props.maintenanceWindow.day, startTime: { hours: props.maintenanceWindow.hourUtc, minutes: 0, seconds: 0, nanos: 0 } }],
      },
      labels: props.labels ?? {},
      dependsOn: props.network.serviceNetworkingConnection ? [props.network.serviceNetworkingConnection] : undefined,
    });
    this.host = this.resource.host;
    this.port = MEMORYSTORE_TLS_PORT;
    this.readEndpoint = this.resource.readEndpoint;
    this.connectableName = `Memorystore ${props.name}`;
    this.replicas = replicas;
  }

  /**
   * What a workload needs to use the cache: egress to its endpoints on the TLS port, and the settings
   * (`REDIS_HOST`, `REDIS_PORT`, `REDIS_TLS`, `REDIS_CA_CERT`: the server CA to verify it with, `REDIS_READ_HOST` with
   * read replicas) with the AUTH string as a secret (`REDIS_AUTH`). Memorystore has no IAM for data access.
   */
  connect(client: ConnectionClient): Connection {
    return this.connections.get(client, () => ({
      egress: [
        { cidr: `${this.host}/32`, ports: [this.port], why: `${this.connectableName} (TLS)` },
        ...(this.replicas > 0 ? [{ cidr: `${this.readEndpoint}/32`, ports: [this.port], why: `${this.connectableName} read endpoint (TLS)` }] : []),
      ],
      config: {
        REDIS_HOST: this.host,
        REDIS_PORT: String(this.port),
        REDIS_TLS: "true",
        REDIS_CA_CERT: this.resource.serverCaCerts.get(0).cert,
        ...(this.replicas > 0 ? { REDIS_READ_HOST: this.readEndpoint } : {}),
      },
      secrets: { REDIS_AUTH: this.resource.authString },
    }));
  }
}
