/**
 * The migration router's nginx configuration, generated from the migration phase and the releases of the
 * services behind it. Pure logic, no cdktf: the same text runs in a Docker container (dev), in a Kubernetes
 * ConfigMap (cloud), under `nginx -t` and in the loopback integration tests.
 *
 * Two kinds of traffic split, both sticky per client and exact per request (nginx `split_clients`):
 * - the migration (legacy vs new), by phase;
 * - a release (blue vs green), per target: a target with two backends sends each its weight.
 * Upstream names are resolved at request time through `resolver` (no `upstream` blocks), so the router starts
 * while a name does not resolve yet and follows address changes.
 */

/**
 * Seed 002's phases, in order. Each phase keeps what the earlier ones moved to the new platform:
 * 1. `subdomain`: `new.<domain>` → new; everything else → legacy.
 * 2. `path`: as 1, plus `/v2/` and every route path (seed 000: `/platform/`, `/api/v2/`, `/ws/`) → new on every host.
 * 3. `weighted`: as 2, plus a sticky share of the remaining clients → new.
 * 4. `cutover`: everything → new; legacy keeps running (its health stays visible at `/tandem/health/legacy`).
 * Rolling back is setting the previous phase and deploying.
 */
export const MIGRATION_PHASES = ["subdomain", "path", "weighted", "cutover"] as const;
export type MigrationPhase = (typeof MIGRATION_PHASES)[number];

/** One backend of a target: where a share of its requests go. */
export interface RouterBackend {
  /** `host:port`, resolved at request time. */
  readonly upstream: string;
  /** What the access log calls it, e.g. a release colour (`blue`). @default "-" */
  readonly label?: string;
  /** Share of the target's requests, 0-100; a target's backends add up to 100. */
  readonly weightPercent: number;
}

/** A service of the new platform as the router sees it: one backend, or two with weights (a canary). */
export interface RouterTarget {
  /** The service's name in the access log. */
  readonly service: string;
  readonly backends: readonly RouterBackend[];
}

/** A path that goes to one new-platform service (seed 000's proxy routes); the prefix is stripped. */
export interface NewRoute extends RouterTarget {
  /** Location prefix, e.g. `/api/v2/`. */
  readonly path: string;
}

/** How the router reaches the legacy system. */
export interface LegacyOriginConfig {
  /** `host:port` of the legacy origin. */
  readonly upstream: string;
  /** Legacy speaks TLS. @default false */
  readonly tls?: boolean;
  /** Name on legacy's certificate, sent as SNI and verified. @default - host of `upstream` */
  readonly serverName?: string;
  /** Verify legacy's certificate against `trustedCertificate`. @default true */
  readonly verifyTls?: boolean;
  /** CA bundle to verify legacy with. @default "/etc/ssl/certs/ca-certificates.crt" (Debian and Alpine images) */
  readonly trustedCertificate?: string;
  /** Proxied at `/tandem/health/legacy`. */
  readonly healthPath: string;
}

/** Per-client rate limit at the router (nginx `limit_req`). */
export interface RouterRateLimit {
  readonly requestsPerSecond: number;
  /** Requests a client may send above the rate at once. */
  readonly burst: number;
}

export interface RouterConfigInput {
  readonly phase: MigrationPhase;
  /** Base domain: `new.<domain>` is the new platform from the `subdomain` phase on. */
  readonly domain: string;
  readonly legacy: LegacyOriginConfig;
  /** The new platform's entry (`/`, `/v2/`, `new.<domain>`), and its health path (`/tandem/health/new`). */
  readonly entry: RouterTarget & { readonly healthPath: string };
  /** Path routes to new services (on `new.<domain>` always; on every host from the `path` phase on). @default [] */
  readonly routes?: readonly NewRoute[];
  /** Share of clients sent to the new platform in the `weighted` phase, 0-100. @default 0 */
  readonly weightPercent?: number;
  /**
   * DNS server for upstream names: `127.0.0.11` (Docker's embedded DNS) or `kube-dns.kube-system.svc.cluster.local`
   * (resolved once at start by the system resolver), optionally with `:port`.
   */
  readonly resolver: string;
  /** @default 8080 (unprivileged) */
  readonly listenPort?: number;
  /** Address to bind, e.g. `127.0.0.1`. @default - all addresses */
  readonly listenAddress?: string;
  /** Where nginx may write its pid and temp files (read-only root filesystem). @default "/tmp" */
  readonly runtimeDir?: string;
  /** JSON access lines on stdout (see {@link ACCESS_LOG_FIELDS}). @default true */
  readonly accessLog?: boolean;
  /**
   * Proxies whose `X-Forwarded-For` is trusted for the client address (e.g. Google's load balancers): rate limits
   * and logs then see the client, not the proxy. @default [] (the peer address is the client)
   */
  readonly trustedProxies?: readonly string[];
  /**
   * A glob of files with more `set_real_ip_from` lines, for proxies known only at deploy time (a front door's own
   * address, which Google's load balancer appends to `X-Forwarded-For` after the client's). None matching is fine.
   * @default - none
   */
  readonly trustedProxyFiles?: string;
  /** Send `Strict-Transport-Security` on responses to requests that reached the front door over HTTPS. @default false */
  readonly hsts?: boolean;
  /** @default - no limit at the router */
  readonly rateLimit?: RouterRateLimit;
}

