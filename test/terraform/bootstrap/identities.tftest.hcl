# Every <env>-bootstrap stack: the state bucket and the CI identities. Run by `npm run test:terraform` against a
# copy of cdk.tf.json with the real google provider's schema, mocked (no credentials, no API calls).

mock_provider "google" {
  mock_resource "google_service_account" {
    defaults = {
      email  = "mock-sa@tandem-env.iam.gserviceaccount.com"
      member = "serviceAccount:mock-sa@tandem-env.iam.gserviceaccount.com"
      name   = "projects/tandem-env/serviceAccounts/mock-sa@tandem-env.iam.gserviceaccount.com"
    }
  }
}

run "state_bucket_is_private_versioned_and_kept" {
  command = plan

  assert {
    condition     = google_storage_bucket.bootstrap_state_C92AB1C0.versioning[0].enabled == true
    error_message = "the state bucket must keep old versions (a bad apply is undone from them)"
  }
  assert {
    condition     = google_storage_bucket.bootstrap_state_C92AB1C0.public_access_prevention == "enforced" && google_storage_bucket.bootstrap_state_C92AB1C0.uniform_bucket_level_access == true
    error_message = "state holds secrets: no public access, no ACLs"
  }
  assert {
    condition     = google_storage_bucket.bootstrap_state_C92AB1C0.force_destroy == false
    error_message = "destroying the bootstrap must never delete the state objects with the bucket"
  }
}

run "only_this_repository_is_federated" {
  command = plan

  assert {
    condition     = google_iam_workload_identity_pool_provider.bootstrap_provider_15327364.oidc[0].issuer_uri == "https://token.actions.githubusercontent.com"
    error_message = "the provider must trust GitHub Actions' issuer"
  }
  assert {
    condition     = startswith(google_iam_workload_identity_pool_provider.bootstrap_provider_15327364.attribute_condition, "assertion.sub == 'repo:")
    error_message = "without a subject condition, any GitHub repository's workflow could exchange tokens"
  }
}

# A plan (the bucket's prevent_destroy would stop a test's clean-up after an apply); the pool's computed name is
# overridden so the members are known at plan.
run "planner_from_the_plan_environment_deployer_from_the_deploy_environment" {
  command = plan

  override_resource {
    target          = google_iam_workload_identity_pool.bootstrap_pool_38F42AC1
    override_during = plan
    values = {
      name = "projects/123456789012/locations/global/workloadIdentityPools/github"
    }
  }

  assert {
    condition     = endswith(google_service_account_iam_member.bootstrap_planner-wif_71578F2D.member, "-plan") && startswith(google_service_account_iam_member.bootstrap_planner-wif_71578F2D.member, "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/subject/repo:")
    error_message = "the planner is impersonated only from the repository's <env>-plan GitHub environment"
  }
  assert {
    condition     = !endswith(google_service_account_iam_member.bootstrap_deployer-wif_B726F628.member, "-plan")
    error_message = "the deployer must never be reachable from the plan environment (PR code runs there)"
  }
  assert {
    condition     = google_storage_bucket_iam_member.bootstrap_planner-state_90CBA699.role == "roles/storage.objectViewer"
    error_message = "the planner reads state and writes nothing (plans run with -lock=false)"
  }
}
