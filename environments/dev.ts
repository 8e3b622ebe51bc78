import { defineEnvironment } from "../src/config";

/** A single machine: the new platform's containers start next to the legacy NetBox containers (seed 000). */
export const dev = defineEnvironment({
  name: "dev",
  target: "docker",
  state: { backend: "local", path: "terraform.dev.tfstate" },
  labels: { environment: "dev", managed_by: "tandem" },
  legacy: {
    name: "netbox",
    baseUrl: "http://localhost:8000",
    healthPath: "/health",
    reservedPorts: { web: 8000, postgres: 5432, redis: 6379 },
    dockerNetwork: "netbox_default",
  },
});