/** The cookie that makes the weighted phase and canaries sticky per client. */
export const CLIENT_COOKIE = "tandem_client";
/** Header a non-browser client may send instead of the cookie to stay on one side. */
export const CLIENT_ID_HEADER = "X-Client-Id";
/** Response and upstream request header naming the side (`legacy` or `new`). */
export const SIDE_HEADER = "X-Tandem-Side";
/** Upstream request header naming the migration phase (so services need no restart when it changes). */
export const PHASE_HEADER = "X-Tandem-Phase";
/** Paths the router answers itself or keeps for the entry service; a route may not take them. */
export const RESERVED_ROUTE_PATHS = ["/", "/v2/", "/tandem/"] as const;
/** Debian's and Alpine's CA bundle. */
export const DEFAULT_TRUSTED_CERTIFICATE = "/etc/ssl/certs/ca-certificates.crt";
/** The router's own health endpoint (load balancer and probes). */
export const ROUTER_HEALTH_PATH = "/tandem/health/router";

/** `kind` of every access-log line, so log filters select the router's access lines and nothing else. */
export const ACCESS_LOG_KIND = "tandem.access";
/**
 * The fields of an access-log line (one JSON object per request on stdout), which log-based metrics read:
 * `side` (legacy/new), `service`, `color` (release colour or `-`), `route`, `status`, `status_class` (`2xx` ...),
 * `latency_seconds` (request time).
 */
export const ACCESS_LOG_FIELDS = [
  "kind",
  "severity",
  "time",
  "side",
  "service",
  "color",
  "route",
  "phase",
  "method",
  "host",
  "path",
  "status",
  "status_class",
  "latency_seconds",
  "upstream_latency",
  "bytes",
  "client",
  "request_id",
] as const;

/** URL paths that are safe to place in nginx.conf verbatim: no spaces, quotes, braces, `;`, `$` or `#`. */
const SAFE_PATH = /^\/[A-Za-z0-9._~\/-]*$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why a path cannot be a route (undefined when it can): shared by the config schema and the construct. */
export function routePathProblem(path: string): string | undefined {
  if (!SAFE_PATH.test(path) || !path.endsWith("/")) return "must start and end with '/' and use only letters, digits and . _ ~ - /";
  if ((RESERVED_ROUTE_PATHS as readonly string[]).includes(path) || path.startsWith("/tandem/")) return `is reserved (${RESERVED_ROUTE_PATHS.join(", ")} belong to the router and the entry service)`;
  return undefined;
}

/** Why a path cannot be a health path (undefined when it can). */
export function healthPathProblem(path: string): string | undefined {
  return SAFE_PATH.test(path) ? undefined : "must start with '/' and use only letters, digits and . _ ~ - /";
}

/**
 * Renders a complete `nginx.conf`. The text never contains `${` or `%{`: it travels inside Terraform JSON strings
 * (a ConfigMap, a container's env), where Terraform would read those as template sequences.
 */
