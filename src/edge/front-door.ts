import { CertificateManagerCertificate } from "@cdktf/provider-google/lib/certificate-manager-certificate";
import { CertificateManagerCertificateMap } from "@cdktf/provider-google/lib/certificate-manager-certificate-map";
import { CertificateManagerCertificateMapEntry } from "@cdktf/provider-google/lib/certificate-manager-certificate-map-entry";
import { CertificateManagerDnsAuthorization } from "@cdktf/provider-google/lib/certificate-manager-dns-authorization";
import { ComputeBackendService } from "@cdktf/provider-google/lib/compute-backend-service";
import { ComputeFirewall } from "@cdktf/provider-google/lib/compute-firewall";
import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ComputeGlobalForwardingRule } from "@cdktf/provider-google/lib/compute-global-forwarding-rule";
import { ComputeHealthCheck } from "@cdktf/provider-google/lib/compute-health-check";
import { ComputeInstanceGroupNamedPortA as ComputeInstanceGroupNamedPort } from "@cdktf/provider-google/lib/compute-instance-group-named-port";
import { ComputeSecurityPolicy, ComputeSecurityPolicyRule } from "@cdktf/provider-google/lib/compute-security-policy";
import { ComputeSslPolicy } from "@cdktf/provider-google/lib/compute-ssl-policy";
import { ComputeTargetHttpProxy } from "@cdktf/provider-google/lib/compute-target-http-proxy";
import { ComputeTargetHttpsProxy } from "@cdktf/provider-google/lib/compute-target-https-proxy";
import { ComputeUrlMap } from "@cdktf/provider-google/lib/compute-url-map";
import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import type { GkeCluster } from "../gke/gke-cluster";
import { HEALTH_CHECK_SOURCE_RANGES, Network } from "../network/network";
import { ROUTER_HEALTH_PATH } from "../platform/router-config";
import { withDefaults } from "../validation/defaults";
import { applyProblems } from "../validation/problem";
import { FRONT_DOOR_NAME_SUFFIXES as SUFFIX, hostResourceName, namedPortName } from "./private/names";
import { frontDoorProblems, frontDoorWiringProblems, requestsPerWindow } from "./rules";

/** A per-client rate limit at the edge (Cloud Armor `throttle`, keyed on the client's IP address). */
export interface FrontDoorRateLimit {
  /** Requests one client IP address may make per minute; above it the load balancer answers 429 until the window allows again. */
  readonly requestsPerMinute: number;
  /**
   * Cloud Armor's counting window, seconds (10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700 or 3600). It
   * is also the burst: a client may spend a whole window's allowance (`requestsPerMinute * windowSec / 60`, rounded)
   * at once, so a shorter window allows smaller bursts and a longer one tolerates page loads that fan out.
   * @default 60
   */
  readonly windowSec?: number;
}

/** What a {@link FrontDoor} is made of: an environment's `frontDoor` section has exactly this shape. */
export interface FrontDoorOptions {
  /** Prefix of every resource name (at most 54 characters, so that `<name>-redirect` and the others fit Google's 63). */
  readonly name: string;
  /**
   * The NodePort (30000-32767) the router's Service exposes on every node. The named port, the health check and the
   * firewall rule all use this one number.
   */
  readonly nodePort: number;
  /** @default "/tandem/health/router" (the router's own health endpoint) */
  readonly healthCheckPath?: string;
  /**
   * TLS 1.2 at least, always. `MODERN` keeps the ciphers every current browser and client uses; `RESTRICTED` drops
   * the ones compliance regimes (PCI DSS) reject and may lock out older clients.
   * @default "MODERN"
   */
  readonly tlsProfile?: "MODERN" | "RESTRICTED";
  /**
   * `Strict-Transport-Security` max-age, seconds (at least one year; `includeSubDomains` always). The load balancer
   * adds the header to every response of the backend service, which serves HTTPS only (HTTP is a redirect).
   * @default 31536000 (one year)
   */
  readonly hstsMaxAgeSec?: number;
  /**
   * The backend service timeout: how long the load balancer waits for a response, and for a WebSocket the longest it
   * may stay open (idle or not). One hour matches the router's `proxy_read_timeout`.
   * @default 3600
   */
  readonly backendTimeoutSec?: number;
  /** How long a node leaving the instance group (scale-down, upgrade) keeps its open requests. @default 300 */
  readonly connectionDrainingTimeoutSec?: number;
  /**
   * Per-client rate limit in Cloud Armor, or `false` for none. The default is generous for people behind one office
   * NAT (a page load of the legacy app is a few dozen requests) and still stops a single address flooding the origin.
   * @default { requestsPerMinute: 1200, windowSec: 60 }
   */
  readonly rateLimit?: FrontDoorRateLimit | false;
  /** Cloud Armor Adaptive Protection (layer-7 DDoS detection; its full use needs Cloud Armor Enterprise). @default false */
  readonly adaptiveProtection?: boolean;
  /**
   * The DNS authorization type. `PER_PROJECT_RECORD` gives each project its own CNAME (`_acme-challenge_<id>.<host>`),
   * so it never collides with an `_acme-challenge` record the legacy system uses for its own certificates, and
   * staging and production can authorize the same name; `FIXED_RECORD` is the classic `_acme-challenge.<host>`.
   * @default "PER_PROJECT_RECORD"
   */
  readonly dnsAuthorizationType?: "PER_PROJECT_RECORD" | "FIXED_RECORD";
}

