import { RedisInstance } from "@cdktf/provider-google/lib/redis-instance";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { MaintenanceWindow } from "../database/cloud-sql-db";
import { INetworkRef } from "../network/network";

/** Props for {@link Memorystore}. */
export interface MemorystoreProps {
  readonly project: string;
  readonly region: string;
  readonly name: string;
  /** The VPC; the instance is reached over private service access only. */
  readonly network: INetworkRef;
  /** The private-service-access range name the instance's addresses come from (see `Network.privateServiceRanges`). */
  readonly privateServiceRange: string;
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
  /** @default {} */
  readonly labels?: Record<string, string>;
}

/** The port Memorystore serves TLS on. */
export const MEMORYSTORE_TLS_PORT = 6378;

/**
 * Memorystore for Redis 7: AUTH on, TLS in transit, RDB snapshots, optional HA and read replicas,
 * a maintenance window, reachable only through private service access.
 */
export class Memorystore extends Construct {
  /** The instance (escape hatch). */
  readonly resource: RedisInstance;
  readonly host: string;
  readonly port: number;
  /** Read endpoint (when read replicas are on). */
  readonly readEndpoint: string;

  constructor(scope: Construct, id: string, props: MemorystoreProps) {
    super(scope, id);
    const replicas = props.readReplicas ?? 0;
    this.validate(props, replicas);
    this.resource = new RedisInstance(this, "Resource", {
      project: props.project,
      region: props.region,
      name: props.name,
      tier: props.tier,
      memorySizeGb: props.memorySizeGb,
      redisVersion: props.version ?? "REDIS_7_2",
      authorizedNetwork: props.network.networkId,
      connectMode: "PRIVATE_SERVICE_ACCESS",
      reservedIpRange: props.privateServiceRange,
      authEnabled: true,
      transitEncryptionMode: "SERVER_AUTHENTICATION",
      readReplicasMode: replicas > 0 ? "READ_REPLICAS_ENABLED" : "READ_REPLICAS_DISABLED",
      replicaCount: props.tier === "STANDARD_HA" ? Math.max(replicas, 1) : undefined,
      persistenceConfig: { persistenceMode: "RDB", rdbSnapshotPeriod: props.rdbSnapshotPeriod ?? "TWELVE_HOURS" },
      maintenancePolicy: {
        weeklyMaintenanceWindow: [{ day: props.maintenanceWindow.day, startTime: { hours: props.maintenanceWindow.hourUtc, minutes: 0, seconds: 0, nanos: 0 } }],
      },
      labels: props.labels ?? {},
      dependsOn: props.network.serviceNetworkingConnection ? [props.network.serviceNetworkingConnection] : undefined,
    });
    this.host = this.resource.host;
    this.port = MEMORYSTORE_TLS_PORT;
    this.readEndpoint = this.resource.readEndpoint;
  }

  private validate(props: MemorystoreProps, replicas: number): void {
    const where = this.node.path;
    if (Token.isUnresolved(props.memorySizeGb)) return;
    if (props.memorySizeGb < 1 || props.memorySizeGb > 300) throw new Error(`${where}: memorySizeGb is ${props.memorySizeGb}; Memorystore allows 1-300 GB.`);
    if (replicas < 0 || replicas > 5) throw new Error(`${where}: readReplicas is ${replicas}; Memorystore allows 0-5.`);
    if (replicas > 0 && props.tier !== "STANDARD_HA") throw new Error(`${where}: readReplicas is ${replicas} but tier is ${props.tier}; read replicas need STANDARD_HA.`);
    if (replicas > 0 && props.memorySizeGb < 5) throw new Error(`${where}: readReplicas needs memorySizeGb >= 5 (got ${props.memorySizeGb}).`);
  }
}