export function renderRouterConfig(input: RouterConfigInput): string {
  checkInput(input);
  const weight = input.weightPercent ?? 0;
  const port = input.listenAddress ? `${input.listenAddress}:${input.listenPort ?? 8080}` : String(input.listenPort ?? 8080);
  const run = input.runtimeDir ?? "/tmp";
  const legacy = input.legacy;
  const legacyScheme = legacy.tls ? "https" : "http";
  const routes = input.routes ?? [];
  const splits: string[] = [];

  // Each target becomes `set` lines choosing its upstream (and colour): fixed, or by a sticky split_clients.
  const targetVars = (target: RouterTarget, key: string): { upstream: string; color: string; sticky: boolean } => {
    const backends = target.backends.filter((b) => b.weightPercent > 0);
    if (backends.length === 1) return { upstream: `"${backends[0].upstream}"`, color: `"${backends[0].label ?? "-"}"`, sticky: false };
    const pick = `$tandem_pick_${key}`;
    const labels = backends.map((b, i) => b.label ?? `b${i}`);
    splits.push(
      `  # ${target.service}: ${backends.map((b, i) => `${labels[i]} ${formatPercent(b.weightPercent)} %`).join(", ")}, sticky per client.`,
      `  split_clients "$tandem_client_key/${target.service}" ${pick} {`,
      ...backends.slice(0, -1).map((b, i) => `    ${formatPercent(b.weightPercent)}% ${labels[i]};`),
      `    * ${labels[labels.length - 1]};`,
      "  }",
      `  map ${pick} $tandem_upstream_${key} {`,
      ...backends.slice(0, -1).map((b, i) => `    ${labels[i]} "${b.upstream}";`),
      `    default "${backends[backends.length - 1].upstream}";`,
      "  }",
    );
    return { upstream: `$tandem_upstream_${key}`, color: pick, sticky: true };
  };
  const entry = targetVars(input.entry, "entry");
  const routeVars = routes.map((r, i) => ({ route: r, vars: targetVars(r, `r${i}`) }));

  // proxy_set_header in a location replaces every inherited one, so each location sets the full list.
  const proxyHeaders = (side: string, color: string) =>
    [
      "Host $host",
      "X-Forwarded-For $proxy_add_x_forwarded_for",
      "X-Forwarded-Proto $tandem_forwarded_proto",
      "X-Request-Id $request_id",
      "Upgrade $http_upgrade",
      "Connection $connection_upgrade",
      `${SIDE_HEADER} ${side}`,
      `X-Tandem-Color ${color}`,
      `${PHASE_HEADER} ${input.phase}`,
    ].map((h) => `proxy_set_header ${h};`);
  const responseHeaders = (side: string, sticky: boolean) => [
    `add_header ${SIDE_HEADER} ${side} always;`,
    ...(input.hsts ? ["add_header Strict-Transport-Security $tandem_hsts always;"] : []),
    ...(sticky ? ["add_header Set-Cookie $tandem_set_cookie always;"] : []),
  ];
  const location = (path: string, lines: string[]) => [`    location ${path} {`, ...lines.map((l) => `      ${l}`), "    }"].join("\n");
  const sets = (v: Record<string, string>) => Object.entries(v).map(([k, value]) => `set $tandem_${k} ${value};`);

  const toLegacy = (path: string) =>
    location(path, [
      ...sets({ side: "legacy", service: `"${"legacy"}"`, route: `"${path}"`, color: '"-"', upstream: `"${legacy.upstream}"` }),
      `proxy_pass ${legacyScheme}://$tandem_upstream;`,
      ...proxyHeaders("legacy", "-"),
      ...responseHeaders("legacy", false),
    ]);
  const toEntry = (path: string) =>
    location(path, [
      ...sets({ side: "new", service: `"${input.entry.service}"`, route: `"${path}"`, color: entry.color, upstream: entry.upstream }),
      "proxy_pass http://$tandem_upstream;",
      ...proxyHeaders("new", "$tandem_color"),
      ...responseHeaders("new", entry.sticky),
    ]);
  // A route strips its prefix, as seed 000's proxy did (`/api/v2/items` reaches the gateway as `/items`).
  const routeLocations = routeVars.map(({ route, vars }) =>
    location(route.path, [
      ...sets({ side: "new", service: `"${route.service}"`, route: `"${route.path}"`, color: vars.color, upstream: vars.upstream }),
      `rewrite ^${escapeRegex(route.path)}(.*)$ /$1 break;`,
      "proxy_pass http://$tandem_upstream;",
      ...proxyHeaders("new", "$tandem_color"),
      ...responseHeaders("new", vars.sticky),
    ]),
  );
  const health = [
    `    location = ${ROUTER_HEALTH_PATH} { access_log off; default_type text/plain; return 200 "ok\\n"; }`,
    location("= /tandem/health/legacy", ["access_log off;", ...sets({ upstream: `"${legacy.upstream}"` }), `proxy_pass ${legacyScheme}://$tandem_upstream${legacy.healthPath};`]),
    location("= /tandem/health/new", ["access_log off;", ...sets({ upstream: entry.upstream }), `proxy_pass http://$tandem_upstream${input.entry.healthPath};`]),
  ];

  // new.<domain> is the whole new platform in every phase, so testers keep their address as traffic moves.
  const newHost = server(port, `new.${input.domain}`, false, [...health, ...routeLocations, toEntry("/")]);
  let main: string[];
  switch (input.phase) {
    case "subdomain":
      main = [toLegacy("/")];
      break;
    case "path":
      main = [...routeLocations, toEntry("/v2/"), toLegacy("/")];
      break;
    case "weighted":
      main = [
        ...routeLocations,
        toEntry("/v2/"),
        location("/", [
          "set $tandem_side $tandem_weighted_side;",
          "set $tandem_service $tandem_weighted_service;",
          'set $tandem_route "/";',
          "set $tandem_color $tandem_weighted_color;",
          "set $tandem_upstream $tandem_weighted_upstream;",
          "proxy_pass $tandem_weighted_scheme://$tandem_upstream;",
          ...proxyHeaders("$tandem_side", "$tandem_color"),
          ...responseHeaders("$tandem_side", true),
        ]),
      ];
      splits.push(
        `  # The migration: ${formatPercent(weight)} % of clients on the new platform, sticky per client.`,
        `  split_clients "$tandem_client_key/migration" $tandem_weighted_side {`,
        ...(weight > 0 ? [`    ${formatPercent(weight)}% new;`] : []),
        "    * legacy;",
        "  }",
        "  map $tandem_weighted_side $tandem_weighted_upstream {",
        `    new ${entry.upstream};`,
        `    default "${legacy.upstream}";`,
        "  }",
        "  map $tandem_weighted_side $tandem_weighted_scheme {",
        "    new http;",
        `    default ${legacyScheme};`,
        "  }",
        "  map $tandem_weighted_side $tandem_weighted_service {",
        `    new "${input.entry.service}";`,
        '    default "legacy";',
        "  }",
        "  map $tandem_weighted_side $tandem_weighted_color {",
        `    new ${entry.color};`,
        '    default "-";',
        "  }",
      );
      break;
    case "cutover":
      main = [...routeLocations, toEntry("/")];
      break;
  }
  const servers = [newHost, server(port, "_", true, [...health, ...main])];
  const limit = input.rateLimit;
  const logFormat = ACCESS_LOG_FIELDS.map((f) => `"${f}":${ACCESS_LOG_VALUES[f](input.phase)}`).join(",");

  return `# Generated by Tandem (ParallelPlatform) for migration phase "${input.phase}"${input.phase === "weighted" ? ` (${formatPercent(weight)}% to new)` : ""}. Do not edit by hand.
worker_processes auto;
pid ${run}/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  server_tokens off;
  client_body_temp_path ${run}/client_body;
  proxy_temp_path ${run}/proxy;
  fastcgi_temp_path ${run}/fastcgi;
  uwsgi_temp_path ${run}/uwsgi;
  scgi_temp_path ${run}/scgi;
  # Upstream names are resolved per request, so a name that does not resolve yet fails that request, not the start.
  resolver ${input.resolver} valid=5s ipv6=off;
  resolver_timeout 5s;
  proxy_http_version 1.1;
  proxy_read_timeout 3600s;
  proxy_next_upstream error timeout;
${
  legacy.tls
    ? `  proxy_ssl_server_name on;
  proxy_ssl_name ${legacy.serverName ?? legacy.upstream.split(":")[0]};
  proxy_ssl_protocols TLSv1.2 TLSv1.3;
${legacy.verifyTls === false ? "  # Verification of legacy's certificate turned off explicitly (legacy.verifyTls: false).\n  proxy_ssl_verify off;\n" : `  proxy_ssl_verify on;\n  proxy_ssl_verify_depth 4;\n  proxy_ssl_trusted_certificate ${legacy.trustedCertificate ?? DEFAULT_TRUSTED_CERTIFICATE};\n`}`
    : ""
}${realIp(input)}
  # One JSON line per request on stdout: the log-based metrics read side, service, color, status_class and latency.
  map $status $tandem_status_class {
    ~^1 1xx;
    ~^2 2xx;
    ~^3 3xx;
    ~^4 4xx;
    default 5xx;
  }
  log_format tandem_access escape=json '{${logFormat}}';
  access_log ${input.accessLog === false ? "off" : "/dev/stdout tandem_access"};

${forwardedProto(input)}
  map $tandem_forwarded_proto $tandem_hsts {
    https "max-age=31536000; includeSubDomains";
    default "";
  }
  # WebSocket upgrade where the client asks for it (seed 000's /ws/), keep-alive otherwise.
  map $http_upgrade $connection_upgrade {
    default upgrade;
    "" "";
  }
  # Sticky per client: the ${CLIENT_COOKIE} cookie, else an ${CLIENT_ID_HEADER} header, else a fresh id that the cookie then keeps.
  map $http_${headerVariable(CLIENT_ID_HEADER)} $tandem_header_key {
    "" $request_id;
    default $http_${headerVariable(CLIENT_ID_HEADER)};
  }
  map $cookie_${CLIENT_COOKIE} $tandem_client_key {
    "" $tandem_header_key;
    default $cookie_${CLIENT_COOKIE};
  }
  map $cookie_${CLIENT_COOKIE} $tandem_set_cookie {
    "" "${CLIENT_COOKIE}=$tandem_client_key; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax";
    default "";
  }
${limit ? `  limit_req_zone $binary_remote_addr zone=tandem_per_client:10m rate=${limit.requestsPerSecond}r/s;\n  limit_req_status 429;\n` : ""}${splits.length > 0 ? `${splits.join("\n")}\n` : ""}
${servers.map((s) => (limit ? s.replace(/(server_name [^;]+;\n)/, `$1    limit_req zone=tandem_per_client burst=${limit.burst} nodelay;\n`) : s)).join("\n")}
}
`;
}