/** The GKE nodes a front door sends traffic to: a {@link GkeCluster} (with `nodeLocations`) is one. */
export type FrontDoorCluster = Pick<GkeCluster, "nodePools" | "nodeServiceAccount" | "nodeLocations">;

/** Props for {@link FrontDoor}. */
export interface FrontDoorProps extends FrontDoorOptions {
  readonly project: string;
  /**
   * The fully qualified host names served over HTTPS (e.g. the legacy public host and `new.<domain>`). Each gets a
   * DNS authorization, a Google-managed certificate and a certificate-map entry; the certificates cover exactly these
   * names. Keyed by the name itself, so adding one never touches the others' resources.
   */
  readonly hosts: readonly string[];
  /** The VPC the nodes are in: the firewall rule letting Google's front ends reach the NodePort is made there. */
  readonly network: Network;
  /** The cluster whose node pools' instance groups are the backends. */
  readonly cluster: FrontDoorCluster;
  /**
   * The zones the node pools have instance groups in (each gets the named port).
   * @default - the cluster's `nodeLocations` (required when the cluster has none)
   */
  readonly zones?: readonly string[];
  /** @default {} */
  readonly labels?: Record<string, string>;
}

/** The DNS record the owner of a host's zone creates so Certificate Manager may issue its certificate. */
export interface DnsAuthorizationRecord {
  /** e.g. `_acme-challenge_abc123.app.example.com.` */
  readonly name: string;
  /** `CNAME` */
  readonly type: string;
  /** e.g. `<id>.1.authorize.certificatemanager.goog.` */
  readonly data: string;
}

/** The defaults of {@link FrontDoorOptions}, applied where a prop is left out. */
export const FRONT_DOOR_DEFAULTS = {
  healthCheckPath: ROUTER_HEALTH_PATH,
  tlsProfile: "MODERN",
  hstsMaxAgeSec: 31536000,
  backendTimeoutSec: 3600,
  connectionDrainingTimeoutSec: 300,
  rateLimit: { requestsPerMinute: 1200, windowSec: 60 },
  adaptiveProtection: false,
  dnsAuthorizationType: "PER_PROJECT_RECORD",
} as const satisfies Partial<FrontDoorOptions>;

/**
 * Google's front ends, which the load balancer's traffic and health checks come from (instance-group backends): what
 * the nodes' firewall admits on the NodePort, and the proxies a router trusts for `X-Forwarded-For`.
 */
export const GOOGLE_FRONT_END_RANGES: readonly string[] = HEALTH_CHECK_SOURCE_RANGES;

/** Every Cloud Armor policy ends with this rule; ours allows what no earlier rule stopped. */
const DEFAULT_RULE_PRIORITY = 2147483647;

