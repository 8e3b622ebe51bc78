import { ComputeFirewall } from "@cdktf/provider-google/lib/compute-firewall";
import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ComputeRouter } from "@cdktf/provider-google/lib/compute-router";
import { ComputeRouterNat } from "@cdktf/provider-google/lib/compute-router-nat";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import { ServiceNetworkingConnection } from "@cdktf/provider-google/lib/service-networking-connection";
import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { DnsManagedZone } from "@cdktf/provider-google/lib/dns-managed-zone";
import { DnsRecordSet } from "@cdktf/provider-google/lib/dns-record-set";
import { ComputeRoute } from "@cdktf/provider-google/lib/compute-route";
import { Connection, EgressAllowance, IConnectable, METADATA_SERVER_EGRESS, NON_INTERNET_RANGES } from "../connections/connection";
import { applyProblems, under } from "../validation/problem";
import { describeOverlap, findOverlaps, NamedCidr } from "./cidr";
import { ingressRuleProblems, networkProblems } from "./rules";

/** A subnet's secondary range, as GKE consumes it. */
export interface SecondaryRange {
  /** The range name inside the subnet (what GKE's `ip_allocation_policy` refers to). */
  readonly rangeName: string;
  readonly cidr: string;
}

/** A private-service-access range allocated for Google-managed services (Cloud SQL, Memorystore). */
export interface PrivateServiceRange {
  /** The `google_compute_global_address` name (what Memorystore's `reserved_ip_range` refers to). */
  readonly name: string;
  readonly cidr: string;
}

/**
 * What Cloud SQL and Memorystore need of a VPC: its id, and (when it is in the same stack) the peering to wait for.
 * A {@link Network} is one; `Network.fromAttributes` makes one for a VPC owned by another stack.
 */
export interface INetworkRef {
  /** `projects/<p>/global/networks/<name>` */
  readonly networkId: string;
  /** The private-service-access peering resources must wait for, when it is created in the same stack. */
  readonly serviceNetworkingConnection?: ITerraformDependable;
  /** Google APIs as this VPC reaches them, when known (a {@link Network} knows; a reference from attributes does not). */
  readonly googleApis?: IConnectable;
}

/** What a {@link Network} is made of; an environment's `network` section has exactly this shape. */
export interface NetworkOptions {
  /** VPC name; subnets, router and firewall rules are named after it. */
  readonly name: string;
  /** The subnet's primary range (nodes). */
  readonly primaryCidr: string;
  /** Secondary range for GKE pods. */
  readonly podsCidr: string;
  /** Secondary range for GKE services. */
  readonly servicesCidr: string;
  /**
   * Private-service-access ranges keyed by purpose (e.g. `sql`, `redis`), peered with Google's service producer network.
   * Keyed by name so adding one never renames the others.
   */
  readonly privateServiceRanges: Record<string, string>;
  /**
   * VPC flow log sampling rate, 0-1.
   * @default 0.5
   */
  readonly flowLogSampling?: number;
  /**
   * Source ranges allowed to reach port 22 through Identity-Aware Proxy TCP forwarding.
   * @default - Google's IAP range 35.235.240.0/20
   */
  readonly iapSourceRanges?: string[];
  /**
   * Google APIs over Private Google Access on `private.googleapis.com` (199.36.153.8/30): a private Cloud DNS zone
   * for googleapis.com and a route, so a workload's egress to Google APIs is 443 to four addresses, not to the
   * internet. Off: workloads reach Google APIs on 443 anywhere outside the VPC's private ranges.
   * @default true
   */
  readonly privateGoogleApis?: boolean;
}

/** An ingress allow rule another construct asks the VPC for: {@link Network.allowIngress}. */
export interface IngressRule {
  /** Source CIDRs allowed in. */
  readonly sourceRanges: readonly string[];
  /** The TCP ports they may reach; nothing else is opened. */
  readonly tcpPorts: readonly number[];
  /**
   * Only instances running as these service accounts (e.g. a GKE cluster's node service account).
   * @default - every instance in the VPC
   */
  readonly targetServiceAccounts?: readonly string[];
  /**
   * The firewall rule's name (RFC 1035, at most 63 characters).
   * @default `<network name>-<id>`
   */
  readonly name?: string;
  /** @default 1000 */
  readonly priority?: number;
  /** @default - none */
  readonly description?: string;
}

/** Props for {@link Network}. */
export interface NetworkProps extends NetworkOptions {
  readonly project: string;
  readonly region: string;
}

/** Google's documented source ranges for load-balancer health checks. */
export const HEALTH_CHECK_SOURCE_RANGES = ["35.191.0.0/16", "130.211.0.0/22"];
/** Google's documented source range for IAP TCP forwarding. */
export const IAP_SOURCE_RANGES = ["35.235.240.0/20"];

/**
 * A custom-mode VPC with one regional subnet (GKE secondary ranges, private Google access, flow logs),
 * Cloud NAT with logging, private service access for Cloud SQL and Memorystore, and deny-by-default firewall rules.
 *
 * Other constructs register the ranges they consume (`reserveRange`), so overlaps between any two
 * ranges fail synth naming both.
 */
