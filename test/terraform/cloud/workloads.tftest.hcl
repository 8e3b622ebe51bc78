# The cluster's node pool and the new platform's workloads, wired as a plan shows it (mocked providers).
# Shared: runs against every cloud stack (staging and production share these logical ids).

mock_provider "google" {
  mock_resource "google_compute_network" {
    defaults = {
      id = "projects/tandem/global/networks/tandem"
    }
  }
  mock_resource "google_service_account" {
    defaults = {
      email  = "mock-sa@tandem.iam.gserviceaccount.com"
      member = "serviceAccount:mock-sa@tandem.iam.gserviceaccount.com"
      name   = "projects/tandem/serviceAccounts/mock-sa@tandem.iam.gserviceaccount.com"
    }
  }
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
}
