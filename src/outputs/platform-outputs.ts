import { DataTerraformRemoteStateGcs } from "cdktf";
import { Construct } from "constructs";
import { PLATFORM_OUTPUTS } from "./names";

/** Props for {@link PlatformOutputs.fromRemoteState}. */
export interface PlatformOutputsFromRemoteStateProps {
  /** The Tandem environment whose outputs to read, e.g. `staging`. */
  readonly environment: string;
  /** The GCS bucket holding that environment's state. */
  readonly bucket: string;
  /**
   * The state prefix inside the bucket.
   * @default `tandem/<environment>`
   */
  readonly prefix?: string;
}

/**
 * Typed access to a Tandem environment's outputs from another team's stack.
 *
 * ```ts
 * const platform = PlatformOutputs.fromRemoteState(this, "platform", { environment: "staging", bucket: "tandem-tfstate-staging" });
 * new CloudSqlDb(...); // or read platform.databaseConnectionName, platform.networkId ...
 * ```
 */
export class PlatformOutputs extends Construct {
  /** Reads the outputs of a Tandem environment from its GCS state. */
  static fromRemoteState(scope: Construct, id: string, props: PlatformOutputsFromRemoteStateProps): PlatformOutputs {
    return new PlatformOutputs(scope, id, props);
  }

  /** The remote-state data source (escape hatch). */
  readonly remoteState: DataTerraformRemoteStateGcs;

  private constructor(scope: Construct, id: string, props: PlatformOutputsFromRemoteStateProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9-]*$/.test(props.environment)) {
      throw new Error(`${this.node.path}: environment is "${props.environment}"; use the stack id, e.g. "staging".`);
    }
    this.remoteState = new DataTerraformRemoteStateGcs(this, "state", {
      bucket: props.bucket,
      prefix: props.prefix ?? `tandem/${props.environment}`,
    });
  }

  get networkSelfLink(): string {
    return this.str("networkSelfLink");
  }
  get networkId(): string {
    return this.str("networkId");
  }
  get subnetSelfLink(): string {
    return this.str("subnetSelfLink");
  }
  /** Name of the private-service-access range for Cloud SQL (`CloudSqlDbProps.privateServiceRange`). */
  get sqlPrivateServiceRange(): string {
    return this.str("sqlPrivateServiceRange");
  }
  /** Name of the private-service-access range for Memorystore. */
  get redisPrivateServiceRange(): string {
    return this.str("redisPrivateServiceRange");
  }
  get clusterName(): string {
    return this.str("clusterName");
  }
  get clusterLocation(): string {
    return this.str("clusterLocation");
  }
  /** Sensitive in the source stack. */
  get clusterEndpoint(): string {
    return this.str("clusterEndpoint");
  }
  /** The control plane's DNS endpoint: what another team's Kubernetes provider should use (no CA needed). */
  get clusterDnsEndpoint(): string {
    return this.str("clusterDnsEndpoint");
  }
  /** Sensitive in the source stack. */
  get clusterCaCertificate(): string {
    return this.str("clusterCaCertificate");
  }
  get workloadIdentityPool(): string {
    return this.str("workloadIdentityPool");
  }
  get databaseInstanceName(): string {
    return this.str("databaseInstanceName");
  }
  get databaseConnectionName(): string {
    return this.str("databaseConnectionName");
  }
  get databasePrivateIp(): string {
    return this.str("databasePrivateIp");
  }
  get cacheHost(): string {
    return this.str("cacheHost");
  }
  get cachePort(): number {
    return this.remoteState.getNumber(PLATFORM_OUTPUTS.cachePort);
  }
  get newPlatformNamespace(): string {
    return this.str("newPlatformNamespace");
  }

  /** The front door's reserved global IPv4 address (when the environment has one). */
  get frontDoorAddress(): string {
    return this.str("frontDoorAddress");
  }

  private str(key: keyof typeof PLATFORM_OUTPUTS): string {
    return this.remoteState.getString(PLATFORM_OUTPUTS[key]);
  }
}
