import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Testing, TerraformStack } from "cdktf";
import { ParallelPlatform, ParallelPlatformProps, planPlatform, PlatformTarget } from "../../src/platform";
import { fromStack } from "../helpers/network-policy";
import { resourcesOf, TerraformJson } from "../helpers";

const legacy = { name: "netbox", baseUrl: "http://localhost:8000", healthPath: "/health", reservedPorts: { web: 8000, postgres: 5432, redis: 6379 }, dockerNetwork: "netbox_default", upstream: "netbox:8000" };

function props(target: PlatformTarget, overrides: Partial<ParallelPlatformProps> = {}): ParallelPlatformProps {
  return {
    name: "tandem",
    legacy,
    services: {
      web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, port: 8100, entry: true, routePath: "/platform/" },
      api: { image: "example/api:1.0.0", category: "backend", containerPort: 9000, port: 8101, routePath: "/api/v2/", bridgeToLegacy: true },
    },
    ports: { strategy: "offset" },
    router: { domain: "example.com", phase: "path", port: 8180 },
    target,
    ...overrides,
  };
}

function dockerSynth(overrides: Partial<ParallelPlatformProps> = {}): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "dev");
  new DockerProvider(stack, "docker", {});
  new ParallelPlatform(stack, "platform", props({ kind: "docker" }, overrides));
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

type KubernetesTargetOptions = Omit<Extract<PlatformTarget, { kind: "kubernetes" }>, "kind">;

function k8s(overrides: Partial<ParallelPlatformProps> = {}, target: KubernetesTargetOptions = {}): { json: TerraformJson; platform: ParallelPlatform } {
  const stack = new TerraformStack(Testing.app(), "staging");
  new KubernetesProvider(stack, "k8s", {});
  const platform = new ParallelPlatform(stack, "platform", props({ kind: "kubernetes", ...target }, { ports: { strategy: "blocks" }, router: { domain: "example.com", phase: "path" }, services: { web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, entry: true }, api: { image: "example/api:1.0.0", category: "backend", containerPort: 9000, bridgeToLegacy: true } }, legacy: { ...legacy, baseUrl: "https://app.example.com", upstream: "legacy-origin.example.com:443" }, ...overrides }));
  return { json: JSON.parse(Testing.synth(stack, true)) as TerraformJson, platform };
}

type Container = { name: string; read_only: boolean; user?: string; security_opts: string[]; capabilities: { drop: string[] }; ports: { internal: number; external: number; ip: string }[]; networks_advanced: { name: string }[]; env: string[]; healthcheck: { test: string[] }; memory: number; restart: string; upload?: { content: string }[]; labels: { label: string; value: string }[] };

/** The router's nginx.conf as the Docker target hands it to the config writer. */
function routerConfigOf(json: TerraformJson): string {
  const env = (resourcesOf(json, "docker_container") as { env?: string[] }[]).flatMap((c) => c.env ?? []).find((e) => e.startsWith("TANDEM_NGINX_CONF="));
  if (!env) throw new Error("no router config writer");
  return env.slice("TANDEM_NGINX_CONF=".length);
}

