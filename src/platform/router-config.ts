/**
 * The migration router's nginx configuration, generated from the migration phase. Pure logic, no cdktf:
 * the same text runs in a Docker container (dev), in a Kubernetes ConfigMap (cloud) and under `nginx -t`
 * and the loopback integration test.
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

/** A path that goes to one new-platform service (seed 000's proxy routes); the prefix is stripped. */
export interface NewRoute {
  /** Location prefix, e.g. `/api/v2/`. */
  readonly path: string;
  /** `host:port` of the service. */
  readonly upstream: string;
}

export interface RouterConfigInput {
  readonly phase: MigrationPhase;
  /** Base domain: `new.<domain>` is the new platform from the `subdomain` phase on. */
  readonly domain: string;
  /** `host:port` of the legacy system. */
  readonly legacyUpstream: string;
  /** `host:port` of the new platform's entry (its web front). */
  readonly newUpstream: string;
  /** Legacy health path, proxied at `/tandem/health/legacy`. */
  readonly legacyHealthPath: string;
  /** New platform health path, proxied at `/tandem/health/new`. */
  readonly newHealthPath: string;
  /** Talk TLS to the legacy upstream (its base URL is https). @default false */
  readonly legacyTls?: boolean;
  /** TLS server name (SNI) of the legacy system. @default - host of `legacyUpstream` */
  readonly legacyServerName?: string;
  /** Path routes to new services (on `new.<domain>` always; on every host from the `path` phase on). @default [] */
  readonly routes?: readonly NewRoute[];
  /** Share of clients sent to the new platform in the `weighted` phase, 0-100. @default 0 */
  readonly weightPercent?: number;
  /** @default 8080 (unprivileged) */
  readonly listenPort?: number;
  /** Address to bind, e.g. `127.0.0.1`. @default - all addresses */
  readonly listenAddress?: string;
  /** Where nginx may write its pid and temp files (read-only root filesystem). @default "/tmp" */
  readonly runtimeDir?: string;
  /** Resolver for upstream names, e.g. kube-dns; omitted when upstreams are IPs or static names. @default - none */
  readonly resolver?: string;
}

/** The cookie that makes the weighted phase sticky per client. */
export const CLIENT_COOKIE = "tandem_client";
/** Header a non-browser client may send instead of the cookie to stay on one side in the weighted phase. */
export const CLIENT_ID_HEADER = "X-Client-Id";
/** Paths the router answers itself or keeps for the entry service; a route may not take them. */
export const RESERVED_ROUTE_PATHS = ["/", "/v2/", "/tandem/"] as const;

/** URL paths that are safe to place in nginx.conf verbatim: no spaces, quotes, braces, `;`, `$` or `#`. */
const SAFE_PATH = /^\/[A-Za-z0-9._~\/-]*$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

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