/**
 * Behind trusted proxies: the client address from `X-Forwarded-For`, walked from the right past every trusted hop
 * (`real_ip_recursive`), so what a client writes in the header itself is never believed.
 */
function realIp(input: RouterConfigInput): string {
  const proxies = input.trustedProxies ?? [];
  if (proxies.length === 0) return "";
  return [
    "  # X-Forwarded-For and X-Forwarded-Proto are believed only from these proxies (the front door).",
    ...proxies.map((c) => `  set_real_ip_from ${c};`),
    ...(input.trustedProxyFiles ? [`  include ${input.trustedProxyFiles};`] : []),
    "  real_ip_header X-Forwarded-For;",
    "  real_ip_recursive on;",
    "  geo $realip_remote_addr $tandem_from_proxy {",
    "    default 0;",
    ...proxies.map((c) => `    ${c} 1;`),
    "  }",
    "",
  ].join("\n");
}

/** The scheme upstreams are told: the front door's (as it received the request) or the router's own. */
function forwardedProto(input: RouterConfigInput): string {
  if ((input.trustedProxies ?? []).length > 0) {
    return `  # How the client came in, as the front door says (https); from anyone else the router's own scheme.
  map "$tandem_from_proxy:$http_x_forwarded_proto" $tandem_forwarded_proto {
    "1:https" https;
    "1:http" http;
    default $scheme;
  }`;
  }
  return `  # The front door says how the client came in; without it (direct, dev) the router's own scheme.
  map $http_x_forwarded_proto $tandem_forwarded_proto {
    "" $scheme;
    default $http_x_forwarded_proto;
  }`;
}

