# terraform test for every cloud stack (staging, production): cdktf.out/stacks/<stack>/cdk.tf.json.
# Run via `npm run test:terraform` (scripts/terraform/validate.sh), which copies this directory to
# <workdir>/tests/ next to a copy of cdk.tf.json and runs `terraform init -backend=false` +
# `terraform test` offline against the locally built provider mirror.
#
# * Every provider the stack configures is mocked: no credentials, no API calls. The real provider
#   binaries are still needed for their schemas.
# * Addresses are the cdktf logical ids from cdk.tf.json (hash of the construct path): renaming or
#   moving a construct changes them, and this file must follow.
# * `command = plan` sees configured values only; computed attributes (id, self_link, ...) are
#   unknown until `command = apply`, where the mock provider fills them with generated values
#   (random 8-character strings). The provider still VALIDATES resource arguments during a mocked
#   apply, so computed values that flow into validated arguments need realistic mock defaults:
#   google_compute_network.id feeds Cloud SQL private_network (regexp-checked) and
#   google_service_account.member feeds google_project_iam_member.member (must be "type:..."),
#   google_service_account.name feeds google_service_account_iam_member.service_account_id.

# Every google mock value is in mocks/google.tfmock.hcl (copied next to this file as tests/mocks).
mock_provider "google" {
  source = "./tests/mocks"
}
mock_provider "kubernetes" {}

run "plan_network_layout" {
  command = plan

  assert {
    condition     = google_compute_network.network_39EEAA36.auto_create_subnetworks == false
    error_message = "The VPC must be custom-mode (no auto-created subnetworks)."
  }
  assert {
    condition     = can(cidrhost(google_compute_subnetwork.network_subnet_E45498CD.ip_cidr_range, 0))
    error_message = "The node subnet must have a primary CIDR range."
  }
  assert {
    condition     = google_compute_subnetwork.network_subnet_E45498CD.private_ip_google_access == true
    error_message = "Private Google Access must be on for the node subnet."
  }
  assert {
    condition     = toset([for r in google_compute_subnetwork.network_subnet_E45498CD.secondary_ip_range : r.range_name]) == toset(["pods", "services"])
    error_message = "The subnet must carry the pods and services secondary ranges used by GKE."
  }
}

run "plan_private_data_services" {
  command = plan

  assert {
    condition     = google_sql_database_instance.database_EBDE4557.settings[0].ip_configuration[0].ipv4_enabled == false
    error_message = "Cloud SQL must not have a public IPv4 address."
  }
  assert {
    condition     = google_container_cluster.gke_B2E24512.private_cluster_config[0].enable_private_nodes == true
    error_message = "GKE nodes must be private."
  }
  assert {
    condition     = google_redis_instance.cache_08DE9BE4.connect_mode == "PRIVATE_SERVICE_ACCESS" && google_redis_instance.cache_08DE9BE4.auth_enabled == true
    error_message = "Memorystore must use private service access with AUTH enabled."
  }
}

run "apply_wiring" {
  command = apply

  assert {
    condition     = google_compute_subnetwork.network_subnet_E45498CD.network == google_compute_network.network_39EEAA36.id
    error_message = "The subnet must belong to the stack's VPC."
  }
  assert {
    condition     = google_container_cluster.gke_B2E24512.network == google_compute_network.network_39EEAA36.id && google_container_cluster.gke_B2E24512.subnetwork == google_compute_subnetwork.network_subnet_E45498CD.id
    error_message = "GKE must run in the stack's VPC and node subnet."
  }
  assert {
    condition     = google_sql_database_instance.database_EBDE4557.settings[0].ip_configuration[0].private_network == google_compute_network.network_39EEAA36.id
    error_message = "Cloud SQL must be reachable on the stack's VPC."
  }
  assert {
    condition     = output.network_id == google_compute_network.network_39EEAA36.id
    error_message = "Output network_id must be the VPC id."
  }
}