/** Renders a complete `nginx.conf`. */
export function renderRouterConfig(input: RouterConfigInput): string {
  const weight = input.weightPercent ?? 0;
  if (!Number.isFinite(weight) || weight < 0 || weight > 100) throw new Error(`weightPercent is ${weight}; it must be 0-100.`);
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(input.domain)) throw new Error(`domain is "${input.domain}"; use a bare host name such as example.com.`);
  for (const [name, value] of [["legacyUpstream", input.legacyUpstream], ["newUpstream", input.newUpstream], ...(input.routes ?? []).map((r) => [`route ${r.path} upstream`, r.upstream])] as const) {
    if (!HOST_PORT.test(value)) throw new Error(`${name} is "${value}"; use host:port.`);
  }
  if (input.legacyServerName !== undefined && !/^[A-Za-z0-9.-]+$/.test(input.legacyServerName)) throw new Error(`legacyServerName is "${input.legacyServerName}"; use a host name.`);
  for (const [name, value] of [["legacyHealthPath", input.legacyHealthPath], ["newHealthPath", input.newHealthPath]] as const) {
    const problem = healthPathProblem(value);
    if (problem) throw new Error(`${name} is "${value}"; it ${problem}.`);
  }
  const routes = input.routes ?? [];
  const seen = new Set<string>();
  for (const r of routes) {
    const problem = routePathProblem(r.path);
    if (problem) throw new Error(`route path "${r.path}" ${problem}.`);
    if (seen.has(r.path)) throw new Error(`route path "${r.path}" appears twice; each path goes to one service.`);
    seen.add(r.path);
  }
  const port = input.listenAddress ? `${input.listenAddress}:${input.listenPort ?? 8080}` : String(input.listenPort ?? 8080);
  const run = input.runtimeDir ?? "/tmp";
  const legacyScheme = input.legacyTls ? "https" : "http";

  // proxy_set_header in a location replaces every inherited one, so each location sets the full list.
  const headers = (indent: string, side: string) =>
    [
      "Host $host",
      "X-Forwarded-For $proxy_add_x_forwarded_for",
      "X-Forwarded-Proto $scheme",
      "Upgrade $http_upgrade",
      "Connection $connection_upgrade",
      `X-Tandem-Side ${side}`,
    ]
      .map((h) => `${indent}proxy_set_header ${h};`)
      .join("\n");
  const location = (path: string, target: string, side: string, extra: string[] = []) =>
    [`    location ${path} {`, ...extra.map((e) => `      ${e}`), `      proxy_pass ${target};`, headers("      ", side), `      add_header X-Tandem-Side ${side} always;`, "    }"].join("\n");
  const toLegacy = (path: string) => location(path, `${legacyScheme}://tandem_legacy`, "legacy");
  const toNew = (path: string) => location(path, "http://tandem_new", "new");
  // A route strips its prefix, as seed 000's proxy did (`/api/v2/items` reaches the gateway as `/items`).
  const routeLocations = routes.map((r) => location(r.path, `http://${r.upstream}/`, "new"));
  const health = [
    `    location = /tandem/health/router { access_log off; default_type text/plain; return 200 "ok\\n"; }`,
    `    location = /tandem/health/legacy { access_log off; proxy_pass ${legacyScheme}://tandem_legacy${input.legacyHealthPath}; }`,
    `    location = /tandem/health/new { access_log off; proxy_pass http://tandem_new${input.newHealthPath}; }`,
  ];

  // new.<domain> is the whole new platform in every phase, so testers keep their address as traffic moves.
  const newHost = server(port, `new.${input.domain}`, false, [...health, ...routeLocations, toNew("/")]);
  let main: string[];
  switch (input.phase) {
    case "subdomain":
      main = [toLegacy("/")];
      break;
    case "path":
      main = [...routeLocations, toNew("/v2/"), toLegacy("/")];
      break;
    case "weighted":
      main = [
        ...routeLocations,
        toNew("/v2/"),
        location("/", "$tandem_scheme://$tandem_upstream", "$tandem_side", [`add_header Set-Cookie $tandem_set_cookie always;`]),
      ];
      break;
    case "cutover":
      main = [...routeLocations, toNew("/")];
      break;
  }
  const servers = [newHost, server(port, "_", true, [...health, ...main])];

  const weighted =
    input.phase === "weighted"
      ? `
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
  split_clients "$tandem_client_key" $tandem_side {
${weight > 0 ? `    ${formatPercent(weight)}% new;\n` : ""}    * legacy;
  }
  map $tandem_side $tandem_upstream {
    new tandem_new;
    default tandem_legacy;
  }
  map $tandem_side $tandem_scheme {
    new http;
    default ${legacyScheme};
  }`
      : "";

  return `# Generated by Tandem (ParallelPlatform) for migration phase "${input.phase}"${input.phase === "weighted" ? ` (${formatPercent(weight)}% to new)` : ""}. Do not edit by hand.
worker_processes auto;
pid ${run}/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  server_tokens off;
  client_body_temp_path ${run}/client_body;
  proxy_temp_path ${run}/proxy;
  fastcgi_temp_path ${run}/fastcgi;
  uwsgi_temp_path ${run}/uwsgi;
  scgi_temp_path ${run}/scgi;
${input.resolver ? `  resolver ${input.resolver} valid=30s;\n` : ""}  proxy_http_version 1.1;
  proxy_read_timeout 3600s;
${input.legacyTls ? `  proxy_ssl_server_name on;\n  proxy_ssl_name ${input.legacyServerName ?? input.legacyUpstream.split(":")[0]};\n  proxy_ssl_protocols TLSv1.2 TLSv1.3;\n` : ""}
  # WebSocket upgrade where the client asks for it (seed 000's /ws/), keep-alive otherwise.
  map $http_upgrade $connection_upgrade {
    default upgrade;
    "" "";
  }
  upstream tandem_legacy { server ${input.legacyUpstream}; keepalive 16; }
  upstream tandem_new { server ${input.newUpstream}; keepalive 16; }${weighted}
${servers.join("\n")}
}
`;
}

function server(port: string, name: string, isDefault: boolean, locations: string[]): string {
  return `  server {
    listen ${port}${isDefault ? " default_server" : ""};
    server_name ${name};
${locations.join("\n")}
  }`;
}

/** `X-Client-Id` → `x_client_id` (nginx's `$http_` variable suffix). */
function headerVariable(header: string): string {
  return header.toLowerCase().replace(/-/g, "_");
}

function formatPercent(weight: number): string {
  return Number.isInteger(weight) ? String(weight) : weight.toFixed(2);
}
