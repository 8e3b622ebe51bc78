# The cluster's node pool and the new platform's workloads, wired as a plan shows it (mocked providers).
# Shared: runs against every cloud stack (staging and production share these logical ids).

# Every google mock value is in mocks/google.tfmock.hcl (copied next to this file as tests/mocks).
mock_provider "google" {
  source = "./tests/mocks"
}
mock_provider "kubernetes" {}

run "apply_workloads_wiring" {
  command = apply

  assert {
    condition     = google_container_node_pool.gke_pool-general_D15EEE79.cluster == google_container_cluster.gke_B2E24512.id
    error_message = "The node pool must belong to our cluster."
  }
  assert {
    condition     = google_container_node_pool.gke_pool-general_D15EEE79.node_config[0].service_account == google_service_account.gke_nodes_6F9B140F.email
    error_message = "Nodes run as the dedicated node service account."
  }
  assert {
    condition = alltrue([for d in [
      kubernetes_deployment_v1.bg-api_blue_D6E29B66,
      kubernetes_deployment_v1.bg-api_green_0018AA87,
      kubernetes_deployment_v1.platform_k8s_deploy-web_33327DEC,
      kubernetes_deployment_v1.platform_k8s_deploy-api-gateway_5A871BF1,
      kubernetes_deployment_v1.platform_k8s_router_F7DD3AF8,
    ] : d.metadata[0].namespace == kubernetes_namespace_v1.platform_k8s_namespace_DB671372.metadata[0].name])
    error_message = "Every workload lands in the new-platform namespace."
  }
  assert {
    condition     = kubernetes_namespace_v1.platform_k8s_namespace_DB671372.metadata[0].name == "new-platform"
    error_message = "The namespace is new-platform."
  }
  # Connections by intent, as Terraform resolves them: the API's egress is the database's own address, on the
  # connector port, and the cache's host on its TLS port; web, connected to nothing, has no address rule at all.
  assert {
    condition = contains([for e in kubernetes_network_policy_v1.bg-api_netpol_92D77BC7.spec[0].egress : e.to[0].ip_block[0].cidr if length(e.to[0].ip_block) > 0 && e.ports[0].port == "3307"], "${google_sql_database_instance.database_EBDE4557.private_ip_address}/32")
    error_message = "The API reaches the database's private IP on 3307."
  }
  assert {
    condition = contains([for e in kubernetes_network_policy_v1.bg-api_netpol_92D77BC7.spec[0].egress : e.to[0].ip_block[0].cidr if length(e.to[0].ip_block) > 0 && e.ports[0].port == "6378"], "${google_redis_instance.cache_08DE9BE4.host}/32")
    error_message = "The API reaches the cache's host on 6378."
  }
  assert {
    condition     = length([for e in kubernetes_network_policy_v1.platform_k8s_netpol-web_30C4AF74.spec[0].egress : e if length(flatten([for t in e.to : t.ip_block])) > 0]) == 0
    error_message = "Web connects to nothing: no address rule."
  }
}

# The front door's expressions, evaluated by Terraform on (mocked) values in the providers' formats.
run "apply_front_door_wiring" {
  command = apply

  assert {
    condition     = google_compute_instance_group_named_port.front-door_named-port-general-europe-west1-b_8DFB714B.group == "gke-general-b-grp" && google_compute_instance_group_named_port.front-door_named-port-general-europe-west1-d_E4A7CC18.group == "gke-general-d-grp"
    error_message = "each zone's named port must be on the pool's instance group in that zone"
  }
  assert {
    condition     = google_compute_instance_group_named_port.front-door_named-port-general-europe-west1-b_8DFB714B.port == google_compute_health_check.front-door_health-check_77830F38.http_health_check[0].port
    error_message = "the named port and the health check must use the one NodePort"
  }
  assert {
    condition     = length(google_compute_backend_service.front-door_backend-service_69E91B63.backend) == 3 && alltrue([for b in google_compute_backend_service.front-door_backend-service_69E91B63.backend : strcontains(b.group, "/instanceGroups/")])
    error_message = "the backend service must send to every instance group (not its manager)"
  }
  assert {
    condition     = alltrue([for r in values(output.front_door_dns_authorizations) : r.type == "CNAME" && endswith(r.data, ".authorize.certificatemanager.goog.")])
    error_message = "every host's DNS authorization record must be published"
  }
}