export class Network extends Construct implements INetworkRef {
  /** A reference to an existing VPC (e.g. from `PlatformOutputs`), whose private service access is already set up. */
  static fromAttributes(attrs: { readonly networkId: string }): INetworkRef {
    return { networkId: attrs.networkId };
  }

  /** The VPC (escape hatch). */
  readonly resource: ComputeNetwork;
  readonly subnet: ComputeSubnetwork;
  readonly router: ComputeRouter;
  readonly nat: ComputeRouterNat;
  readonly serviceNetworkingConnection: ServiceNetworkingConnection;
  /** The VPC's self link. */
  readonly selfLink: string;
  /** The VPC's id (`projects/<p>/global/networks/<name>`). */
  readonly networkId: string;
  readonly subnetSelfLink: string;
  readonly podsRange: SecondaryRange;
  readonly servicesRange: SecondaryRange;
  /** Private-service-access ranges by purpose. */
  readonly privateServiceRanges: Record<string, PrivateServiceRange>;
  /** The VPC's name (its firewall rules, router and NAT are named after it). */
  readonly name: string;

  /** Google APIs, to connect to (`workload.connectsTo(network.googleApis)`); Cloud SQL's connector requires it. */
  readonly googleApis: GoogleApis;
  private readonly ranges: NamedCidr[] = [];
  private readonly props: NetworkProps;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.props = props;
    this.name = props.name;
    applyProblems(this, networkProblems(props));
    const sampling = props.flowLogSampling ?? 0.5;

    this.resource = new ComputeNetwork(this, "Resource", {
      project: props.project,
      name: props.name,
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
      deleteDefaultRoutesOnCreate: false,
    });
    this.selfLink = this.resource.selfLink;
    this.networkId = this.resource.id;

    this.podsRange = { rangeName: "pods", cidr: props.podsCidr };
    this.servicesRange = { rangeName: "services", cidr: props.servicesCidr };
    this.subnet = new ComputeSubnetwork(this, "subnet", {
      project: props.project,
      region: props.region,
      name: `${props.name}-${props.region}`,
      network: this.resource.id,
      ipCidrRange: props.primaryCidr,
      privateIpGoogleAccess: true,
      secondaryIpRange: [
        { rangeName: this.podsRange.rangeName, ipCidrRange: this.podsRange.cidr },
        { rangeName: this.servicesRange.rangeName, ipCidrRange: this.servicesRange.cidr },
      ],
      logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: sampling, metadata: "INCLUDE_ALL_METADATA" },
    });
    this.subnetSelfLink = this.subnet.selfLink;
    this.reserveRange(`${this.node.path} subnet primary range`, props.primaryCidr);
    this.reserveRange(`${this.node.path} pods secondary range`, props.podsCidr);
    this.reserveRange(`${this.node.path} services secondary range`, props.servicesCidr);

    this.router = new ComputeRouter(this, "router", {
      project: props.project,
      region: props.region,
      name: `${props.name}-router`,
      network: this.resource.id,
    });
    this.nat = new ComputeRouterNat(this, "nat", {
      project: props.project,
      region: props.region,
      name: `${props.name}-nat`,
      router: this.router.name,
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    });

    this.privateServiceRanges = {};
    const addresses: ComputeGlobalAddress[] = [];
    for (const [purpose, cidr] of Object.entries(props.privateServiceRanges)) {
      const [address, prefix] = cidr.split("/");
      const name = `${props.name}-psa-${purpose}`;
      addresses.push(
        new ComputeGlobalAddress(this, `psa-${purpose}`, {
          project: props.project,
          name,
          purpose: "VPC_PEERING",
          addressType: "INTERNAL",
          address,
          prefixLength: Number(prefix),
          network: this.resource.id,
        }),
      );
      this.privateServiceRanges[purpose] = { name, cidr };
      this.reserveRange(`${this.node.path} private-service-access range "${purpose}"`, cidr);
    }
    this.serviceNetworkingConnection = new ServiceNetworkingConnection(this, "psa", {
      network: this.resource.id,
      service: "servicenetworking.googleapis.com",
      reservedPeeringRanges: addresses.map((a) => a.name),
      // Keep the peering when Terraform destroys the connection before the Cloud SQL instance is gone.
      deletionPolicy: "ABANDON",
    });

    this.firewall("deny-all-ingress", {
      direction: "INGRESS",
      priority: 65534,
      deny: [{ protocol: "all" }],
      sourceRanges: ["0.0.0.0/0"],
    });
    this.firewall("allow-health-checks", {
      direction: "INGRESS",
      priority: 1000,
      allow: [{ protocol: "tcp" }],
      sourceRanges: HEALTH_CHECK_SOURCE_RANGES,
    });
    this.googleApis = new GoogleApis(this, { project: props.project, name: props.name, privateAccess: props.privateGoogleApis ?? true });

    this.firewall("allow-iap-ssh", {
      direction: "INGRESS",
      priority: 1000,
      allow: [{ protocol: "tcp", ports: ["22"] }],
      sourceRanges: props.iapSourceRanges ?? IAP_SOURCE_RANGES,
    });

    this.node.addValidation({
      validate: () => findOverlaps(this.ranges).map(describeOverlap),
    });
  }

  /**
   * Opens exactly `rule.tcpPorts` from `rule.sourceRanges` (optionally only to instances running as
   * `rule.targetServiceAccounts`), as a logged firewall rule of this VPC under this construct. The deny-all rule stays
   * below it. Bad input throws, naming `allowIngress.<id>` and the field.
   */
  allowIngress(id: string, rule: IngressRule): ComputeFirewall {
    const name = rule.name ?? `${this.props.name}-${id}`;
    applyProblems(this, under(["allowIngress", id], ingressRuleProblems({ ...rule, name })));
    return this.firewall(id, {
      name,
      direction: "INGRESS",
      priority: rule.priority ?? 1000,
      allow: [{ protocol: "tcp", ports: rule.tcpPorts.map(String) }],
      sourceRanges: [...rule.sourceRanges],
      targetServiceAccounts: rule.targetServiceAccounts ? [...rule.targetServiceAccounts] : undefined,
      description: rule.description,
    });
  }

  /**
   * Registers a range that lives in (or is routed into) this VPC, e.g. a GKE control-plane range.
   * Synth fails if it overlaps any other registered range, naming both.
   */
  reserveRange(name: string, cidr: string): void {
    if (Token.isUnresolved(cidr)) return;
    this.ranges.push({ name, cidr });
  }

  private firewall(
    id: string,
    rule: {
      name?: string;
      direction: "INGRESS" | "EGRESS";
      priority: number;
      allow?: { protocol: string; ports?: string[] }[];
      deny?: { protocol: string; ports?: string[] }[];
      sourceRanges: string[];
      targetServiceAccounts?: string[];
      description?: string;
    },
  ): ComputeFirewall {
    return new ComputeFirewall(this, id, {
      project: this.props.project,
      name: rule.name ?? `${this.props.name}-${id}`,
      network: this.resource.id,
      description: rule.description,
      direction: rule.direction,
      priority: rule.priority,
      allow: rule.allow,
      deny: rule.deny,
      sourceRanges: rule.sourceRanges,
      targetServiceAccounts: rule.targetServiceAccounts,
      logConfig: { metadata: "INCLUDE_ALL_METADATA" },
    });
  }
}

