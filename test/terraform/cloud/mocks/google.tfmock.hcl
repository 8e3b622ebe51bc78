# Mock values for the google provider, shared by every cloud .tftest.hcl (`mock_provider "google" { source = ... }`).
# Computed values that flow into arguments the provider validates, or that expressions index, get realistic values:
# google_compute_network.id feeds Cloud SQL private_network (regexp-checked); google_service_account.member feeds
# google_project_iam_member.member (must be "type:..."); .name feeds google_service_account_iam_member.service_account_id.

mock_resource "google_compute_network" {
  defaults = {
    id        = "projects/tandem/global/networks/tandem"
    self_link = "https://www.googleapis.com/compute/v1/projects/tandem/global/networks/tandem"
  }
}

mock_resource "google_service_account" {
  defaults = {
    email  = "mock-sa@tandem.iam.gserviceaccount.com"
    member = "serviceAccount:mock-sa@tandem.iam.gserviceaccount.com"
    name   = "projects/tandem/serviceAccounts/mock-sa@tandem.iam.gserviceaccount.com"
    id     = "projects/tandem/serviceAccounts/mock-sa@tandem.iam.gserviceaccount.com"
  }
}

# The front door reads each node pool's instance groups by zone and each DNS authorization's one record.
mock_resource "google_container_node_pool" {
  defaults = {
    managed_instance_group_urls = [
      "https://www.googleapis.com/compute/v1/projects/tandem/zones/europe-west1-b/instanceGroups/gke-general-b-grp",
      "https://www.googleapis.com/compute/v1/projects/tandem/zones/europe-west1-c/instanceGroups/gke-general-c-grp",
      "https://www.googleapis.com/compute/v1/projects/tandem/zones/europe-west1-d/instanceGroups/gke-general-d-grp",
    ]
  }
}

mock_resource "google_certificate_manager_dns_authorization" {
  defaults = {
    dns_resource_record = [{ name = "_acme-challenge_mock.app.example.com.", type = "CNAME", data = "mock.1.authorize.certificatemanager.goog." }]
  }
}

# Memorystore's server CA is computed; the workloads' REDIS_CA_CERT reads the first one.
mock_resource "google_redis_instance" {
  defaults = {
    server_ca_certs = [{ cert = "-----BEGIN CERTIFICATE-----\nmock\n-----END CERTIFICATE-----\n" }]
  }
}