/**
 * The HTTPS front door of an environment: Google's global external Application Load Balancer (`EXTERNAL_MANAGED`) in
 * front of the migration router's NodePort on the GKE nodes, entirely in Terraform, so the first plan and every PR
 * preview show it (GKE Ingress or the Gateway API would need CRDs that only `kubernetes_manifest` can create, and
 * that needs the cluster at plan time).
 *
 * - A reserved global IPv4 address; HTTPS on 443 and, on 80, a redirect to HTTPS (301, query kept).
 * - Certificates from Certificate Manager with **DNS authorization**: each host's certificate is issued once the DNS
 *   owner has created that host's authorization record ({@link FrontDoor.dnsAuthorizationRecords}), which does not depend on
 *   where the host points. So the certificate for the legacy public host is ACTIVE *before* its DNS moves to the
 *   load balancer, and the cutover never serves a certificate error. (A classic `google_compute_managed_ssl_certificate`
 *   is issued only after the host already resolves to the load balancer: minutes to hours of TLS errors at cutover.)
 *   One certificate per host: adding a host issues a new certificate and never replaces those already serving.
 * - An SSL policy (TLS 1.2 minimum, MODERN or RESTRICTED), a Cloud Armor policy with a per-client-IP throttle (429),
 *   request logging of every request, a health check on the router's health path through the NodePort.
 * - Backends: each node pool's instance group in each zone, with a named port for the NodePort, and a firewall rule
 *   letting only Google's front ends reach only that port on only the cluster's nodes.
 */
export class FrontDoor extends Construct {
  /** The HTTPS forwarding rule (escape hatch): the front door itself, `address:443`. */
  readonly resource: ComputeGlobalForwardingRule;
  /** The reserved address (IPv4) every host's A record points at. */
  readonly address: string;
  readonly globalAddress: ComputeGlobalAddress;
  /** Per host, the record its DNS owner creates before the certificate can be issued (publish it as an output). */
  readonly dnsAuthorizationRecords: Record<string, DnsAuthorizationRecord> = {};
  /** Per host, its Google-managed certificate. */
  readonly certificates: Record<string, CertificateManagerCertificate> = {};
  readonly certificateMap: CertificateManagerCertificateMap;
  readonly sslPolicy: ComputeSslPolicy;
  readonly backendService: ComputeBackendService;
  /** The HTTPS URL map (every request to the backend service). */
  readonly urlMap: ComputeUrlMap;
  /** The HTTP URL map: a redirect to HTTPS. */
  readonly redirectUrlMap: ComputeUrlMap;
  readonly securityPolicy: ComputeSecurityPolicy;
  readonly healthCheck: ComputeHealthCheck;
  readonly firewall: ComputeFirewall;
  /** The named port on each instance group, by `<pool>/<zone>`. */
  readonly namedPorts: Record<string, ComputeInstanceGroupNamedPort> = {};
  /** The name of the instance groups' named port the backend service sends to. */
  readonly portName: string;
  readonly nodePort: number;
  readonly hosts: readonly string[];
  /**
   * The CIDRs a router behind this front door trusts for `X-Forwarded-For`: Google's front ends, which connect to the
   * nodes. Note that the load balancer appends `<client>, <this front door's address>`, so a router that walks the
   * header from the right (nginx `real_ip_recursive on`) must trust {@link FrontDoor.address} as well, or every client looks
   * like the load balancer.
   */
  readonly trustedProxyRanges: readonly string[] = GOOGLE_FRONT_END_RANGES;

