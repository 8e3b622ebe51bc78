import { MIGRATION_PHASES, renderRouterConfig, RouterConfigInput } from "../../src/platform";
import { defaultRouting, neighbourSteps, parseRouterConfig, routingChanges } from "../../scripts/report/routing";

const input = (phase: RouterConfigInput["phase"], weightPercent?: number): RouterConfigInput => ({
  phase,
  weightPercent,
  domain: "example.com",
  legacy: { upstream: "legacy-origin.example.com:443", tls: true, healthPath: "/health" },
  entry: { service: "web", backends: [{ upstream: "web:8080", weightPercent: 100 }], healthPath: "/health" },
  routes: [{ path: "/api/v2/", service: "api-gateway", backends: [{ upstream: "gw:8080", weightPercent: 100 }] }],
  resolver: "127.0.0.11",
});

describe("reading the router's nginx.conf", () => {
  test("two servers: new.<domain> (all new, every phase) and the default one; health endpoints are not routes", () => {
    const servers = parseRouterConfig(renderRouterConfig(input("subdomain")));
    expect(servers.map((s) => [s.serverName, s.isDefault])).toEqual([
      ["new.example.com", false],
      ["_", true],
    ]);
    expect(servers[0].locations).toEqual([
      { path: "/api/v2/", side: "new", service: "api-gateway" },
      { path: "/", side: "new", service: "web" },
    ]);
    expect(servers[1].locations).toEqual([{ path: "/", side: "legacy", service: "legacy" }]);
  });

  test("each phase routes the other hosts as the router's generator writes it", () => {
    const sides = Object.fromEntries(MIGRATION_PHASES.map((p) => [p, defaultRouting(renderRouterConfig(input(p, p === "weighted" ? 25 : 0))).map((r) => `${r.path} ${r.side} ${r.service}`)]));
    expect(sides).toEqual({
      subdomain: ["/ legacy legacy"],
      path: ["/api/v2/ new api-gateway", "/v2/ new web", "/ legacy legacy"],
      weighted: ["/api/v2/ new api-gateway", "/v2/ new web", "/ split legacy or new"],
      cutover: ["/api/v2/ new api-gateway", "/ new web"],
    });
  });

  test("a change of phase lists every path whose destination changes, a missing location falling back to /", () => {
    const path = defaultRouting(renderRouterConfig(input("path")));
    const subdomain = defaultRouting(renderRouterConfig(input("subdomain")));
    expect(routingChanges(path, 0, subdomain, 0)).toEqual([
      { path: "/api/v2/", from: "new (api-gateway)", to: "legacy" },
      { path: "/v2/", from: "new (web)", to: "legacy" },
    ]);
  });

  test("neighbours: none before the first phase or after the last; weighted keeps the configured weight", () => {
    expect(neighbourSteps(input("subdomain")).previous).toBeUndefined();
    expect(neighbourSteps(input("cutover")).next).toBeUndefined();
    const fromPath = neighbourSteps(input("path")).next!;
    expect(fromPath.phase).toBe("weighted");
    expect(fromPath.note).toMatch(/needs router.weightPercent/);
    const weighted = neighbourSteps(input("weighted", 25));
    expect(weighted.next!.changes).toEqual([{ path: "/", from: "25 % new, 75 % legacy (sticky per client)", to: "new (web)" }]);
    expect(weighted.previous!.changes).toEqual([{ path: "/", from: "25 % new, 75 % legacy (sticky per client)", to: "legacy" }]);
  });
});
