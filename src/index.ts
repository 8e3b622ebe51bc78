/**
 * The public API of @tandem/cdktf: the constructs, their props and options, the attributes other teams read, and the
 * rule functions and problem type they validate with. Every name here is a promise (etc/tandem-cdktf.api.md is the
 * reviewed record of it); app config, CI tooling and internals are not exported. The PR preview is
 * `@tandem/cdktf/preview`.
 */

// Network
export { Network, GoogleApis, HEALTH_CHECK_SOURCE_RANGES, IAP_SOURCE_RANGES, PRIVATE_GOOGLE_APIS_CIDR } from "./network/network";
export type { INetworkRef, IngressRule, NetworkOptions, NetworkProps, PrivateServiceRange, SecondaryRange } from "./network/network";
export { cidrProblem, findOverlaps } from "./network/cidr";
export type { CidrOverlap, NamedCidr } from "./network/cidr";
export { DOCUMENTATION_RANGES } from "./network/rules";

// Connections by intent: what a workload uses says what that takes (egress, IAM, settings)
export { METADATA_SERVER_EGRESS, NON_INTERNET_RANGES, GOOGLE_APIS_OVER_INTERNET, PerClient, envName, mergeSettings, resolveConnections, withEnvPrefix } from "./connections/connection";
export type { Connection, ConnectionClient, EgressAllowance, IConnectable } from "./connections/connection";
export { SecretAccess } from "./connections/secret";
export type { SecretAccessProps } from "./connections/secret";

// GKE
export { GkeCluster, NODE_SERVICE_ACCOUNT_ROLES } from "./gke/gke-cluster";
export type { DailyMaintenanceWindow, GkeClusterOptions, GkeClusterProps, NodePoolSpec } from "./gke/gke-cluster";
export { googleRegistries, googleRegistryOf, registryPattern } from "./gke/registries";
export type { ImageRegistry } from "./gke/registries";

// The front door: HTTPS on a global external Application Load Balancer in front of the router
export { FrontDoor, FRONT_DOOR_DEFAULTS, GOOGLE_FRONT_END_RANGES, hstsHeader } from "./edge/front-door";
export type { DnsAuthorizationRecord, FrontDoorCluster, FrontDoorOptions, FrontDoorProps, FrontDoorRateLimit } from "./edge/front-door";
export { FRONT_DOOR_NAME_MAX, FRONT_DOOR_NAME_SUFFIXES } from "./edge/private/names";
export { DNS_AUTHORIZATION_TYPES, HSTS_MIN_MAX_AGE_SEC, NODE_PORT_RANGE, RATE_LIMIT_WINDOWS_SEC, TLS_PROFILES, hostProblem, requestsPerWindow } from "./edge/rules";

// Cloud SQL
export { CloudSqlDb, CLOUD_SQL_DB_DEFAULTS, CLOUD_SQL_POSTGRES_FLAGS, TERRAFORM_REQUIRED_VERSION } from "./database/cloud-sql-db";
export type { CloudSqlDbOptions, CloudSqlDbProps, MaintenanceWindow, SqlUserSpec, Weekday } from "./database/cloud-sql-db";

// Memorystore
export { Memorystore, MEMORYSTORE_DEFAULTS, MEMORYSTORE_TLS_PORT } from "./cache/memorystore";
export type { MemorystoreOptions, MemorystoreProps } from "./cache/memorystore";

// Monitoring
export { Monitoring, DEFAULT_THRESHOLDS } from "./monitoring/monitoring";
export type { AlertThresholds, MonitoringOptions, MonitoringProps, NotificationChannelSpec, UptimeCheckSpec } from "./monitoring/monitoring";

// The new platform next to the legacy one
export { ParallelPlatform } from "./platform/parallel-platform";
export { planPlatform, workloadName, ROUTER_SERVICE, LEGACY_SERVICE } from "./platform/plan";
export { resolveRouter, resolveService } from "./platform/plan";
export type { LegacyEndpoint, PlannedService, PlatformPlan, ResolvedService } from "./platform/plan";
export type { LegacyOriginConfig, NewRoute, RouterBackend, RouterConfigInput, RouterRateLimit, RouterTarget } from "./platform/router-config";
export { DEFAULT_FIXED_REPLICAS, LEGACY_DEFAULTS, PARALLEL_PLATFORM_DEFAULTS, PLATFORM_SERVICE_DEFAULTS, PORT_DEFAULTS, ROUTER_SPEC_DEFAULTS } from "./platform/options";
export type { LegacySystem, ParallelPlatformOptions, ParallelPlatformProps, PlatformService, PlatformTarget, PortOptions, RouterSpec, WorkloadIdentity } from "./platform/options";
export { MIGRATION_PHASES, ACCESS_LOG_FIELDS, ACCESS_LOG_KIND, CLIENT_COOKIE, CLIENT_ID_HEADER } from "./platform/router-config";
export type { MigrationPhase } from "./platform/router-config";
export type { ReleaseBackend, RouteOwner, RouterRelease } from "./platform/release";
export { PART_OF_LABEL } from "./platform/private/kubernetes-target";
export type { DockerTarget, TargetProps } from "./platform/private/docker-target";
export type { KubernetesTarget, KubernetesTargetProps } from "./platform/private/kubernetes-target";
export { BLOCKS, OFFSET_FAMILIES, PORT_CATEGORIES, planPorts, PortConflictError } from "./ports/plan";
export type { PortAssignment, PortCategory, PortConflict, PortPlan, PortPlanInput, PortRange, PortRequest, PortStrategy } from "./ports/plan";