  constructor(scope: Construct, id: string, props: FrontDoorProps) {
    super(scope, id);
    applyProblems(this, [...frontDoorProblems(props), ...frontDoorWiringProblems(props)]);
    const o = withDefaults(FRONT_DOOR_DEFAULTS, props);
    const { project, name } = props;
    const labels = props.labels ?? {};
    const zones = [...(props.zones ?? props.cluster.nodeLocations ?? [])];
    this.nodePort = props.nodePort;
    this.hosts = [...props.hosts];
    this.portName = namedPortName(props.nodePort);

    this.globalAddress = new ComputeGlobalAddress(this, "address", {
      project,
      name: `${name}${SUFFIX.address}`,
      description: `The front door of ${props.hosts.join(", ")}`,
      addressType: "EXTERNAL",
      ipVersion: "IPV4",
      labels,
    });
    this.address = this.globalAddress.address;

    // Certificates: per host, a DNS authorization, a managed certificate that uses it, a map entry that serves it.
    this.certificateMap = new CertificateManagerCertificateMap(this, "certificate-map", {
      project,
      name: `${name}${SUFFIX.certificateMap}`,
      description: `Certificates of ${name}`,
      labels,
    });
    const entries: CertificateManagerCertificateMapEntry[] = [];
    for (const host of props.hosts) {
      const resourceName = hostResourceName(name, host);
      const authorization = new CertificateManagerDnsAuthorization(this, `dns-authorization-${host}`, {
        project,
        name: resourceName,
        domain: host,
        type: o.dnsAuthorizationType,
        description: `Lets Certificate Manager issue the certificate of ${host}`,
        labels,
      });
      const record = authorization.dnsResourceRecord.get(0);
      this.dnsAuthorizationRecords[host] = { name: record.name, type: record.type, data: record.data };
      this.certificates[host] = new CertificateManagerCertificate(this, `certificate-${host}`, {
        project,
        name: resourceName,
        description: `Google-managed certificate of ${host}`,
        managed: { domains: [host], dnsAuthorizations: [authorization.id] },
        labels,
      });
      entries.push(
        new CertificateManagerCertificateMapEntry(this, `certificate-map-entry-${host}`, {
          project,
          name: resourceName,
          map: this.certificateMap.name,
          hostname: host,
          certificates: [this.certificates[host].id],
          labels,
        }),
      );
    }

    this.sslPolicy = new ComputeSslPolicy(this, "ssl-policy", {
      project,
      name: `${name}${SUFFIX.sslPolicy}`,
      description: `TLS 1.2 or later, ${o.tlsProfile} ciphers`,
      minTlsVersion: "TLS_1_2",
      profile: o.tlsProfile,
    });

    this.securityPolicy = new ComputeSecurityPolicy(this, "security-policy", {
      project,
      name: `${name}${SUFFIX.securityPolicy}`,
      description: `Cloud Armor of ${name}`,
      type: "CLOUD_ARMOR",
      rule: securityRules(o.rateLimit),
      adaptiveProtectionConfig: o.adaptiveProtection ? { layer7DdosDefenseConfig: { enable: true } } : undefined,
    });

    this.healthCheck = new ComputeHealthCheck(this, "health-check", {
      project,
      name: `${name}${SUFFIX.healthCheck}`,
      description: `The router's health through NodePort ${props.nodePort}`,
      httpHealthCheck: { port: props.nodePort, portSpecification: "USE_FIXED_PORT", requestPath: o.healthCheckPath },
      logConfig: { enable: true },
    });

    // Only Google's front ends, only the NodePort, only the cluster's nodes.
    this.firewall = props.network.allowIngress(`front-door-${name}`, {
      name: `${name}${SUFFIX.firewall}`,
      description: `Google's front ends and health checks to NodePort ${props.nodePort} (${name})`,
      sourceRanges: GOOGLE_FRONT_END_RANGES,
      tcpPorts: [props.nodePort],
      targetServiceAccounts: [props.cluster.nodeServiceAccount.email],
    });

    // The named port on each pool's instance group in each zone. Their number is known at plan (pools x zones); each
    // group's name is read from the pool's instance group URLs once the pool exists.
    for (const [poolName, pool] of Object.entries(props.cluster.nodePools)) {
      for (const zone of zones) {
        const groups = Fn.join(" ", pool.managedInstanceGroupUrls);
        this.namedPorts[`${poolName}/${zone}`] = new ComputeInstanceGroupNamedPort(this, `named-port-${poolName}-${zone}`, {
          project,
          zone,
          group: Token.asString(Fn.element(Fn.regex(`zones/${zone}/instanceGroups/([-a-z0-9]+)`, groups), 0)),
          name: this.portName,
          port: props.nodePort,
        });
      }
    }

    // Backends: every instance group of every pool (`managed_instance_group_urls`: the groups, where
    // `instance_group_urls` are their managers). Unknown until the pools exist, so a dynamic block over the list.
    const urls = TerraformIterator.fromList(Fn.flatten(Object.values(props.cluster.nodePools).map((p) => p.managedInstanceGroupUrls)));
    this.backendService = new ComputeBackendService(this, "backend-service", {
      project,
      name: `${name}${SUFFIX.backendService}`,
      description: `The router's NodePort ${props.nodePort} on the cluster's nodes`,
      loadBalancingScheme: "EXTERNAL_MANAGED",
      protocol: "HTTP",
      portName: this.portName,
      timeoutSec: o.backendTimeoutSec,
      connectionDrainingTimeoutSec: o.connectionDrainingTimeoutSec,
      healthChecks: [this.healthCheck.id],
      securityPolicy: this.securityPolicy.id,
      logConfig: { enable: true, sampleRate: 1 },
      // HSTS here, where TLS ends: this service only ever answers HTTPS (port 80 is a redirect), whatever the phase
      // sends to legacy or new, and a router change cannot drop it.
      customResponseHeaders: [hstsHeader(o.hstsMaxAgeSec)],
      // A dynamic block's content is written as Terraform has it: snake_case, not the bindings' camelCase.
      backend: urls.dynamic({
        group: Token.asString(urls.value),
        balancing_mode: "UTILIZATION",
        max_utilization: 0.8,
        capacity_scaler: 1,
      }),
      // The groups must have the named port before the load balancer sends to it.
      dependsOn: Object.values(this.namedPorts),
    });

    this.urlMap = new ComputeUrlMap(this, "url-map", {
      project,
      name: `${name}${SUFFIX.httpsUrlMap}`,
      description: "Every HTTPS request to the router",
      defaultService: this.backendService.id,
    });
    const httpsProxy = new ComputeTargetHttpsProxy(this, "https-proxy", {
      project,
      name: `${name}${SUFFIX.httpsProxy}`,
      urlMap: this.urlMap.id,
      certificateMap: `//certificatemanager.googleapis.com/${this.certificateMap.id}`,
      sslPolicy: this.sslPolicy.id,
      // Serve 443 only once every host has its entry in the map.
      dependsOn: entries,
    });
    this.resource = new ComputeGlobalForwardingRule(this, "Resource", {
      project,
      name: `${name}${SUFFIX.httpsRule}`,
      target: httpsProxy.id,
      ipAddress: this.address,
      ipProtocol: "TCP",
      portRange: "443",
      loadBalancingScheme: "EXTERNAL_MANAGED",
      labels,
    });

    this.redirectUrlMap = new ComputeUrlMap(this, "redirect-url-map", {
      project,
      name: `${name}${SUFFIX.redirectUrlMap}`,
      description: "HTTP to HTTPS, permanently, query kept",
      defaultUrlRedirect: { httpsRedirect: true, redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT", stripQuery: false },
    });
    const httpProxy = new ComputeTargetHttpProxy(this, "http-proxy", {
      project,
      name: `${name}${SUFFIX.httpProxy}`,
      urlMap: this.redirectUrlMap.id,
    });
    new ComputeGlobalForwardingRule(this, "http-rule", {
      project,
      name: `${name}${SUFFIX.httpRule}`,
      target: httpProxy.id,
      ipAddress: this.address,
      ipProtocol: "TCP",
      portRange: "80",
      loadBalancingScheme: "EXTERNAL_MANAGED",
      labels,
    });
  }
}

/** `Strict-Transport-Security: max-age=<s>; includeSubDomains` as a custom response header. */
export function hstsHeader(maxAgeSec: number): string {
  return `Strict-Transport-Security: max-age=${maxAgeSec}; includeSubDomains`;
}

/** The throttle per client IP (when on), then the default rule allowing the rest. */
function securityRules(rateLimit: FrontDoorRateLimit | false): ComputeSecurityPolicyRule[] {
  const everyone = { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } };
  const rules: ComputeSecurityPolicyRule[] = [];
  if (rateLimit) {
    const windowSec = rateLimit.windowSec ?? 60;
    rules.push({
      priority: 1000,
      action: "throttle",
      description: `${rateLimit.requestsPerMinute} requests per minute per client IP`,
      match: everyone,
      rateLimitOptions: {
        conformAction: "allow",
        exceedAction: "deny(429)",
        enforceOnKey: "IP",
        rateLimitThreshold: { count: requestsPerWindow(rateLimit.requestsPerMinute, windowSec), intervalSec: windowSec },
      },
    });
  }
  rules.push({ priority: DEFAULT_RULE_PRIORITY, action: "allow", description: "Default: allow what no rule above stopped", match: everyone });
  return rules;
}
