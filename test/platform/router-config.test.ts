import { ACCESS_LOG_FIELDS, healthPathProblem, renderRouterConfig, RouterConfigInput, routePathProblem } from "../../src/platform/router-config";

const one = (upstream: string) => [{ upstream, weightPercent: 100 }];
const base: RouterConfigInput = {
  phase: "path",
  domain: "example.com",
  legacy: { upstream: "legacy:8000", healthPath: "/health" },
  entry: { service: "web", backends: one("web:8080"), healthPath: "/health" },
  routes: [{ path: "/api/v2/", service: "api-gateway", backends: one("api:8080") }],
  resolver: "127.0.0.11",
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
    expect(config).toMatch(/server_name new\.example\.com;[\s\S]*?location \/ \{\n(\s+set [^\n]+\n)*?\s+set \$tandem_upstream "web:8080";\n\s+proxy_pass http:\/\/\$tandem_upstream;/);
  });

  test("upstream names are resolved per request through the resolver: no upstream blocks", () => {
    const config = renderRouterConfig(base);
    expect(config).toContain("resolver 127.0.0.11 valid=5s ipv6=off;");
    expect(config).not.toMatch(/^\s*upstream /m);
    expect(config).not.toMatch(/proxy_pass https?:\/\/(?!\$)/);
  });

  test("a route strips its prefix with a rewrite (proxy_pass with a variable would not)", () => {
    expect(renderRouterConfig(base)).toMatch(/location \/api\/v2\/ \{[\s\S]*?rewrite \^\/api\/v2\/\(\.\*\)\$ \/\$1 break;\n\s+proxy_pass http:\/\/\$tandem_upstream;/);
  });

  test("weighted: split_clients sends the weight to new, sticky on cookie then X-Client-Id", () => {
    const config = renderRouterConfig({ ...base, phase: "weighted", weightPercent: 12.5 });
    expect(config).toMatch(/split_clients "\$tandem_client_key\/migration" \$tandem_weighted_side \{\n\s+12\.50% new;\n\s+\* legacy;/);
    expect(config).toContain("map $cookie_tandem_client $tandem_client_key {");
    expect(config).toContain("map $http_x_client_id $tandem_header_key {");
  });

  test("a target with two backends is split by exact weights, sticky per client, and logs the colour", () => {
    const config = renderRouterConfig({
      ...base,
      routes: [{ path: "/api/", service: "api", backends: [{ upstream: "api-blue:80", label: "blue", weightPercent: 95 }, { upstream: "api-green:80", label: "green", weightPercent: 5 }] }],
    });
    expect(config).toMatch(/split_clients "\$tandem_client_key\/api" \$tandem_pick_r0 \{\n\s+95% blue;\n\s+\* green;\n\s+\}/);
    expect(config).toMatch(/map \$tandem_pick_r0 \$tandem_upstream_r0 \{\n\s+blue "api-blue:80";\n\s+default "api-green:80";/);
    expect(config).toMatch(/location \/api\/ \{[\s\S]*?set \$tandem_color \$tandem_pick_r0;[\s\S]*?add_header Set-Cookie \$tandem_set_cookie always;/);
  });

  test("a backend at weight 0 is left out: a 100 % target has no split", () => {
    const config = renderRouterConfig({ ...base, routes: [{ path: "/api/", service: "api", backends: [{ upstream: "api-blue:80", label: "blue", weightPercent: 0 }, { upstream: "api-green:80", label: "green", weightPercent: 100 }] }] });
    expect(config).not.toContain("split_clients");
    expect(config).toContain('set $tandem_upstream "api-green:80";');
  });

  test("https legacy is verified against the CA bundle unless verification is turned off explicitly", () => {
    const tls = renderRouterConfig({ ...base, legacy: { upstream: "legacy:443", tls: true, serverName: "app.example.com", healthPath: "/health" } });
    expect(tls).toContain("proxy_ssl_verify on;");
    expect(tls).toContain("proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;");
    expect(tls).toContain("proxy_ssl_name app.example.com;");
    const off = renderRouterConfig({ ...base, legacy: { upstream: "legacy:443", tls: true, verifyTls: false, healthPath: "/health" } });
    expect(off).toContain("proxy_ssl_verify off;");
    expect(off).not.toContain("proxy_ssl_trusted_certificate");
  });

  test("the access log is one JSON object per request with every field the log metrics read", () => {
    const config = renderRouterConfig(base);
    const format = /log_format tandem_access escape=json '(.*)';/.exec(config)?.[1] ?? "";
    const keys = [...format.matchAll(/"([a-z_]+)":/g)].map((m) => m[1]);
    expect(keys).toEqual([...ACCESS_LOG_FIELDS]);
    expect(config).toContain("access_log /dev/stdout tandem_access;");
  });

  test.each(["subdomain", "path", "weighted", "cutover"] as const)("%s: no Terraform template sequence (${ or %%{) in the text, which Terraform would interpolate", (phase) => {
    const config = renderRouterConfig({
      ...base,
      phase,
      weightPercent: 20,
      routes: [{ path: "/api/", service: "api", backends: [{ upstream: "a:1", label: "blue", weightPercent: 50 }, { upstream: "b:1", label: "green", weightPercent: 50 }] }],
    });
    expect(config).not.toMatch(/[$%]\{/);
  });

  test("the phase reaches services as a request header, not as their configuration", () => {
    expect(renderRouterConfig({ ...base, phase: "cutover" })).toContain("proxy_set_header X-Tandem-Phase cutover;");
  });

  test("behind trusted proxies X-Forwarded-Proto is believed from them only (by the connection's own address), else the router's scheme", () => {
    const config = renderRouterConfig({ ...base, trustedProxies: ["35.191.0.0/16", "130.211.0.0/22"], trustedProxyFiles: "/etc/nginx/tandem/*.conf" });
    expect(config).toContain("  geo $realip_remote_addr $tandem_from_proxy {\n    default 0;\n    35.191.0.0/16 1;\n    130.211.0.0/22 1;\n  }");
    expect(config).toContain('  map "$tandem_from_proxy:$http_x_forwarded_proto" $tandem_forwarded_proto {\n    "1:https" https;\n    "1:http" http;\n    default $scheme;\n  }');
    expect(config).toContain("  include /etc/nginx/tandem/*.conf;\n  real_ip_header X-Forwarded-For;\n  real_ip_recursive on;\n");
    expect(config.match(/proxy_set_header X-Forwarded-Proto \$tandem_forwarded_proto;/g)!.length).toBeGreaterThan(0);
    expect(renderRouterConfig(base)).not.toMatch(/tandem_from_proxy|geo /);
    expect(() => renderRouterConfig({ ...base, trustedProxies: ["35.191.0.0/16"], trustedProxyFiles: "x; include /etc/passwd" })).toThrow(/trustedProxyFiles is "x; include \/etc\/passwd"/);
  });

  test("trusted proxies, HSTS and a rate limit when asked for", () => {
    const config = renderRouterConfig({ ...base, trustedProxies: ["35.191.0.0/16"], hsts: true, rateLimit: { requestsPerSecond: 50, burst: 100 } });
    expect(config).toContain("set_real_ip_from 35.191.0.0/16;");
    expect(config).toContain("add_header Strict-Transport-Security $tandem_hsts always;");
    expect(config).toContain("limit_req_zone $binary_remote_addr zone=tandem_per_client:10m rate=50r/s;");
    expect(config.match(/limit_req zone=tandem_per_client burst=100 nodelay;/g)).toHaveLength(2);
    expect(renderRouterConfig(base)).not.toMatch(/limit_req|set_real_ip_from|Strict-Transport-Security/);
  });

  test.each([
    [{ weightPercent: 101 }, /weightPercent is 101; it must be 0-100/],
    [{ domain: "example.com; include /etc/passwd" }, /domain is "example\.com; include \/etc\/passwd"/],
    [{ legacy: { upstream: "legacy:8000; return 200", healthPath: "/health" } }, /legacy upstream is "legacy:8000; return 200"; use host:port/],
    [{ entry: { service: "web", backends: one("web:8080"), healthPath: "/health { return 200; }" } }, /entry healthPath is "\/health \{ return 200; \}"/],
    [{ legacy: { upstream: "l:1", serverName: "a b", healthPath: "/h" } }, /legacy serverName is "a b"/],
    [{ resolver: "1.2.3.4; include x" }, /resolver is "1\.2\.3\.4; include x"/],
    [{ routes: [{ path: "/api/v2", service: "a", backends: one("api:8080") }] }, /route path "\/api\/v2" must start and end with '\/'/],
    [{ routes: [{ path: "/v2/", service: "a", backends: one("api:8080") }] }, /route path "\/v2\/" is reserved/],
    [{ routes: [{ path: "/tandem/x/", service: "a", backends: one("api:8080") }] }, /route path "\/tandem\/x\/" is reserved/],
    [{ routes: [{ path: "/a/", service: "a", backends: one("api:8080") }, { path: "/a/", service: "b", backends: one("b:1") }] }, /route path "\/a\/" appears twice/],
    [{ routes: [{ path: "/a/", service: "a", backends: [{ upstream: "a:1", weightPercent: 60 }, { upstream: "b:1", weightPercent: 30 }] }] }, /a: backend weights add up to 90, not 100/],
    [{ routes: [{ path: "/a/", service: "a", backends: [{ upstream: "a:1", label: "x", weightPercent: 50.001 }, { upstream: "b:1", label: "y", weightPercent: 49.999 }] }] }, /at most two decimals/],
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
