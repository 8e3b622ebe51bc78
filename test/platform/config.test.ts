/** The `platform` section of an environment's config: loadEnvironment names the environment, the field and the rule. */
import { environments } from "../../environments";
import { loadEnvironment } from "../../src/config";
import { fnv1a } from "../../src/ports";
import { envWith, problemFor } from "../config/fixtures";

describe("platform config", () => {
  test("dev keeps seed 000's ports: web family at legacy + 100, Redis at legacy + 1, Prometheus on 9191 clear of 9090", () => {
    const dev = loadEnvironment("dev", environments.dev);
    const ports = Object.fromEntries(Object.entries(dev.platform.services).map(([n, s]) => [n, s.port]));
    expect(ports).toMatchObject({ web: 8100, "api-gateway": 8101, graphql: 8102, websocket: 8103, coordinator: 8200, prometheus: 9191, "redis-new": 6380 });
    expect(dev.platform.ports.avoid).toContain(9090);
  });

  test.each([
    ["dev", "platform.services.graphql.port", 6379, /platform\.services\.graphql\.port = 6379: port 6379: service "graphql" and legacy redis: reserved by the legacy system/],
    ["dev", "platform.services.prometheus.port", 9090, /platform\.services\.prometheus\.port = 9090: port 9090: service "prometheus" and the avoid list/],
    ["dev", "platform.services.graphql.port", 8101, /platform\.services\.api-gateway\.port = 8101: port 8101: service "api-gateway" and service "graphql": claimed twice/],
    ["dev", "platform.services.web.routePath", "/api/v2/", /platform\.services\.api-gateway\.routePath = "\/api\/v2\/": is also web's routePath; a path goes to one service/],
    ["dev", "platform.services.web.routePath", "/v2/", /platform\.services\.web\.routePath = "\/v2\/": is reserved/],
    ["dev", "platform.services.web.routePath", "/a;b/", /platform\.services\.web\.routePath = "\/a;b\/": must start and end with '\/' and use only/],
    ["dev", "platform.services.web.healthPath", "/h { return 200; }", /platform\.services\.web\.healthPath = .*: must start with '\/' and use only/],
    ["dev", "platform.services.web.writablePaths", ["data"], /platform\.services\.web\.writablePaths\.0 = "data": must be an absolute path/],
    ["dev", "platform.services.web.runAsUser", 0, /platform\.services\.web\.runAsUser = 0: must be a whole number 1-2147483647 \(workloads never run as root\)/],
    ["dev", "platform.services.web.healthCommand", [], /platform\.services\.web\.healthCommand = \[\]: must give the command and its arguments/],
    ["dev", "platform.services.web.image", "ghcr.io/example/web:latest", /platform\.services\.web\.image = .*: must pin a release, not :latest/],
    ["staging", "platform.services.web.port", 30250, /platform\.services\.web\.port = 30250: port 30250: service "web": outside the frontend block 30100-30199/],
    ["staging", "platform.router.phase", "big-bang", /platform\.router\.phase = "big-bang": must be one of: subdomain, path, weighted, cutover/],
  ] as const)("%s: %s = %j is rejected", (env, path, value, message) => {
    expect(problemFor(env, envWith(env, path, value))).toMatch(message);
  });

  test("a pin on another service's derived port is rejected at load, naming both", () => {
    const derived = 30200 + (fnv1a("websocket") % 100);
    const raw = envWith("staging", "platform.services.api-gateway.port", derived);
    expect(problemFor("staging", raw)).toMatch(new RegExp(`platform\\.services\\.websocket\\.port = ${derived}: port ${derived}: service "websocket" and service "api-gateway": service "websocket" derives this port from its name and service "api-gateway" pins it`));
  });
});