/** What each access-log field is in nginx's log_format (escape=json: strings quoted, numbers bare). */
const ACCESS_LOG_VALUES: Record<(typeof ACCESS_LOG_FIELDS)[number], (phase: MigrationPhase) => string> = {
  kind: () => `"${ACCESS_LOG_KIND}"`,
  severity: () => '"INFO"',
  time: () => '"$time_iso8601"',
  side: () => '"$tandem_side"',
  service: () => '"$tandem_service"',
  color: () => '"$tandem_color"',
  route: () => '"$tandem_route"',
  phase: (phase) => `"${phase}"`,
  method: () => '"$request_method"',
  host: () => '"$host"',
  path: () => '"$uri"',
  status: () => "$status",
  status_class: () => '"$tandem_status_class"',
  latency_seconds: () => "$request_time",
  upstream_latency: () => '"$upstream_response_time"',
  bytes: () => "$body_bytes_sent",
  client: () => '"$remote_addr"',
  request_id: () => '"$request_id"',
};

function server(port: string, name: string, isDefault: boolean, locations: string[]): string {
  // Defaults for the access log; each location sets its own.
  return `  server {
    listen ${port}${isDefault ? " default_server" : ""};
    server_name ${name};
    set $tandem_side "-";
    set $tandem_service "-";
    set $tandem_route "-";
    set $tandem_color "-";
    set $tandem_upstream "";
${locations.join("\n")}
  }`;
}

