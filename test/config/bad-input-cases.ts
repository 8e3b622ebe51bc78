/**
 * The bad-input matrix: what a new user gets wrong, and what the app must say. Each case edits the real environments
 * (dotted paths; undefined deletes) and lists what the output must contain. Shared by the child process that runs
 * the real app (bad-input-run.ts) and the test that checks its answers (bad-input.test.ts).
 */
import { environments } from "../../environments";

export type Raw = Record<string, unknown>;
export type Envs = Record<string, Raw>;

export interface BadInputCase {
  readonly name: string;
  /** [environment, dotted path, value] edits; `undefined` deletes the field. */
  readonly edits: readonly (readonly [string, string, unknown])[];
  /** What the output must contain, each a separate problem reported in the same run. */
  readonly expect: readonly RegExp[];
  /** Exit code. @default 1 */
  readonly exitCode?: number;
}

/** A deep copy of every environment with the case's edits applied. */
export function applyEdits(edits: BadInputCase["edits"]): Envs {
  const envs = structuredClone(environments) as unknown as Envs;
  for (const [env, path, value] of edits) {
    const keys = path.split(".");
    let node = envs[env] as Raw;
    for (const k of keys.slice(0, -1)) {
      if (typeof node[k] !== "object" || node[k] === null) node[k] = {};
      node = node[k] as Raw;
    }
    if (value === undefined) delete node[keys[keys.length - 1]];
    else node[keys[keys.length - 1]] = value;
  }
  return envs;
}

const bg = (over: Raw) => ({ blue: { image: "europe-west1-docker.pkg.dev/tandem-shared/platform/api:1.4.0" }, green: { image: "europe-west1-docker.pkg.dev/tandem-shared/platform/api:1.5.0" }, activeColor: "blue", containerPort: 8080, ...over });

