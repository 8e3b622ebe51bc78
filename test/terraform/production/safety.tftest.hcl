# Production only: the settings that make it safe to run (the shared cloud checks are in ../cloud/).
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

mock_provider "google" {
  mock_resource "google_compute_network" {
    defaults = {
      id        = "projects/tandem-production/global/networks/tandem-production"
      self_link = "https://www.googleapis.com/compute/v1/projects/tandem-production/global/networks/tandem-production"
    }
  }
  # applies to every google_service_account in the stack
  mock_resource "google_service_account" {
    defaults = {
      email  = "mock-sa@tandem-production.iam.gserviceaccount.com"
      member = "serviceAccount:mock-sa@tandem-production.iam.gserviceaccount.com"
      name   = "projects/tandem-production/serviceAccounts/mock-sa@tandem-production.iam.gserviceaccount.com"
      id     = "projects/tandem-production/serviceAccounts/mock-sa@tandem-production.iam.gserviceaccount.com"
    }
  }
  # Memorystore's server CA is computed; the workloads' REDIS_CA_CERT reads the first one.
  mock_resource "google_redis_instance" {
    defaults = {
      server_ca_certs = [{ cert = "-----BEGIN CERTIFICATE-----\nmock\n-----END CERTIFICATE-----\n" }]
    }
  }
}
mock_provider "kubernetes" {}

run "plan_production_safety" {
  command = plan

  assert {
    condition     = google_sql_database_instance.database_EBDE4557.deletion_protection == true && google_container_cluster.gke_B2E24512.deletion_protection == true
    error_message = "Production Cloud SQL and GKE must have deletion protection."
  }
  assert {
    condition     = google_sql_database_instance.database_EBDE4557.settings[0].availability_type == "REGIONAL"
    error_message = "Production Cloud SQL must be regional (HA)."
  }
  assert {
    condition     = google_sql_database_instance.database_replica_BC881514.master_instance_name == google_sql_database_instance.database_EBDE4557.name
    error_message = "The read replica must replicate the primary instance."
  }
}