describe("ParallelPlatform on Docker", () => {
  test("one hardened container per service on its planned host port, bound to 127.0.0.1", () => {
    const containers = resourcesOf(dockerSynth(), "docker_container") as unknown as Container[];
    const web = containers.find((c) => c.name === "tandem-web")!;
    expect(web).toMatchObject({
      read_only: true,
      user: "10001:10001",
      security_opts: ["no-new-privileges:true"],
      capabilities: { drop: ["ALL"] },
      ports: [{ internal: 8080, external: 8100, ip: "127.0.0.1" }],
      memory: 512,
      restart: "unless-stopped",
    });
    expect(web.healthcheck.test[1]).toContain("http://127.0.0.1:8080/health");
  });

  test("only bridge services (and the router) join the legacy network; legacy is a data source, never a resource", () => {
    const json = dockerSynth();
    const containers = resourcesOf(json, "docker_container") as unknown as Container[];
    const networksOf = (name: string) => containers.find((c) => c.name === name)!.networks_advanced.map((n) => n.name);
    expect(networksOf("tandem-web")).toHaveLength(1);
    expect(networksOf("tandem-api")).toHaveLength(2);
    expect(networksOf("tandem-router")).toHaveLength(2);
    expect(Object.values(json.data?.docker_network ?? {})).toEqual([{ name: "netbox_default" }]);
    expect(resourcesOf(json, "docker_network").map((n) => n.name)).toEqual(["tandem"]);
    expect(containers.map((c) => c.name).filter((n) => n.includes("netbox"))).toEqual([]);
  });

  test("bridge services get LEGACY_URL (the legacy container by name, not localhost); the phase is not in any service's env", () => {
    const containers = resourcesOf(dockerSynth(), "docker_container") as unknown as Container[];
    const api = containers.find((c) => c.name === "tandem-api")!;
    expect(api.env).toEqual(expect.arrayContaining(["LEGACY_URL=http://netbox:8000", "MIGRATION_MODE=parallel"]));
    expect(containers.flatMap((c) => c.env ?? []).some((e) => e.startsWith("MIGRATION_PHASE="))).toBe(false);
    expect(containers.find((c) => c.name === "tandem-web")!.env.some((e) => e.startsWith("LEGACY_URL="))).toBe(false);
  });

  test("the router reaches legacy by its container name through Docker's DNS, at request time", () => {
    const json = dockerSynth();
    const config = routerConfigOf(json);
    expect(config).toContain('set $tandem_upstream "netbox:8000";');
    expect(config).toContain("resolver 127.0.0.11 valid=5s ipv6=off;");
    const router = (resourcesOf(json, "docker_container") as unknown as (Container & { user: string })[]).find((c) => c.name === "tandem-router")!;
    expect(router.user).toBe("101:101");
  });

  test("CPU and memory are limited in a way the pinned docker provider handles: a CFS quota, and no swap", () => {
    const web = (resourcesOf(dockerSynth(), "docker_container") as unknown as (Container & Record<string, unknown>)[]).find((c) => c.name === "tandem-web")!;
    expect(web).toMatchObject({ cpu_period: 100000, cpu_quota: 50000, memory: 512, memory_swap: 512 });
    // docker provider 3.6.2 crashes on `cpus` (kreuzwerker/terraform-provider-docker#759).
    expect(web.cpus).toBeUndefined();
  });

  test("a non-HTTP service gets its health command and a tmpfs for each writable path", () => {
    const json = dockerSynth({
      services: {
        web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, port: 8100, entry: true },
        cache: { image: "redis:7.2.5-alpine", category: "cache", containerPort: 6379, port: 6380, healthCommand: ["redis-cli", "ping"], writablePaths: ["/data"], runAsUser: 999 },
      },
    });
    const cache = (resourcesOf(json, "docker_container") as unknown as (Container & { tmpfs: Record<string, string> })[]).find((c) => c.name === "tandem-cache")!;
    expect(cache.healthcheck.test).toEqual(["CMD", "redis-cli", "ping"]);
    // The writable path belongs to the service's user (a tmpfs is root's otherwise, and redis runs as 999).
    expect(cache.tmpfs).toEqual({ "/tmp": "rw,noexec,nosuid,size=64m", "/data": "rw,nosuid,size=256m,uid=999,gid=999" });
    expect(cache).toMatchObject({ user: "999:999", read_only: true, ports: [{ internal: 6379, external: 6380, ip: "127.0.0.1" }] });
  });

  test("a writable path is owned by the user the container runs as, by default too (Docker mounts a tmpfs as root's)", () => {
    const json = dockerSynth({ services: { web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, port: 8100, entry: true, writablePaths: ["/var/cache/web"] } } });
    const web = (resourcesOf(json, "docker_container") as unknown as (Container & { tmpfs: Record<string, string> })[]).find((c) => c.name === "tandem-web")!;
    expect(web.user).toBe("10001:10001");
    expect(web.tmpfs["/var/cache/web"]).toBe("rw,nosuid,size=256m,uid=10001,gid=10001");
  });

  test("a public service binds all addresses", () => {
    const json = dockerSynth({ services: { web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, port: 8100, entry: true, public: true } } });
    expect((resourcesOf(json, "docker_container") as unknown as Container[]).find((c) => c.name === "tandem-web")!.ports[0].ip).toBe("0.0.0.0");
  });

  test("the router keeps a read-only root and reads its config from a volume a one-shot writer fills", () => {
    const json = dockerSynth();
    const containers = resourcesOf(json, "docker_container") as unknown as (Container & { volumes: { volume_name: string; container_path: string; read_only?: boolean }[]; must_run?: boolean; network_mode?: string; command: string[] })[];
    const router = containers.find((c) => c.name === "tandem-router")!;
    const writer = containers.find((c) => c.name.startsWith("tandem-router-config-"))!;
    expect(router.read_only).toBe(true);
    expect(router.upload).toBeUndefined();
    expect(router.volumes).toEqual([expect.objectContaining({ container_path: "/etc/tandem", read_only: true })]);
    expect(router.ports[0]).toMatchObject({ external: 8180, ip: "127.0.0.1" });
    expect(writer).toMatchObject({ read_only: true, must_run: false, network_mode: "none", capabilities: { drop: ["ALL"] } });
    expect(writer.volumes).toEqual([expect.objectContaining({ container_path: "/config" })]);
    expect(routerConfigOf(json)).toContain('migration phase "path"');
    expect(writer.labels.find((l) => l.label === "tandem.config-hash")?.value).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a phase change replaces only the config writer: the router and the services keep their configuration", () => {
    const strip = (json: TerraformJson) => {
      const containers = { ...(json.resource?.docker_container ?? {}) };
      for (const [id, c] of Object.entries(containers)) if (String(c.name).startsWith("tandem-router-config-")) delete containers[id];
      return containers;
    };
    const path = dockerSynth();
    const cutover = dockerSynth({ router: { domain: "example.com", phase: "cutover", port: 8180 } });
    expect(routerConfigOf(cutover)).not.toEqual(routerConfigOf(path));
    expect(strip(cutover)).toEqual(strip(path));
  });

  test("no host port collides with a legacy port", () => {
    const ports = (resourcesOf(dockerSynth(), "docker_container") as unknown as Container[]).flatMap((c) => (c.ports ?? []).map((p) => p.external));
    for (const p of Object.values(legacy.reservedPorts)) expect(ports).not.toContain(p);
  });
});