// Serving workloads on Kubernetes: an HPA or a fixed count (router, services, blue-green colours)
export { AUTOSCALING_DEFAULTS, autoscalingProblems, resolveAutoscaling, resolveScale, scaleFloor, scaleProblems } from "./scaling/scaling";
export type { AutoscalingSpec, ServingScale, SinglePod } from "./scaling/scaling";

// Blue-green releases
export { BlueGreenService, BLUE_GREEN_DEFAULTS, COLORS, IDLE_MODES, otherColor } from "./deploy/blue-green-service";
export { canaryFloor, planCapacity } from "./deploy/private/capacity-plan";
export type { CapacityPlan, CapacityPlanInput, ColorPlan, ColorRole, IdleMode } from "./deploy/private/capacity-plan";
export type { BlueGreenServiceOptions, BlueGreenServiceProps, Color, ColorSpec, EgressRule, PeerSelector, ResourceQuantities } from "./deploy/blue-green-service";

// Access
export { AccessMatrix } from "./access/access-matrix";
export type { AccessMatrixOptions, AccessMatrixProps } from "./access/access-matrix";
export { ACCESS_AREAS, ACCESS_LEVELS, ACCESS_ROLES, KUBERNETES_AREAS } from "./access/grants";
export type { AccessArea, AccessLevel, AccessRole, AccessRoles, AccessRoleSpec, AreaWorkloads, KubernetesArea } from "./access/grants";
export { planAccess } from "./access/plan";
export type { AccessPlan, AccessPlanInput, AccessRow, IamConditionSpec, KubernetesBindingSpec, KubernetesRoleSpec, PolicyRuleSpec, ProjectGrant, RbacSubject } from "./access/plan";

// The project: every API a stack uses, enabled before the resources that need it
export { EnableApis, apisFor, API_BY_RESOURCE_PREFIX } from "./project/apis";
export type { EnableApisProps } from "./project/apis";

// Bootstrap: the state bucket and the CI identities an environment needs before its first deploy
export { Bootstrap, BOOTSTRAP_DEFAULTS, PLANNER_ROLES, GITHUB_OIDC_ISSUER, deployerNeeds } from "./bootstrap/bootstrap";
export type { BootstrapOptions, BootstrapProps, DeployerNeeds } from "./bootstrap/bootstrap";
export { DEPLOYER_ROLE_BY_RESOURCE_PREFIX, deployerRolesFor, onlyGrants } from "./bootstrap/deployer-roles";
export { bootstrapProblems } from "./bootstrap/rules";

// Deploy readiness: what only an apply would otherwise find, checked at synth on any stack
export { DeployReadiness, DEPLOY_READINESS_RULES, suppressRule, policyContext } from "./policy";
export { apisEnabled, nameLimits, documentationRanges, exampleHosts, registryRead } from "./policy";
export type { DeployReadinessProps, Finding, PolicyContext, PolicyRule, ResourceConfig, StackJson, StackResource } from "./policy";

// Outputs other teams read
export { PlatformOutputs } from "./outputs/platform-outputs";
export type { PlatformOutputsFromRemoteStateProps } from "./outputs/platform-outputs";
export { PLATFORM_OUTPUTS } from "./outputs/names";
export type { PlatformOutputKey } from "./outputs/names";

// Validation: the same rules the constructs and Tandem's own config run
export { PropsError, formatProblem } from "./validation/problem";
export type { Problem, ProblemPath } from "./validation/problem";
export { serviceAccountId } from "./validation/ids";
export { networkProblems } from "./network/rules";
export { gkeClusterProblems } from "./gke/rules";
export { cloudSqlDbProblems } from "./database/rules";
export { memorystoreProblems } from "./cache/rules";
export { monitoringProblems } from "./monitoring/rules";
export { frontDoorHostsProblems, frontDoorProblems, frontDoorWiringProblems } from "./edge/rules";
export { platformProblems } from "./platform/plan";
export { blueGreenProblems } from "./deploy/rules";
export { routeClashProblems } from "./platform/release";
export { accessRolesProblems } from "./access/rules";