export const BAD_INPUT_CASES: readonly BadInputCase[] = [
  // Shape: missing, wrong type, unknown keys, unknown values.
  { name: "a missing required field", edits: [["staging", "gcp.project", undefined]], expect: [/staging[\s\S]*gcp\.project = \(missing\): is required \(string\)/] },
  { name: "a wrong type", edits: [["staging", "database.diskSizeGb", "100"]], expect: [/database\.diskSizeGb = "100": must be a number \(got the string "100"\)/] },
  { name: "an unknown key, with a suggestion", edits: [["staging", "database.tierr", "x"]], expect: [/database\.tierr = "x": is not a known field \(did you mean "tier"\?\)/] },
  { name: "an unknown section", edits: [["staging", "databse", {}]], expect: [/databse = \{\}: is not a known section of a gcp environment; known: .*database/] },
  { name: "an unknown enum value lists the valid ones", edits: [["staging", "cache.tier", "PREMIUM"]], expect: [/cache\.tier = "PREMIUM": must be one of: BASIC, STANDARD_HA/] },
  { name: "an unknown role lists the valid ones", edits: [["staging", "access.roles.tester", { members: [], grants: {} }]], expect: [/access\.roles\.tester = .*: is not a known field \(known: developer, devops, qa, product-owner, system-admin\)/] },
  { name: "an unknown access level", edits: [["production", "access.roles.qa.grants.database", "admin"]], expect: [/production[\s\S]*access\.roles\.qa\.grants\.database = "admin": must be one of: none, read, read-write/] },
  { name: "an unknown target", edits: [["dev", "target", "podman"]], expect: [/dev[\s\S]*target = "podman": must be one of: docker, gcp/] },
  { name: "an unknown migration phase", edits: [["staging", "platform.router.phase", "big-bang"]], expect: [/platform\.router\.phase = "big-bang": must be one of: subdomain, path, weighted, cutover/] },
  { name: "the name does not match the environment", edits: [["staging", "name", "stage"]], expect: [/name = "stage": must equal the environment id "staging"/] },
  // One bad section hides nothing else.
  {
    name: "a type error, an unknown key, a port conflict and an overlap, all in one run",
    edits: [
      ["staging", "database.diskSizeGb", "100"],
      ["staging", "database.extra", true],
      ["staging", "platform.services.web.port", 8000],
      ["staging", "gke.masterCidr", "10.10.0.0/28"],
    ],
    expect: [/database\.diskSizeGb = "100": must be a number/, /database\.extra = true: is not a known field/, /platform\.services\.web\.port = 8000: port 8000: service "web" and legacy web: reserved by the legacy system/, /gke\.masterCidr = "10\.10\.0\.0\/28": network\.primaryCidr \(10\.10\.0\.0\/20\) overlaps gke\.masterCidr/],
  },
  {
    name: "problems in two environments, together",
    edits: [
      ["staging", "database.diskSizeGb", 5],
      ["production", "cache.memorySizeGb", 0],
    ],
    expect: [/environment "staging"[\s\S]*database\.diskSizeGb = 5/, /environment "production"[\s\S]*cache\.memorySizeGb = 0/],
  },
  // Values: ranges, formats, cross-field rules.
  { name: "a disk below Cloud SQL's minimum", edits: [["staging", "database.diskSizeGb", 5]], expect: [/database\.diskSizeGb = 5: must be a whole number 10-65536 \(Cloud SQL limits\)/] },
  { name: "an impossible Cloud SQL machine", edits: [["staging", "database.tier", "db-custom-3-1024"]], expect: [/database\.tier = "db-custom-3-1024": is not a possible Cloud SQL machine: vCPUs must be 1 or an even number up to 96/] },
  { name: "a CIDR with host bits", edits: [["staging", "network.primaryCidr", "10.10.0.1/20"]], expect: [/network\.primaryCidr = "10\.10\.0\.1\/20": must be a canonical IPv4 CIDR \(host bits are set; the network address is 10\.10\.0\.0\/20\)/] },
  { name: "overlapping private-service ranges", edits: [["staging", "network.privateServiceRanges.redis", "10.30.4.0/24"]], expect: [/network\.privateServiceRanges\.redis = "10\.30\.4\.0\/24": privateServiceRanges\.sql \(10\.30\.0\.0\/20\) overlaps privateServiceRanges\.redis/] },
  { name: "a private-service range smaller than /24", edits: [["staging", "network.privateServiceRanges.redis", "10.31.0.0/26"]], expect: [/network\.privateServiceRanges\.redis = "10\.31\.0\.0\/26": must be \/24 or larger/] },
  { name: "a control-plane range that is not a /28", edits: [["staging", "gke.masterCidr", "172.16.0.0/24"]], expect: [/gke\.masterCidr = "172\.16\.0\.0\/24": must be a \/28/] },
  { name: "a bad backup time", edits: [["staging", "database.backupStartTimeUtc", "3am"]], expect: [/database\.backupStartTimeUtc = "3am": must be a 24-hour UTC time HH:MM/] },
  { name: "a maintenance hour of 24", edits: [["staging", "cache.maintenanceWindow.hourUtc", 24]], expect: [/cache\.maintenanceWindow\.hourUtc = 24: must be a whole number 0-23/] },
  { name: "a node pool whose minimum is above its maximum", edits: [["staging", "gke.nodePools.general.minNodesPerZone", 5]], expect: [/gke\.nodePools\.general\.minNodesPerZone = 5: must be <= maxNodesPerZone \(3\)/] },
  // The front door: its own rules, and what it needs of the other sections.
  { name: "a front door without fixed node zones", edits: [["staging", "gke.nodeLocations", undefined]], expect: [/gke\.nodeLocations = \(missing\): must name the node pools' zones when there is a front door: its backends are their instance groups, one per zone; e\.g\. \["europe-west1-b"/] },
  { name: "a front door on a port outside the NodePort range, with a short HSTS", edits: [["staging", "frontDoor.nodePort", 8443], ["staging", "frontDoor.hstsMaxAgeSec", 3600]], expect: [/frontDoor\.nodePort = 8443: must be a whole number 30000-32767 \(Kubernetes' NodePort range\)/, /frontDoor\.hstsMaxAgeSec = 3600: must be a whole number 31536000-63072000/] },
  { name: "a front door with an unknown TLS profile", edits: [["staging", "frontDoor.tlsProfile", "COMPATIBLE"]], expect: [/frontDoor\.tlsProfile = "COMPATIBLE": must be one of: MODERN, RESTRICTED/] },
  { name: "an uptime check on a host the front door does not serve", edits: [["staging", "monitoring.uptimeChecks", { other: { host: "status.staging.example.com", side: "new" } }]], expect: [/monitoring\.uptimeChecks\.other\.host = "status\.staging\.example\.com": is not a host the front door serves \(app\.staging\.example\.com, new\.staging\.example\.com\)/] },
  { name: "node locations outside the region, and one that is not a zone", edits: [["staging", "gke.nodeLocations", ["europe-west1-b", "europe-west4-a", "europe-west1"]]], expect: [/gke\.nodeLocations\.1 = "europe-west4-a": must be a zone of the cluster's region europe-west1/, /gke\.nodeLocations\.2 = "europe-west1": must be a zone such as europe-west1-b/] },
  { name: "a GKE cluster name over 40 characters", edits: [["staging", "gke.name", "tandem-staging-cluster-with-a-very-long-name"]], expect: [/gke\.name = "tandem-staging-cluster-with-a-very-long-name": must be a lower-case RFC 1035 GKE cluster name.*at most 40 characters/] },
  { name: "a Memorystore name over 40 characters", edits: [["staging", "cache.name", "tandem-staging-redis-with-a-far-too-long-name"]], expect: [/cache\.name = .*: must be a lower-case RFC 1035 Memorystore instance name.*at most 40/] },
  { name: "read replicas on a BASIC cache", edits: [["staging", "cache.tier", "BASIC"], ["staging", "cache.readReplicas", 1]], expect: [/cache\.readReplicas = 1: read replicas need tier STANDARD_HA/] },
  { name: "an alert channel that does not exist", edits: [["staging", "monitoring.p0Channels", ["pager"]]], expect: [/monitoring\.p0Channels\.0 = "pager": names no channel of notificationChannels \(known: platform-oncall\)/] },
  { name: "a local state backend in the cloud", edits: [["staging", "state", { backend: "local", path: "x.tfstate" }]], expect: [/state\.backend = "local": cloud environments keep state in GCS/] },
  { name: "a state bucket that is no bucket name", edits: [["staging", "state.bucket", "Tandem_State!"]], expect: [/state\.bucket = "Tandem_State!": must be a GCS bucket name/] },
  { name: "an upper-case label", edits: [["staging", "labels.Team", "platform"]], expect: [/labels\.Team = "Team": label keys must be lower-case/] },
  { name: "a malformed member", edits: [["staging", "access.roles.qa.members", ["qa-team"]]], expect: [/access\.roles\.qa\.members\.0 = "qa-team": must be group:, user: or serviceAccount: followed by an e-mail address/] },
  { name: "Google groups without Google Groups for RBAC", edits: [["staging", "gke.rbacSecurityGroup", undefined]], expect: [/access\.roles\.developer\.members\.0 = "group:developers@example\.com": Google groups can be bound in Kubernetes only with GKE Google Groups for RBAC/] },
  // The platform: ports, routes, names, legacy.
  { name: "a port pinned on a legacy port", edits: [["dev", "platform.services.graphql.port", 6379]], expect: [/platform\.services\.graphql\.port = 6379: port 6379: service "graphql" and legacy redis: reserved by the legacy system/] },
  { name: "a port on the avoid list", edits: [["dev", "platform.services.prometheus.port", 9090]], expect: [/platform\.services\.prometheus\.port = 9090: port 9090: service "prometheus" and the avoid list: on the avoid list/] },
  { name: "a port claimed twice", edits: [["dev", "platform.services.graphql.port", 8101]], expect: [/port 8101: service "api-gateway" and service "graphql": claimed twice/] },
  { name: "a port outside its category block", edits: [["staging", "platform.services.web.port", 30250]], expect: [/platform\.services\.web\.port = 30250: port 30250: service "web": outside the frontend block 30100-30199/] },
  { name: "a reserved route path", edits: [["dev", "platform.services.web.routePath", "/v2/"]], expect: [/platform\.services\.web\.routePath = "\/v2\/": is reserved/] },
  { name: "a call to a service the platform does not have", edits: [["staging", "platform.services.web.calls", ["api-gatway"]]], expect: [/staging[\s\S]*platform\.services\.web\.calls\.0 = "api-gatway": names no service of the platform; known: /] },
  { name: "a route path twice", edits: [["dev", "platform.services.web.routePath", "/api/v2/"]], expect: [/routePath = "\/api\/v2\/": is also .*'s routePath; a path goes to one service/] },
  { name: "nginx.conf injection in a health path", edits: [["dev", "platform.services.web.healthPath", "/h { return 200; }"]], expect: [/platform\.services\.web\.healthPath = "\/h \{ return 200; \}": must start with '\/' and use only letters, digits/] },
  { name: "nginx.conf injection in legacy's health path", edits: [["dev", "legacy.healthPath", "/health;return"]], expect: [/legacy\.healthPath = "\/health;return": must start with '\/' and use only/] },
  { name: "legacy at an ftp URL", edits: [["staging", "legacy.baseUrl", "ftp://legacy.example.com"]], expect: [/legacy\.baseUrl = "ftp:\/\/legacy\.example\.com": must be an http\(s\) URL/] },
  { name: "a dev legacy reached at localhost from a container", edits: [["dev", "legacy.upstream", undefined]], expect: [/legacy\.baseUrl = "localhost:8000": is the container itself from inside a container/] },
  { name: "a bridge service without the legacy network", edits: [["dev", "legacy.dockerNetwork", undefined]], expect: [/legacy\.dockerNetwork = \(missing\): api-gateway bridge to legacy, so name the legacy Docker network to join/] },
  { name: "a weighted phase at 0 %", edits: [["staging", "platform.router.weightPercent", 0]], expect: [/platform\.router\.weightPercent = 0: the weighted phase needs a weight between 0 and 100 exclusive/] },
  { name: "a CPU limit of 20 millicores", edits: [["dev", "platform.services.web.cpuMillis", 20]], expect: [/platform\.services\.web\.cpuMillis = 20: must be a whole number 50-16000 \(millicores\)/] },
  { name: "16 MiB of memory", edits: [["dev", "platform.services.web.memoryMb", 16]], expect: [/platform\.services\.web\.memoryMb = 16: must be a whole number 32-65536 \(MiB\)/] },
  { name: "a service running as root", edits: [["dev", "platform.services.web.runAsUser", 0]], expect: [/platform\.services\.web\.runAsUser = 0: must be a whole number 1-2147483647 \(workloads never run as root\)/] },
  { name: "a relative writable path", edits: [["dev", "platform.services.prometheus.writablePaths", ["prometheus"]]], expect: [/platform\.services\.prometheus\.writablePaths\.0 = "prometheus": must be an absolute path/] },
  { name: "an image on :latest", edits: [["dev", "platform.services.web.image", "ghcr.io/example/web:latest"]], expect: [/platform\.services\.web\.image = "ghcr\.io\/example\/web:latest": must pin a release, not :latest/] },
  { name: "an image with a registry port and no tag", edits: [["staging", "platform.services.web.image", "registry.internal:5000/platform/web"]], expect: [/platform\.services\.web\.image = "registry\.internal:5000\/platform\/web": names no tag or digest \(a registry port is not a tag\), so it would run as :latest/] },
  // Serving workloads: an HPA or a fixed count, never both; the router never one pod on Kubernetes.
  { name: "a fixed count next to autoscaling", edits: [["staging", "platform.router.replicas", 3]], expect: [/staging[\s\S]*platform\.router\.replicas = 3: is set together with autoscaling; an HPA owns the replica count; set either replicas \(a fixed count\) or autoscaling, not both/] },
  { name: "an HPA whose minimum is above its maximum", edits: [["production", "platform.services.web.autoscaling", { minReplicas: 12 }]], expect: [/production[\s\S]*platform\.services\.web\.autoscaling\.minReplicas = 12: must be <= maxReplicas \(10\)/] },
  { name: "a CPU target over 100 %", edits: [["staging", "platform.services.websocket.autoscaling.cpuPercent", 150]], expect: [/platform\.services\.websocket\.autoscaling\.cpuPercent = 150: must be a whole number 1-100/] },
  { name: "a one-pod router in the cloud", edits: [["staging", "platform.router.autoscaling.minReplicas", 1]], expect: [/staging[\s\S]*platform\.router\.autoscaling\.minReplicas = 1: runs the migration router .* as a single pod on Kubernetes: every node drain or upgrade interrupts it; run at least 2/] },
  { name: "an autoscaling field that does not exist", edits: [["staging", "platform.services.web.autoscaling.targetCpu", 70]], expect: [/platform\.services\.web\.autoscaling\.targetCpu = 70: is not a known field/] },
  // Blue-green.
  { name: "a blue-green service named legacy", edits: [["staging", "blueGreen.legacy", bg({})]], expect: [/blueGreen\.legacy = "legacy": would create the Service "legacy", which is already the platform's legacy Service in the same namespace/] },
  { name: "a blue-green service named like a platform workload", edits: [["staging", "blueGreen.tandem-web", bg({})]], expect: [/blueGreen\.tandem-web = "tandem-web": would create the Service "tandem-web", which is already platform workload tandem-web/] },
  { name: "the active colour without an image", edits: [["staging", "blueGreen.api.activeColor", "green"], ["staging", "blueGreen.api.green", {}]], expect: [/blueGreen\.api\.green\.image = \(missing\): is missing, but green is the active colour/] },
  { name: "a blue-green route on a platform service's path", edits: [["production", "blueGreen.api.routePath", "/ws/"]], expect: [/production[\s\S]*blueGreen\.api\.routePath = "\/ws\/": is already the route of platform service websocket/] },
  { name: "a connection for a workload that does not exist", edits: [["staging", "connections.platform.api-gatway", ["cache"]]], expect: [/connections\.platform\.api-gatway = \["cache"\]: names no platform service \(platform\.services\); known: web, api-gateway, websocket/] },
  { name: "a connection to something the environment has not", edits: [["production", "connections.blueGreen.api", ["database", "redis"]]], expect: [/production[\s\S]*connections\.blueGreen\.api\.1 = "redis": must be one of: database, cache, googleApis/] },
  { name: "a canary with no route to carry it", edits: [["staging", "blueGreen.api.canaryPercent", 5], ["staging", "blueGreen.api.routePath", undefined]], expect: [/blueGreen\.api\.canaryPercent = 5: needs routePath/] },
  { name: "a PDB that blocks every drain", edits: [["staging", "blueGreen.api.minAvailable", 3]], expect: [/blueGreen\.api\.minAvailable = 3: must be below autoscaling\.minReplicas \(3\), or the PDB blocks every node drain/] },
  // Production keeps its safety unless the config says why.
  { name: "production without deletion protection", edits: [["production", "database.deletionProtection", false]], expect: [/production[\s\S]*database\.deletionProtection = false: weakens production, which needs an explicit acknowledgement; add acknowledgements: \{ "database\.deletionProtection": "<why, in a sentence>" \}/] },
  { name: "production without HA", edits: [["production", "database.highAvailability", false]], expect: [/database\.highAvailability = false: weakens production/] },
  { name: "production on a BASIC cache", edits: [["production", "cache.tier", "BASIC"], ["production", "cache.readReplicas", 0]], expect: [/cache\.tier = "BASIC": weakens production/] },
  { name: "an acknowledgement without a reason", edits: [["production", "gke.deletionProtection", false], ["production", "acknowledgements", { "gke.deletionProtection": "ok" }]], expect: [/acknowledgements\.gke\.deletionProtection = "ok": must give the reason in a sentence/] },
  // Between environments: staging never shares production's project, state or names.
  {
    name: "staging pointed at production's project, state and domain",
    edits: [["staging", "gcp.project", "tandem-production"], ["staging", "state", { backend: "gcs", bucket: "tandem-tfstate-production", prefix: "tandem/production" }], ["staging", "platform.router.domain", "example.com"]],
    expect: [
      /Invalid config for environment "production"/,
      /state = "gs:\/\/tandem-tfstate-production\/tandem\/production": is also staging's state location: environments share no project, state or public host/,
      /gcp\.project = "tandem-production": is also staging's project/,
      /platform\.router\.domain = "new\.example\.com": is also staging's public host/,
    ],
  },
  // Warnings: synth goes on, and says so.
  { name: "production acknowledged without HA: synthesized", edits: [["production", "database.highAvailability", false], ["production", "database.readReplica", false], ["production", "acknowledgements", { "database.highAvailability": "Single-zone for the December load test, tracked in PLAT-42." }]], expect: [/Synthesized dev, production, production-bootstrap, staging, staging-bootstrap/], exitCode: 0 },
  { name: "the control plane open to the internet: a warning", edits: [["staging", "gke.masterAuthorizedNetworks", { anywhere: "0.0.0.0/0" }]], expect: [/warning: \[staging\/gke\] masterAuthorizedNetworks\.anywhere = "0\.0\.0\.0\/0": opens the control plane's IP endpoint to the whole internet/], exitCode: 0 },
  { name: "legacy reached by its public name: a warning", edits: [["staging", "legacy.upstream", "app.staging.example.com:443"]], expect: [/warning: \[staging\/platform\] legacy\.upstream = "app\.staging\.example\.com": is legacy's public name/], exitCode: 0 },
  { name: "a weight in the path phase does nothing: a warning", edits: [["production", "platform.router.weightPercent", 25]], expect: [/warning: \[production\/platform\] router\.weightPercent = 25: does nothing in the path phase/], exitCode: 0 },
];
