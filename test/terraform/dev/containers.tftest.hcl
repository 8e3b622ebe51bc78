# terraform test for the synthesized `dev` stack: the new platform's containers next to the legacy NetBox.
# The Docker provider is mocked (no daemon here); the legacy network is a data source, so it is mocked too.

mock_provider "docker" {
  mock_data "docker_network" {
    defaults = {
      id     = "legacy-network-id"
      driver = "bridge"
    }
  }
}

run "plan_parallel_containers" {
  command = plan

  assert {
    condition     = alltrue([for c in docker_container.platform_docker_svc-web_C5B0072B.ports : c.ip == "127.0.0.1" && c.external == 8100])
    error_message = "web must publish 8100 on 127.0.0.1 only."
  }
  assert {
    condition     = length(setintersection([8000, 5432, 6379], flatten([for c in [docker_container.platform_docker_svc-web_C5B0072B, docker_container.platform_docker_svc-api-gateway_767A4D49, docker_container.platform_docker_svc-graphql_C8C8FC26, docker_container.platform_docker_svc-websocket_9A4EDFA1, docker_container.platform_docker_svc-coordinator_29D30CEF, docker_container.platform_docker_router_77D6F5AC] : [for p in c.ports : p.external]]))) == 0
    error_message = "No container may publish a legacy port (8000, 5432, 6379)."
  }
  assert {
    condition     = docker_container.platform_docker_svc-api-gateway_767A4D49.read_only == true && contains(docker_container.platform_docker_svc-api-gateway_767A4D49.security_opts, "no-new-privileges:true")
    error_message = "Containers run with a read-only root filesystem and no-new-privileges."
  }
}

run "apply_joins_legacy_network_by_name" {
  command = apply

  assert {
    condition     = data.docker_network.platform_docker_legacy-network_43F53CF5.name == "netbox_default"
    error_message = "The legacy network is looked up by name, never created."
  }
  assert {
    condition     = length(docker_container.platform_docker_svc-api-gateway_767A4D49.networks_advanced) == 2 && length(docker_container.platform_docker_svc-web_C5B0072B.networks_advanced) == 1
    error_message = "Only bridge services (api-gateway) join the legacy network."
  }
}
