/**
 * The stable names of the outputs every cloud stack publishes. Other teams read them
 * (see `PlatformOutputs`), so a name here never changes; add new ones instead.
 */
export const PLATFORM_OUTPUTS = {
  networkSelfLink: "network_self_link",
  networkId: "network_id",
  subnetSelfLink: "subnet_self_link",
  sqlPrivateServiceRange: "sql_private_service_range",
  redisPrivateServiceRange: "redis_private_service_range",
  clusterName: "cluster_name",
  clusterLocation: "cluster_location",
  clusterEndpoint: "cluster_endpoint",
  clusterDnsEndpoint: "cluster_dns_endpoint",
  clusterCaCertificate: "cluster_ca_certificate",
  workloadIdentityPool: "workload_identity_pool",
  databaseInstanceName: "database_instance_name",
  databaseConnectionName: "database_connection_name",
  databasePrivateIp: "database_private_ip",
  cacheHost: "cache_host",
  cachePort: "cache_port",
  newPlatformNamespace: "new_platform_namespace",
  frontDoorAddress: "front_door_address",
  frontDoorDnsAuthorizations: "front_door_dns_authorizations",
} as const;

export type PlatformOutputKey = keyof typeof PLATFORM_OUTPUTS;