function checkInput(input: RouterConfigInput): void {
  const weight = input.weightPercent ?? 0;
  if (!Number.isFinite(weight) || weight < 0 || weight > 100) throw new Error(`weightPercent is ${weight}; it must be 0-100.`);
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(input.domain)) throw new Error(`domain is "${input.domain}"; use a bare host name such as example.com.`);
  if (!HOST_PORT.test(input.legacy.upstream)) throw new Error(`legacy upstream is "${input.legacy.upstream}"; use host:port.`);
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(input.resolver)) throw new Error(`resolver is "${input.resolver}"; use a host name or IPv4 address, optionally with :port.`);
  if (input.legacy.serverName !== undefined && !/^[A-Za-z0-9.-]+$/.test(input.legacy.serverName)) throw new Error(`legacy serverName is "${input.legacy.serverName}"; use a host name.`);
  if (input.legacy.trustedCertificate !== undefined && !/^\/[A-Za-z0-9._\/-]+$/.test(input.legacy.trustedCertificate)) {
    throw new Error(`legacy trustedCertificate is "${input.legacy.trustedCertificate}"; use an absolute file path.`);
  }
  for (const [name, value] of [["legacy healthPath", input.legacy.healthPath], ["entry healthPath", input.entry.healthPath]] as const) {
    const problem = healthPathProblem(value);
    if (problem) throw new Error(`${name} is "${value}"; it ${problem}.`);
  }
  if (input.trustedProxyFiles !== undefined && !/^\/[A-Za-z0-9._\/*-]+$/.test(input.trustedProxyFiles)) throw new Error(`trustedProxyFiles is "${input.trustedProxyFiles}"; use an absolute path (a * glob allowed).`);
  for (const c of input.trustedProxies ?? []) if (!/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(c)) throw new Error(`trusted proxy "${c}" is not an IPv4 address or CIDR.`);
  if (input.rateLimit && !(Number.isInteger(input.rateLimit.requestsPerSecond) && input.rateLimit.requestsPerSecond > 0 && Number.isInteger(input.rateLimit.burst) && input.rateLimit.burst >= 0)) {
    throw new Error(`rateLimit is ${JSON.stringify(input.rateLimit)}; use whole numbers (requestsPerSecond > 0, burst >= 0).`);
  }
  const routes = input.routes ?? [];
  const seen = new Set<string>();
  for (const r of routes) {
    const problem = routePathProblem(r.path);
    if (problem) throw new Error(`route path "${r.path}" ${problem}.`);
    if (seen.has(r.path)) throw new Error(`route path "${r.path}" appears twice; each path goes to one service.`);
    seen.add(r.path);
  }
  for (const t of [input.entry, ...routes]) checkTarget(t);
}

function checkTarget(t: RouterTarget): void {
  if (!LABEL.test(t.service)) throw new Error(`service "${t.service}" must be a lower-case DNS label.`);
  const live = t.backends.filter((b) => b.weightPercent > 0);
  if (live.length === 0) throw new Error(`${t.service}: no backend has a weight above 0.`);
  for (const b of t.backends) {
    if (!HOST_PORT.test(b.upstream)) throw new Error(`${t.service}: upstream is "${b.upstream}"; use host:port.`);
    if (b.label !== undefined && !LABEL.test(b.label)) throw new Error(`${t.service}: backend label "${b.label}" must be a lower-case DNS label.`);
    if (!(b.weightPercent >= 0 && b.weightPercent <= 100) || Math.round(b.weightPercent * 100) !== b.weightPercent * 100) {
      throw new Error(`${t.service}: weight ${b.weightPercent} must be 0-100 with at most two decimals.`);
    }
  }
  const total = t.backends.reduce((n, b) => n + b.weightPercent, 0);
  if (Math.abs(total - 100) > 1e-9) throw new Error(`${t.service}: backend weights add up to ${total}, not 100.`);
  if (live.length > 1 && new Set(live.map((b) => b.label)).size !== live.length) throw new Error(`${t.service}: backends of a split need distinct labels.`);
}

/** `X-Client-Id` → `x_client_id` (nginx's `$http_` variable suffix). */
function headerVariable(header: string): string {
  return header.toLowerCase().replace(/-/g, "_");
}

function escapeRegex(path: string): string {
  return path.replace(/[.~]/g, "\\$&");
}

function formatPercent(weight: number): string {
  return Number.isInteger(weight) ? String(weight) : weight.toFixed(2);
}