/** `private.googleapis.com`: Google APIs from inside the VPC without the internet (Private Google Access). */
export const PRIVATE_GOOGLE_APIS_CIDR = "199.36.153.8/30";
const PRIVATE_GOOGLE_APIS_ADDRESSES = ["199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11"];

/**
 * Google APIs as something workloads connect to. With Private Google Access on (the default) the VPC gets a private
 * zone answering every `*.googleapis.com` name with private.googleapis.com and a route for its /30; the egress a
 * workload needs is then 443 to that /30.
 */
export class GoogleApis extends Construct implements IConnectable {
  readonly connectableName = "Google APIs";
  /** The private zone for googleapis.com, when Private Google Access is on. */
  readonly zone?: DnsManagedZone;
  private readonly egress: EgressAllowance;

  constructor(network: Network, props: { readonly project: string; readonly name: string; readonly privateAccess: boolean }) {
    super(network, "google-apis");
    const project = props.project;
    if (props.privateAccess) {
      const name = `${props.name}-googleapis`;
      this.zone = new DnsManagedZone(this, "zone", {
        project,
        name,
        dnsName: "googleapis.com.",
        description: "Google APIs over Private Google Access (private.googleapis.com)",
        visibility: "private",
        privateVisibilityConfig: { networks: [{ networkUrl: network.resource.id }] },
      });
      new DnsRecordSet(this, "private", { project, managedZone: this.zone.name, name: "private.googleapis.com.", type: "A", ttl: 300, rrdatas: PRIVATE_GOOGLE_APIS_ADDRESSES });
      new DnsRecordSet(this, "wildcard", { project, managedZone: this.zone.name, name: "*.googleapis.com.", type: "CNAME", ttl: 300, rrdatas: ["private.googleapis.com."] });
      // Private Google Access leaves the VPC through the default internet gateway, whatever the other routes are.
      new ComputeRoute(this, "route", { project, name: `${props.name}-private-googleapis`, network: network.resource.id, destRange: PRIVATE_GOOGLE_APIS_CIDR, nextHopGateway: "default-internet-gateway", priority: 900 });
      this.egress = { cidr: PRIVATE_GOOGLE_APIS_CIDR, ports: [443], why: "Google APIs (private.googleapis.com)" };
    } else {
      this.egress = { cidr: "0.0.0.0/0", except: NON_INTERNET_RANGES, ports: [443], why: "Google APIs over the internet (privateGoogleApis off)" };
    }
  }

  /** Google APIs need no grant of their own: each API's grants come with what is connected to (a secret, a database). */
  connect(): Connection {
    return { egress: [...METADATA_SERVER_EGRESS, this.egress], config: {}, secrets: {} };
  }
}
