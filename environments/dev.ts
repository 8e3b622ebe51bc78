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
    // NetBox listens on 8080 in its container; 8000 is only the port docker compose publishes on the host.
    upstream: "netbox-docker-netbox-1:8080",
  },
  platform: {
    name: "tandem",
    ports: { strategy: "offset", avoid: [9090] },
    // Seed 000's plan, pinned: legacy web + 100 for the web family, 8200 for coordination, stores at legacy + 1.
    services: {
      web: { image: "ghcr.io/example/hedgehog-platform-web:1.0.0", category: "frontend", containerPort: 8080, port: 8100, entry: true, routePath: "/platform/" },
      "api-gateway": { image: "ghcr.io/example/hedgehog-api-gateway:1.0.0", category: "backend", containerPort: 8080, port: 8101, routePath: "/api/v2/", bridgeToLegacy: true },
      graphql: { image: "ghcr.io/example/hedgehog-graphql:1.0.0", category: "backend", containerPort: 8080, port: 8102 },
      websocket: { image: "ghcr.io/example/hedgehog-websocket:1.0.0", category: "backend", containerPort: 8080, port: 8103, routePath: "/ws/" },
      coordinator: { image: "ghcr.io/example/ruv-swarm:0.9.2", category: "integration", containerPort: 8080, port: 8200, memoryMb: 1024 },
      // Metrics on 9191 (9090, Prometheus' default, is on the avoid list); the new Redis at legacy 6379 + 1, scratch data in a tmpfs.
      prometheus: { image: "prom/prometheus:v2.53.2", category: "monitoring", containerPort: 9090, port: 9191, healthPath: "/-/healthy", runAsUser: 65534, writablePaths: ["/prometheus"] },
      "redis-new": { image: "redis:7.2.5-alpine", category: "cache", containerPort: 6379, port: 6380, healthCommand: ["redis-cli", "ping"], runAsUser: 999, writablePaths: ["/data"], memoryMb: 256 },
    },
    router: { domain: "hedgehog.local", phase: "path", port: 8180 },
  },
});
