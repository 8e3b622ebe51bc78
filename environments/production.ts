import { defineEnvironment } from "../src/config";

/** Production on Google Cloud, sized from seed 003: HA database and cache, deletion protection, 30-day backups. */
export const production = defineEnvironment({
  name: "production",
  target: "gcp",
  state: { backend: "gcs", bucket: "tandem-tfstate-production", prefix: "tandem/production" },
  labels: { environment: "production", managed_by: "tandem" },
  // The repository whose workflows plan (GitHub environment "production-plan") and deploy ("production") it.
  ci: { repository: "tandem-platform/tandem" },
  gcp: { project: "tandem-production", region: "europe-west1" },
  legacy: {
    name: "netbox",
    baseUrl: "https://app.example.com",
    healthPath: "/health",
    reservedPorts: { web: 8000, postgres: 5432, redis: 6379 },
    // The legacy origin: app.example.com moves to the router from the path phase on, so the router must not reach legacy by it.
    upstream: "legacy-origin.example.com:443",
  },
  platform: {
    name: "tandem",
    namespace: "new-platform",
    // Seed 001's blocks: ports derived from service names inside 30000-30999, clear of NodePorts' low range.
    ports: { strategy: "blocks", avoid: [30090] },
    // autoscaling {}: seed 003's HPA, 3-10 pods on CPU 70 % / memory 80 %, for every serving workload.
    services: {
      web: { image: "europe-west1-docker.pkg.dev/tandem-shared/platform/web:1.0.0", category: "frontend", containerPort: 8080, entry: true, routePath: "/platform/", autoscaling: {} },
      "api-gateway": { image: "europe-west1-docker.pkg.dev/tandem-shared/platform/api-gateway:1.0.0", category: "backend", containerPort: 8080, routePath: "/api/v2/", bridgeToLegacy: true, autoscaling: {} },
      websocket: { image: "europe-west1-docker.pkg.dev/tandem-shared/platform/websocket:1.0.0", category: "backend", containerPort: 8080, routePath: "/ws/", autoscaling: {} },
    },
    // The router's image from our Artifact Registry (a remote repository of Docker Hub): nodes pull it like the rest.
    router: { image: "europe-west1-docker.pkg.dev/tandem-shared/dockerhub/nginxinc/nginx-unprivileged:1.27.3-alpine", domain: "example.com", phase: "path", autoscaling: {} },
  },
  // The new platform's API (seed 000) as a blue-green service on the router's /api/v3/ (legacy NetBox keeps /api/).
  // Release steps edit the three lines below: `npm run release -- production api canary 5|25|50|100, promote, finish, rollback`.
  blueGreen: {
    api: {
      blue: { image: "europe-west1-docker.pkg.dev/tandem-shared/platform/api:1.4.0" },
      green: { image: "europe-west1-docker.pkg.dev/tandem-shared/platform/api:1.5.0" },
      activeColor: "blue",
      canaryPercent: 0,
      idle: "warm",
      routePath: "/api/v3/",
      containerPort: 8080,
      healthPath: "/health",
      config: { LOG_LEVEL: "info" },
    },
  },
  // What each workload uses; its egress (exact ports), IAM and settings follow from it. Seed 000: the API gateway
  // bridges to legacy (bridgeToLegacy) and keeps the migration bridge's agent memory in Redis; the websocket server
  // coordinates those agents, so it shares the cache; web is pages only (its calls go through the router). The API
  // (blue-green) owns the database and caches in Redis.
  connections: {
    platform: { "api-gateway": ["cache"], websocket: ["cache"] },
    blueGreen: { api: ["database", "cache"] },
  },
  // Seed 002's table as is: developers read the production database, never write.
  access: {
    roles: {
      "developer": { members: ["group:developers@example.com"], grants: { legacy: "read-write", frontend: "read-write", backend: "read-write", database: "read", monitoring: "read" } },
      "devops": { members: ["group:devops@example.com"], grants: { legacy: "read-write", frontend: "read-write", backend: "read-write", database: "read-write", monitoring: "read-write" } },
      "qa": { members: ["group:qa@example.com"], grants: { legacy: "read", frontend: "read-write", backend: "read", database: "read", monitoring: "read" } },
      "product-owner": { members: ["group:product-owners@example.com"], grants: { legacy: "read", frontend: "read", backend: "none", database: "none", monitoring: "read" } },
      "system-admin": { members: ["group:system-admins@example.com"], grants: { legacy: "read-write", frontend: "read-write", backend: "read-write", database: "read-write", monitoring: "read-write" } },
    },
  },
  network: {
    name: "tandem-production",
    primaryCidr: "10.110.0.0/20",
    podsCidr: "10.120.0.0/14",
    servicesCidr: "10.124.0.0/20",
    // Private service access: Cloud SQL and Memorystore each get a range of their own.
    privateServiceRanges: { sql: "10.130.0.0/20", redis: "10.131.0.0/24" },
    flowLogSampling: 0.5,
  },
  gke: {
    name: "tandem-production",
    releaseChannel: "STABLE",
    masterCidr: "172.16.0.16/28",
    privateEndpoint: false,
    // The IP endpoint: nobody outside the VPC. Deployers and CI use the DNS endpoint (IAM-authenticated).
    masterAuthorizedNetworks: {},
    rbacSecurityGroup: "gke-security-groups@example.com",
    deletionProtection: true,
    maintenanceWindow: { startTimeUtc: "02:00", durationHours: 4 },
    // Fixed zones: the front door's backends are the node pools' instance groups, one per zone.
    nodeLocations: ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
    nodePools: {
      general: { machineType: "e2-standard-8", minNodesPerZone: 1, maxNodesPerZone: 5, diskSizeGb: 100, spot: false },
    },
  },
  database: {
    name: "tandem-production-pg",
    version: "POSTGRES_16",
    tier: "db-custom-4-16384",
    diskSizeGb: 100,
    highAvailability: true,
    readReplica: true,
    deletionProtection: true,
    backupStartTimeUtc: "03:00",
    backupRetentionDays: 30,
    pointInTimeRecovery: true,
    maintenanceWindow: { day: "SUNDAY", hourUtc: 4 },
    databases: ["platform"],
    users: { platform_app: { type: "built-in", passwordVersion: 1 } },
    maxConnections: 400,
  },
  cache: {
    name: "tandem-production-redis",
    tier: "STANDARD_HA",
    memorySizeGb: 8,
    readReplicas: 1,
    rdbSnapshotPeriod: "TWELVE_HOURS",
    maintenanceWindow: { day: "SUNDAY", hourUtc: 5 },
  },
  // HTTPS for legacy's public host and new.<domain> (certificates from this environment's own domain), in front of the
  // router's NodePort: the router's port in the plan (public block), so the port plan stays the one record of ports.
  frontDoor: { name: "tandem-production", nodePort: 30064 },
  monitoring: {
    notificationChannels: {
      "platform-oncall": { type: "email", address: "platform-oncall@example.com" },
      "platform-tickets": { type: "email", address: "platform-tickets@example.com" },
    },
    p0Channels: ["platform-oncall"],
    p1Channels: ["platform-tickets"],
    // Uptime checks: one per side on the public hosts the front door serves (publicHosts), derived by the stack.
  },
});