describe("ParallelPlatform on Kubernetes", () => {
  test("a namespace that enforces the restricted pod security standard", () => {
    const ns = resourcesOf(k8s().json, "kubernetes_namespace_v1");
    expect(ns).toHaveLength(1);
    expect(ns[0]).toMatchObject({ metadata: { name: "new-platform", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } });
  });

  test("default-deny network policy plus DNS", () => {
    const policies = resourcesOf(k8s().json, "kubernetes_network_policy_v1") as { metadata: { name: string }; spec: Record<string, unknown> }[];
    expect(policies.find((p) => p.metadata.name === "default-deny")?.spec).toEqual({ pod_selector: {}, policy_types: ["Ingress", "Egress"] });
    expect(JSON.stringify(policies.find((p) => p.metadata.name === "allow-dns"))).toContain('"k8s-app":"kube-dns"');
  });

  test("Deployments run restricted: non-root, no escalation, all capabilities dropped, read-only root, no SA token", () => {
    const deployments = resourcesOf(k8s().json, "kubernetes_deployment_v1") as { spec: { template: { spec: Record<string, unknown> & { container: Record<string, unknown>[] } } } }[];
    expect(deployments).toHaveLength(3);
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect(pod.automount_service_account_token).toBe(false);
      expect(pod.security_context).toMatchObject({ run_as_non_root: true, seccomp_profile: { type: "RuntimeDefault" } });
      for (const c of pod.container) {
        expect(c.security_context).toMatchObject({ allow_privilege_escalation: false, read_only_root_filesystem: true, capabilities: { drop: ["ALL"] } });
      }
    }
  });

  test("each service gets a ClusterIP Service on its planned port; the router too, without a front door (nothing outside the cluster reaches it)", () => {
    const { json, platform } = k8s();
    const services = resourcesOf(json, "kubernetes_service_v1") as { metadata: { name: string }; spec: { type: string; port: { port: number }[]; external_name?: string } }[];
    const byName = Object.fromEntries(services.map((s) => [s.metadata.name, s.spec]));
    const planned = Object.fromEntries(platform.portPlan.assignments.map((a) => [a.service, a.port]));
    expect(byName["tandem-web"]).toMatchObject({ type: "ClusterIP", port: [{ port: planned.web }] });
    expect(planned.web).toBeGreaterThanOrEqual(30100);
    expect(planned.web).toBeLessThanOrEqual(30199);
    expect(byName["tandem-router"]).toMatchObject({ type: "ClusterIP", port: [{ port: 80 }] });
    expect(byName["tandem-router"]).not.toHaveProperty("external_traffic_policy");
    expect(byName.legacy).toMatchObject({ type: "ExternalName", external_name: "legacy-origin.example.com" });
  });

  test("behind a front door the router's Service is a NodePort on the given port, Local (the front end's address reaches the router), ClusterIP port 80 kept", () => {
    const { json, platform } = k8s({}, { routerNodePort: 30064 });
    const router = (resourcesOf(json, "kubernetes_service_v1") as { metadata: { name: string }; spec: Record<string, unknown> }[]).find((s) => s.metadata.name === "tandem-router")!;
    expect(router.spec).toMatchObject({ type: "NodePort", external_traffic_policy: "Local", port: [{ name: "http", port: 80, target_port: "8080", node_port: 30064 }] });
    expect(platform.formatPlan()).toMatch(/router .* NodePort 30064, ClusterIP :80/);
    expect(() => k8s({}, { routerNodePort: 8080 })).toThrow(/target\.routerNodePort = 8080: must be a whole number 30000-32767/);
  });

  test("trusted proxies: X-Forwarded-* believed from them only; the deploy-time address in a file the config includes, its own annotation rolling the pods", () => {
    const { json, platform } = k8s({}, { routerNodePort: 30064, trustedProxies: ["35.191.0.0/16", "130.211.0.0/22"], trustedProxyAddresses: ["203.0.113.9"] });
    const config = platform.routerConfig;
    expect(config).toContain("  set_real_ip_from 35.191.0.0/16;\n  set_real_ip_from 130.211.0.0/22;\n  include /etc/nginx/tandem/*.conf;\n  real_ip_header X-Forwarded-For;\n  real_ip_recursive on;\n");
    const map = resourcesOf(json, "kubernetes_config_map_v1").find((c) => (c.data as Record<string, string>)["nginx.conf"])!;
    expect((map.data as Record<string, string>)["trusted-proxies.conf"]).toBe("set_real_ip_from 203.0.113.9;\n");
    const router = (resourcesOf(json, "kubernetes_deployment_v1") as { metadata: { name: string }; spec: { template: { metadata: { annotations: Record<string, string> }; spec: { container: { volume_mount: { mount_path: string; sub_path?: string }[] }[] } } } }[]).find((d) => d.metadata.name === "tandem-router")!;
    expect(router.spec.template.spec.container[0].volume_mount).toEqual(expect.arrayContaining([expect.objectContaining({ mount_path: "/etc/nginx/tandem/trusted-proxies.conf", sub_path: "trusted-proxies.conf" })]));
    expect(router.spec.template.metadata.annotations["tandem.dev/trusted-proxies"]).toBe("203.0.113.9");
    // Without a front door: none of it.
    const plain = k8s();
    expect(plain.platform.routerConfig).not.toMatch(/set_real_ip_from|include \/etc\/nginx\/tandem/);
    expect(resourcesOf(plain.json, "kubernetes_config_map_v1").map((c) => Object.keys(c.data as object))).toEqual([["nginx.conf"]]);
  });

  test("the router's pod template carries the config hash, so a phase change rolls it without downtime", () => {
    const a = k8s().platform.routerConfigHash;
    const { json, platform } = k8s({ router: { domain: "example.com", phase: "cutover" } });
    expect(platform.routerConfigHash).not.toBe(a);
    const router = (resourcesOf(json, "kubernetes_deployment_v1") as { metadata: { name: string }; spec: { strategy: unknown; template: { metadata: { annotations: Record<string, string> } } } }[]).find((d) => d.metadata.name === "tandem-router")!;
    expect(router.spec.template.metadata.annotations["tandem.dev/config-hash"]).toBe(platform.routerConfigHash);
    expect(router.spec.strategy).toEqual({ type: "RollingUpdate", rolling_update: { max_unavailable: "0", max_surge: "1" } });
  });

  test("the router talks verified TLS to an https legacy, by its Service, with the legacy name for SNI", () => {
    const config = k8s().platform.routerConfig;
    expect(config).toMatch(/proxy_pass https:\/\/\$tandem_upstream;/);
    expect(config).toContain('set $tandem_upstream "legacy.new-platform.svc.cluster.local:443";');
    expect(config).toContain("proxy_ssl_name app.example.com;");
    expect(config).toContain("proxy_ssl_verify on;");
    expect(config).toContain("resolver kube-dns.kube-system.svc.cluster.local valid=5s ipv6=off;");
  });

  test("turning legacy TLS verification off is explicit", () => {
    expect(k8s({ legacy: { ...legacy, baseUrl: "https://app.example.com", upstream: "legacy-origin.example.com:443", verifyTls: false } }).platform.routerConfig).toContain("proxy_ssl_verify off;");
  });

  test("legacy.upstream is the origin: the legacy Service points at it, and https bridge services call it by name", () => {
    const { json } = k8s({ legacy: { ...legacy, baseUrl: "https://app.example.com", upstream: "legacy-origin.example.com:8443" } });
    const services = resourcesOf(json, "kubernetes_service_v1") as { metadata: { name: string }; spec: { external_name?: string; port: { port: number }[] } }[];
    expect(services.find((x) => x.metadata.name === "legacy")!.spec).toMatchObject({ external_name: "legacy-origin.example.com", port: [{ port: 8443 }] });
    const api = (resourcesOf(json, "kubernetes_deployment_v1") as { metadata: { name: string }; spec: { template: { spec: { container: { env: { name: string; value: string }[] }[] } } } }[]).find((d) => d.metadata.name === "tandem-api")!;
    expect(api.spec.template.spec.container[0].env).toEqual(expect.arrayContaining([{ name: "LEGACY_URL", value: "https://legacy-origin.example.com:8443" }]));
  });

  test("an http legacy is called through the in-cluster legacy Service", () => {
    const { json } = k8s({ legacy: { ...legacy, baseUrl: "http://legacy.internal:8000", upstream: undefined } });
    const api = (resourcesOf(json, "kubernetes_deployment_v1") as { metadata: { name: string }; spec: { template: { spec: { container: { env: { name: string; value: string }[] }[] } } } }[]).find((d) => d.metadata.name === "tandem-api")!;
    expect(api.spec.template.spec.container[0].env).toEqual(expect.arrayContaining([{ name: "LEGACY_URL", value: "http://legacy.new-platform.svc.cluster.local:8000" }]));
  });

  test("a legacy IP address gets a selector-less Service and an EndpointSlice (ExternalName takes names only)", () => {
    const { json } = k8s({ legacy: { ...legacy, baseUrl: "http://10.40.0.5:8000", upstream: undefined } });
    const svc = (resourcesOf(json, "kubernetes_service_v1") as { metadata: { name: string }; spec: Record<string, unknown> }[]).find((x) => x.metadata.name === "legacy")!;
    expect(svc.spec).toMatchObject({ type: "ClusterIP", port: [{ port: 8000 }] });
    expect(svc.spec.selector).toBeUndefined();
    expect(resourcesOf(json, "kubernetes_endpoint_slice_v1")).toEqual([
      expect.objectContaining({ address_type: "IPv4", endpoint: [{ addresses: ["10.40.0.5"] }], metadata: expect.objectContaining({ labels: expect.objectContaining({ "kubernetes.io/service-name": "legacy" }) }) }),
    ]);
  });

  test("exec probes for a health command, an emptyDir per writable path", () => {
    const { json } = k8s({
      services: {
        web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, entry: true },
        cache: { image: "redis:7.2.5-alpine", category: "cache", containerPort: 6379, healthCommand: ["redis-cli", "ping"], writablePaths: ["/data"] },
      },
    });
    const cache = (resourcesOf(json, "kubernetes_deployment_v1") as { metadata: { name: string }; spec: { template: { spec: { container: Record<string, unknown>[]; volume: unknown[] } } } }[]).find((d) => d.metadata.name === "tandem-cache")!;
    const c = cache.spec.template.spec.container[0];
    for (const probe of ["liveness_probe", "readiness_probe", "startup_probe"]) expect(c[probe]).toMatchObject({ exec: { command: ["redis-cli", "ping"] } });
    expect(c.volume_mount).toEqual([expect.objectContaining({ name: "tmp", mount_path: "/tmp" }), expect.objectContaining({ name: "w-data", mount_path: "/data" })]);
    expect(cache.spec.template.spec.volume).toEqual(expect.arrayContaining([{ name: "w-data", empty_dir: { size_limit: "256Mi" } }]));
  });

  test("no kubernetes_manifest", () => {
    expect(k8s().json.resource?.kubernetes_manifest).toBeUndefined();
  });
});

