import { healthPathProblem, renderRouterConfig, RouterConfigInput, routePathProblem } from "../../src/platform/router-config";

const base: RouterConfigInput = {
  phase: "path",
  domain: "example.com",
  legacyUpstream: "legacy:8000",
  newUpstream: "web:8080",
  legacyHealthPath: "/health",
  newHealthPath: "/health",
  routes: [{ path: "/api/v2/", upstream: "api:8080" }],
};

/** The location blocks of the server whose `server_name` is `name`. */
function locations(config: string, name: string): string[] {
  const block = config.split("  server {").find((b) => b.includes(`server_name ${name};`)) ?? "";
  return [...block.matchAll(/location (= )?(\S+) \{/g)].map((m) => m[2]).filter((p) => !p.startsWith("/tandem/"));
}

describe("renderRouterConfig", () => {
  test.each([
    ["subdomain", ["/"]],
    ["path", ["/api/v2/", "/v2/", "/"]],
    ["weighted", ["/api/v2/", "/v2/", "/"]],
    ["cutover", ["/api/v2/", "/"]],
  ] as const)("%s: the default server's locations keep what earlier phases moved", (phase, expected) => {
    expect(locations(renderRouterConfig({ ...base, phase, weightPercent: 10 }), "_")).toEqual(expected);
  });

  test.each(["subdomain", "path", "weighted", "cutover"] as const)("%s: new.<domain> serves the whole new platform", (phase) => {
    const config = renderRouterConfig({ ...base, phase, weightPercent: 10 });
    expect(locations(config, "new.example.com")).toEqual(["/api/v2/", "/"]);
    expect(config).toMatch(/server_name new\.example\.com;[\s\S]*?location \/ \{\n\s+proxy_pass http:\/\/tandem_new;/);
  });

  test("weighted: split_clients sends the weight to new, sticky on cookie then X-Client-Id", () => {
    const config = renderRouterConfig({ ...base, phase: "weighted", weightPercent: 12.5 });
    expect(config).toMatch(/split_clients "\$tandem_client_key" \$tandem_side \{\n\s+12\.50% new;\n\s+\* legacy;/);
    expect(config).toContain("map $cookie_tandem_client $tandem_client_key {");
    expect(config).toContain("map $http_x_client_id $tandem_header_key {");
  });

  test.each([
    [{ weightPercent: 101 }, /weightPercent is 101; it must be 0-100/],
    [{ domain: "example.com; include /etc/passwd" }, /domain is "example\.com; include \/etc\/passwd"/],
    [{ legacyUpstream: "legacy:8000; return 200" }, /legacyUpstream is "legacy:8000; return 200"; use host:port/],
    [{ newHealthPath: "/health { return 200; }" }, /newHealthPath is "\/health \{ return 200; \}"/],
    [{ legacyServerName: "a b" }, /legacyServerName is "a b"/],
    [{ routes: [{ path: "/api/v2", upstream: "api:8080" }] }, /route path "\/api\/v2" must start and end with '\/'/],
    [{ routes: [{ path: "/v2/", upstream: "api:8080" }] }, /route path "\/v2\/" is reserved/],
    [{ routes: [{ path: "/tandem/x/", upstream: "api:8080" }] }, /route path "\/tandem\/x\/" is reserved/],
    [{ routes: [{ path: "/a/", upstream: "api:8080" }, { path: "/a/", upstream: "b:1" }] }, /route path "\/a\/" appears twice/],
  ])("refuses input that would break or inject into nginx.conf %#", (override, message) => {
    expect(() => renderRouterConfig({ ...base, ...override })).toThrow(message);
  });

  test("path checks are shared with the config schema", () => {
    expect(routePathProblem("/platform/")).toBeUndefined();
    expect(routePathProblem("/")).toMatch(/reserved/);
    expect(healthPathProblem("/-/healthy")).toBeUndefined();
    expect(healthPathProblem("health")).toMatch(/must start with '\/'/);
  });
});
