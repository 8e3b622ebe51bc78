/**
 * The roles a deployer needs, derived from the resources of the stack it deploys (pure logic): each resource type
 * maps to the narrowest predefined role that manages it. A type with no entry is an error at synth, so a construct
 * adding a new kind of resource cannot leave the deployer unable to apply it.
 */

/** Resource type prefix -> the roles that create, change and delete it (longest prefix wins). */
export const DEPLOYER_ROLE_BY_RESOURCE_PREFIX: Readonly<Record<string, readonly string[]>> = {
  google_compute_firewall: ["roles/compute.securityAdmin"],
  google_compute_security_policy: ["roles/compute.securityAdmin"],
  google_compute_ssl_policy: ["roles/compute.securityAdmin"],
  google_compute_network: ["roles/compute.networkAdmin"],
  google_compute_subnetwork: ["roles/compute.networkAdmin"],
  google_compute_router: ["roles/compute.networkAdmin"],
  google_compute_route: ["roles/compute.networkAdmin"],
  google_compute_global_address: ["roles/compute.networkAdmin"],
  google_compute_address: ["roles/compute.networkAdmin"],
  google_compute_global_forwarding_rule: ["roles/compute.loadBalancerAdmin"],
  google_compute_target_http: ["roles/compute.loadBalancerAdmin"],
  google_compute_url_map: ["roles/compute.loadBalancerAdmin"],
  google_compute_backend_service: ["roles/compute.loadBalancerAdmin"],
  google_compute_health_check: ["roles/compute.loadBalancerAdmin"],
  google_compute_instance_group_named_port: ["roles/compute.loadBalancerAdmin"],
  google_container_node_pool: ["roles/container.admin", "roles/iam.serviceAccountUser"],
  google_container_: ["roles/container.admin"],
  // Kubernetes objects go through GKE's IAM: container.admin is full access to the cluster's API.
  kubernetes_: ["roles/container.admin"],
  google_sql_: ["roles/cloudsql.admin"],
  google_redis_: ["roles/redis.admin"],
  google_secret_manager_: ["roles/secretmanager.admin"],
  google_monitoring_: ["roles/monitoring.editor"],
  google_logging_metric: ["roles/logging.configWriter"],
  google_service_account: ["roles/iam.serviceAccountAdmin"],
  google_project_service: ["roles/serviceusage.serviceUsageAdmin"],
  google_service_networking_connection: ["roles/servicenetworking.networksAdmin"],
  google_binary_authorization_policy: ["roles/binaryauthorization.policyEditor"],
  // Not .editor: it has no delete permission, so removing a host (its certificate, map entry, DNS authorization) would fail.
  google_certificate_manager_: ["roles/certificatemanager.owner"],
  google_dns_: ["roles/dns.admin"],
  // Project IAM grants are handled apart: a conditioned IAM admin that may grant only the stack's own roles.
  google_project_iam_member: [],
};

/** Data sources and Terraform's own types: nothing to manage. */
const NEEDS_NOTHING = /^(terraform_|time_|random_|null_)/;

/** The roles for a resource type, or undefined when the type is not known (a gap to fill in the table above). */
export function deployerRolesFor(resourceType: string): readonly string[] | undefined {
  if (NEEDS_NOTHING.test(resourceType)) return [];
  const prefix = Object.keys(DEPLOYER_ROLE_BY_RESOURCE_PREFIX)
    .filter((p) => resourceType.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : DEPLOYER_ROLE_BY_RESOURCE_PREFIX[prefix];
}

/**
 * The IAM condition that lets a principal change a project's IAM policy only by granting or revoking `roles`
 * (Google's `modifiedGrantsByRole` attribute): the deployer can make the stack's grants and no other.
 */
export function onlyGrants(roles: readonly string[]): string {
  return `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${[...roles].sort().map((r) => `'${r}'`).join(", ")}])`;
}