describe("ParallelPlatform validation", () => {
  const docker = (overrides: Partial<ParallelPlatformProps>) => () => new ParallelPlatform(new TerraformStack(Testing.app(), "x"), "platform", props({ kind: "docker" }, overrides));

  test("a port conflict fails synth naming both claimants", () => {
    expect(docker({ services: { web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, port: 8000, entry: true } } })).toThrow(/x\/platform: invalid props:\n {2}- services\.web\.port = 8000: port 8000: service "web" and legacy web: reserved by the legacy system/);
  });

  test.each([
    [{ services: { web: { image: "example/web:latest", category: "frontend" as const, containerPort: 8080, entry: true } } }, /services\.web\.image = "example\/web:latest": must pin a release, not :latest/],
    [{ services: { web: { image: "example/web:1", category: "frontend" as const, containerPort: 8080 } } }, /exactly one service must set entry: true \(found none\)/],
    [{ router: { domain: "example.com", phase: "weighted" as const, weightPercent: 150 } }, /router\.weightPercent = 150: must be 0-100/],
    [{ services: { router: { image: "x/y:1", category: "public" as const, containerPort: 1, entry: true } } }, /services\.router = "router": "router" is the migration router's name; rename the service/],
    [{ legacy: { ...legacy, dockerNetwork: undefined } }, /legacy\.dockerNetwork = \(missing\): api bridge to legacy, so name the legacy Docker network to join/],
    [{ legacy: { ...legacy, upstream: undefined } }, /legacy\.baseUrl = "localhost:8000": is the container itself from inside a container; set legacy\.upstream/],
    [{ legacy: { ...legacy, upstream: "new.example.com:80" } }, /legacy\.upstream = "new\.example\.com": is the new platform's own name/],
    [{ legacy: { ...legacy, baseUrl: "ftp://legacy" } }, /legacy\.baseUrl = "ftp:\/\/legacy": must be an http\(s\) URL/],
    [{ legacy: { ...legacy, healthPath: "/health; return 200" } }, /legacy\.healthPath = "\/health; return 200": must start with '\/' and use only/],
    [{ services: { web: { image: "example/web:1", category: "frontend" as const, containerPort: 8080, entry: true, routePath: "/v2/" } } }, /services\.web\.routePath = "\/v2\/": is reserved/],
    [{ services: { web: { image: "example/web:1", category: "frontend" as const, containerPort: 8080, entry: true, routePath: "/a b/" } } }, /services\.web\.routePath = "\/a b\/": must start and end with/],
    [
      { services: { web: { image: "example/web:1", category: "frontend" as const, containerPort: 8080, entry: true, routePath: "/x/" }, api: { image: "example/api:1", category: "backend" as const, containerPort: 9000, routePath: "/x/" } } },
      /services\.api\.routePath = "\/x\/": is also web's routePath; a path goes to one service/,
    ],
    [{ services: { web: { image: "example/web:1", category: "frontend" as const, containerPort: 8080, entry: true, healthCommand: [] } } }, /services\.web\.healthCommand = \[\]: must give the command and its arguments/],
    [{ services: { web: { image: "example/web:1", category: "frontend" as const, containerPort: 8080, entry: true, writablePaths: ["data"] } } }, /services\.web\.writablePaths\.0 = "data": must be an absolute path/],
    [{ services: { web: { image: "example/web:1", category: "frontend" as const, containerPort: 8080, entry: true, runAsUser: 0 } } }, /services\.web\.runAsUser = 0: must be a whole number 1-2147483647 \(workloads never run as root\)/],
    [{ services: { web: { image: "example/web:1", category: "api" as never, containerPort: 8080, entry: true } } }, /services\.web\.category = "api": must be one of: public, frontend/],
    [{ router: { domain: "example.com", phase: "blue" as never } }, /router\.phase = "blue": must be one of: subdomain, path, weighted, cutover/],
  ])("bad props %#", (overrides, message) => {
    expect(docker(overrides)).toThrow(message);
  });

  test("legacy reached by a name in the router's domain warns about a proxy loop", () => {
    const stack = new TerraformStack(Testing.app(), "x");
    new KubernetesProvider(stack, "k8s", {});
    const platform = new ParallelPlatform(stack, "platform", props({ kind: "kubernetes" }, { legacy: { ...legacy, baseUrl: "https://app.example.com", upstream: undefined } }));
    const warnings = platform.node.metadata.filter((m) => /warn/i.test(m.type)).map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/legacy\.baseUrl = "app\.example\.com": is legacy's public name; once its DNS points at the router \(the path phase on\), the router would proxy to itself; set legacy\.upstream/)]);
  });
});

describe("ParallelPlatform on Kubernetes: service-to-service calls", () => {
  const services = {
    web: { image: "example/web:1.0.0", category: "frontend" as const, containerPort: 8080, entry: true, calls: ["api"] },
    api: { image: "example/api:1.0.0", category: "backend" as const, containerPort: 9000 },
    jobs: { image: "example/jobs:1.0.0", category: "backend" as const, containerPort: 9100 },
  };
  const { json } = k8s({ services });
  const { policies, pods } = fromStack(json as unknown as Parameters<typeof fromStack>[0]);
  const pod = (s: string) => pods[`tandem-${s}`];
  const allows = (from: string, to: string, port: number) => policies.allows({ from: pod(from), to: { pod: pod(to) }, port });

  test("a declared call is open on the callee's container port only, one way", () => {
    expect(allows("web", "api", 9000)).toBe(true);
    expect(allows("web", "api", 9100)).toBe(false);
    expect(allows("api", "web", 8080)).toBe(false);
  });

  test("an undeclared call stays denied, and the router still reaches every service on its port", () => {
    expect(allows("web", "jobs", 9100)).toBe(false);
    expect(allows("jobs", "api", 9000)).toBe(false);
    for (const [name, s] of Object.entries(services)) expect(allows("router", name, s.containerPort)).toBe(true);
    expect(allows("router", "api", 8080)).toBe(false);
  });

  test("a call to no service of the platform, or to itself, is a problem naming the field", () => {
    const problems = planPlatform(props({ kind: "kubernetes" }, { services: { ...services, api: { ...services.api, calls: ["api", "billing"] } } })).problems.map((p) => `${p.path.join(".")} = ${String(p.value)}: ${p.rule}`);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^services\.api\.calls\.0 = api: a service does not call itself/), expect.stringMatching(/^services\.api\.calls\.1 = billing: names no service of the platform; known: web, api, jobs/)]));
  });
});

test("ParallelPlatform on Kubernetes: a call to a service it does not have is refused with the field, before anything is built", () => {
  const stack = new TerraformStack(Testing.app(), "staging");
  new KubernetesProvider(stack, "k8s", {});
  const base = props({ kind: "kubernetes" });
  expect(() => new ParallelPlatform(stack, "platform", { ...base, services: { ...base.services, web: { ...base.services.web, calls: ["billing"] } } })).toThrow(/services\.web\.calls\.0 = "billing": names no service of the platform; known: web, api/);
});
