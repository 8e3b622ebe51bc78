/**
 * The migration router's nginx configuration, generated from the migration phase. Pure logic, no cdktf:
 * the same text runs in a Docker container (dev), in a Kubernetes ConfigMap (cloud) and under `nginx -t`
 * and the loopback integration test.
 */

/** Seed 002's phases, in order. Rolling back is setting the previous phase and deploying. */
export const MIGRATION_PHASES = ["subdomain", "path", "weighted", "cutover"] as const;
export type MigrationPhase = (typeof MIGRATION_PHASES)[number];

/** A path that goes to a new-platform service in the `path` phase (seed 000's proxy routes). */
export interface NewRoute {
  /** Location prefix, e.g. `/api/v2/`. */
  readonly path: string;
  /** `host:port` of the service. */
  readonly upstream: string;
}

export interface RouterConfigInput {
  readonly phase: MigrationPhase;
  /** Base domain: `new.<domain>` is the new platform in the `subdomain` phase. */
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
  /** Extra path routes to new services (used in the `path` phase). @default [] */
  readonly routes?: readonly NewRoute[];
  /** Share of clients sent to the new platform in the `weighted` phase, 0-100. @default 0 */
  readonly weightPercent?: number;
  /** @default 8080 (unprivileged) */
  readonly listenPort?: number;
  /** Address to bind, e.g. `127.0.0.1`. @default - all addresses */
  readonly listenAddress?: string;
  /** Where nginx may write its pid and temp files (read-only root filesystem). @default "/tmp" */
  readonly runtimeDir?: string;
  /** Resolver for upstream names, e.g. kube-dns; omitted when upstreams are IPs or static names. */
  readonly resolver?: string;
}

/** The cookie that makes the weighted phase sticky per client. */
export const CLIENT_COOKIE = "tandem_client";

/** Renders a complete `nginx.conf`. */
export function renderRouterConfig(input: RouterConfigInput): string {
  const weight = input.weightPercent ?? 0;
  if (!Number.isFinite(weight) || weight < 0 || weight > 100) throw new Error(`weightPercent is ${weight}; it must be 0-100.`);
  if (!/^[a-z0-9.-]+$/i.test(input.domain)) throw new Error(`domain is "${input.domain}"; use a bare host name such as example.com.`);
  const port = input.listenAddress ? `${input.listenAddress}:${input.listenPort ?? 8080}` : String(input.listenPort ?? 8080);
  const run = input.runtimeDir ?? "/tmp";
  const routes = input.routes ?? [];
  for (const r of routes) {
    if (!r.path.startsWith("/") || !r.path.endsWith("/")) throw new Error(`route path "${r.path}" must start and end with "/".`);
  }

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
  const scheme = (side: "legacy" | "new") => (side === "legacy" && input.legacyTls ? "https" : "http");
  const proxy = (upstream: string, side: "legacy" | "new", indent: string, uri = "") =>
    [`${indent}proxy_pass ${scheme(side)}://${upstream}${uri};`, headers(indent, side), `${indent}add_header X-Tandem-Side ${side} always;`].join("\n");

  const servers: string[] = [];
  const health = `
    location = /tandem/health/router { access_log off; add_header Content-Type text/plain; return 200 "ok\\n"; }
    location = /tandem/health/legacy { access_log off; ${proxyInline(`${scheme("legacy")}://tandem_legacy`, input.legacyHealthPath)} }
    location = /tandem/health/new { access_log off; ${proxyInline("http://tandem_new", input.newHealthPath)} }`;

  if (input.phase === "subdomain") {
    servers.push(server(port, `new.${input.domain}`, false, `${health}\n    location / {\n${proxy("tandem_new", "new", "      ")}\n    }`));
    servers.push(server(port, "_", true, `${health}\n    location / {\n${proxy("tandem_legacy", "legacy", "      ")}\n    }`));
  } else if (input.phase === "path") {
    const locations = [
      `    location /v2/ {\n${proxy("tandem_new", "new", "      ")}\n    }`,
      ...routes.map((r) => `    location ${r.path} {\n${proxy(r.upstream, "new", "      ", "/")}\n    }`),
      `    location / {\n${proxy("tandem_legacy", "legacy", "      ")}\n    }`,
    ];
    servers.push(server(port, "_", true, `${health}\n${locations.join("\n")}`));
  } else if (input.phase === "weighted") {
    servers.push(
      server(
        port,
        "_",
        true,
        `${health}\n    location / {\n      add_header Set-Cookie "${CLIENT_COOKIE}=$tandem_client_key; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax" always;\n      proxy_pass $tandem_scheme://$tandem_upstream;\n${headers("      ", "$tandem_side")}\n      add_header X-Tandem-Side $tandem_side always;\n    }`,
      ),
    );
  } else {
    servers.push(server(port, "_", true, `${health}\n    location / {\n${proxy("tandem_new", "new", "      ")}\n    }`));
  }

  const weighted =
    input.phase === "weighted"
      ? `
  # Sticky per client: the cookie once set, else the client's address and agent.
  map $cookie_${CLIENT_COOKIE} $tandem_client_key {
    "" $request_id;
    default $cookie_${CLIENT_COOKIE};
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
    default ${input.legacyTls ? "https" : "http"};
  }`
      : "";

  return `# Generated by Tandem (ParallelPlatform) for migration phase "${input.phase}". Do not edit by hand.
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

function server(port: string, name: string, isDefault: boolean, body: string): string {
  return `  server {
    listen ${port}${isDefault ? " default_server" : ""};
    server_name ${name};
${body}
  }`;
}

function proxyInline(upstream: string, path: string): string {
  return `proxy_pass ${upstream}${path};`;
}

function formatPercent(weight: number): string {
  return Number.isInteger(weight) ? String(weight) : weight.toFixed(2);
}
