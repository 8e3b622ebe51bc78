/**
 * Releases on the migration router: a BlueGreenService's route split between its colours with exact weights, the
 * router's egress derived from its selector, the route-path rule at construct level, and, on the synthesized
 * staging and production stacks, the network policies letting the router (and only the router) through.
 */
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { environments } from "../../environments";
import { loadEnvironment } from "../../src/config";
import { BlueGreenService, BlueGreenServiceProps } from "../../src/deploy";
import { ParallelPlatform, ParallelPlatformProps } from "../../src/platform";
import { addEnvironmentStacks } from "../../stacks";
import { resourcesOf, TerraformJson } from "../helpers";
import { fromStack } from "../helpers/network-policy";

const legacy = { name: "netbox", baseUrl: "https://app.example.com", healthPath: "/health", reservedPorts: { web: 8000 }, upstream: "legacy-origin.example.com:443" };
const platformProps = (kind: "kubernetes" | "docker"): ParallelPlatformProps => ({
  name: "tandem",
  legacy: kind === "docker" ? { ...legacy, baseUrl: "http://localhost:8000", upstream: "netbox:8080", dockerNetwork: "netbox_default" } : legacy,
  services: {
    web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, entry: true },
    gateway: { image: "example/gw:1.0.0", category: "backend", containerPort: 8080, routePath: "/api/v2/" },
  },
  ports: { strategy: "blocks" },
  router: { domain: "example.com", phase: "path" },
  target: kind === "docker" ? { kind: "docker" } : { kind: "kubernetes" },
});

function setup(bgOverrides: Partial<BlueGreenServiceProps> = {}): { stack: TerraformStack; platform: ParallelPlatform; bg: BlueGreenService } {
  const stack = new TerraformStack(Testing.app(), "staging");
  new KubernetesProvider(stack, "k8s", {});
  new GoogleProvider(stack, "google", { project: "p-test" });
  const platform = new ParallelPlatform(stack, "platform", platformProps("kubernetes"));
  const bg = new BlueGreenService(stack, "bg", {
    name: "api",
    namespace: platform.namespaceRef,
    project: "p-test",
    blue: { image: "example/api:1.4.0" },
    green: { image: "example/api:1.5.0" },
    activeColor: "blue",
    containerPort: 8080,
    routePath: "/api/v3/",
    allowFrom: [{ podLabels: { ...platform.routerSelector } }],
    ...bgOverrides,
  });
  return { stack, platform, bg };
}

const configMapText = (json: TerraformJson) => (resourcesOf(json, "kubernetes_config_map_v1") as { data: Record<string, string> }[]).find((c) => c.data["nginx.conf"])!.data["nginx.conf"];

describe("a release on the router", () => {
  test("added after the platform was built, its route is in the synthesized nginx.conf, and in the config hash the router rolls on", () => {
    const { stack, platform, bg } = setup({ canaryPercent: 5 });
    const before = platform.routerConfigHash;
    platform.addRelease(bg);
    const json = JSON.parse(Testing.synth(stack, true)) as TerraformJson;
    const text = configMapText(json);
    expect(text).toBe(platform.routerConfig);
    expect(platform.routerConfigHash).not.toBe(before);
    const router = (resourcesOf(json, "kubernetes_deployment_v1") as { metadata: { name: string }; spec: { template: { metadata: { annotations: Record<string, string> } } } }[]).find((d) => d.metadata.name === "tandem-router")!;
    expect(router.spec.template.metadata.annotations["tandem.dev/config-hash"]).toBe(platform.routerConfigHash);
    expect(text).toContain("location /api/v3/ {");
    expect(text).toContain("rewrite ^/api/v3/(.*)$ /$1 break;");
  });

  test.each([
    [5, "95% blue;"],
    [25, "75% blue;"],
    [50, "50% blue;"],
  ])("canary %d %%: an exact sticky split between the colours' Services (%s * green)", (w, line) => {
    const { platform, bg } = setup({ canaryPercent: w });
    platform.addRelease(bg);
    const text = platform.routerConfig;
    expect(text).toContain(`# api: blue ${100 - w} %, green ${w} %, sticky per client.`);
    expect(text).toContain(`split_clients "$tandem_client_key/api" $tandem_pick_r1 {\n    ${line}\n    * green;\n  }`);
    expect(text).toContain('    blue "api-blue.new-platform.svc.cluster.local:80";\n    default "api-green.new-platform.svc.cluster.local:80";');
  });

  test.each([
    [0, "blue"],
    [100, "green"],
  ])("canary %d %%: one backend, no split, the colour %s logged", (w, color) => {
    const { platform, bg } = setup({ canaryPercent: w });
    platform.addRelease(bg);
    const location = platform.routerConfig.split("location /api/v3/ {")[1].split("}")[0];
    expect(location).toContain(`set $tandem_upstream "api-${color}.new-platform.svc.cluster.local:80";`);
    expect(location).toContain(`set $tandem_color "${color}";`);
    expect(platform.routerConfig).not.toContain('split_clients "$tandem_client_key/api"');
  });

  test("the router's egress reaches the release's pods on their port, derived from its selector", () => {
    const { stack, platform, bg } = setup();
    platform.addRelease(bg);
    const json = JSON.parse(Testing.synth(stack, true)) as TerraformJson;
    const policy = (resourcesOf(json, "kubernetes_network_policy_v1") as unknown as { metadata: { name: string }; spec: { egress: unknown[] } }[]).find((p) => p.metadata.name === "tandem-router")!;
    expect(policy.spec.egress).toContainEqual({ to: [{ pod_selector: { match_labels: { "app.kubernetes.io/name": "api" } } }], ports: [{ port: "8080", protocol: "TCP" }] });
  });

  test("the router's config waits for the serving colours (their HPAs and Deployments)", () => {
    const { stack, platform, bg } = setup({ canaryPercent: 25 });
    platform.addRelease(bg);
    const json = JSON.parse(Testing.synth(stack, true)) as TerraformJson;
    const cm = (resourcesOf(json, "kubernetes_config_map_v1") as { data: Record<string, string>; depends_on?: string[] }[]).find((c) => c.data["nginx.conf"])!;
    // Plain addresses, as Terraform wants them in depends_on: `type.bg_<id>_<hash>` -> `type.bg_<id>`.
    expect(cm.depends_on?.map((d) => d.replace(/_[0-9A-F]{8}$/, ""))).toEqual([
      "kubernetes_horizontal_pod_autoscaler_v2.bg_hpa-blue",
      "kubernetes_deployment_v1.bg_blue",
      "kubernetes_horizontal_pod_autoscaler_v2.bg_hpa-green",
      "kubernetes_deployment_v1.bg_green",
    ]);
  });

  test.each([
    ["a path a platform service has", { routePath: "/api/v2/" }, /releases\.api\.routePath = "\/api\/v2\/": is already the route of service gateway/],
    ["no route path", { routePath: undefined }, /releases\.api\.routePath = \(missing\): is missing: a release on the router needs a route path/],
  ])("refused: %s", (_what, overrides, message) => {
    const { platform, bg } = setup(overrides);
    expect(() => platform.addRelease(bg)).toThrow(message);
  });

  test("refused: a second release on the same path, or the same release twice", () => {
    const { stack, platform, bg } = setup();
    platform.addRelease(bg);
    expect(() => platform.addRelease(bg)).toThrow(/releases\.api = "api": is already on the router/);
    const other = new BlueGreenService(stack, "bg2", { name: "orders", namespace: platform.namespaceRef, project: "p-test", blue: { image: "x/o:1.0.0" }, green: {}, activeColor: "blue", containerPort: 8080, routePath: "/api/v3/" });
    expect(() => platform.addRelease(other)).toThrow(/releases\.orders\.routePath = "\/api\/v3\/": is also release api's routePath/);
  });

  test("refused on Docker: releases are Kubernetes Services", () => {
    const stack = new TerraformStack(Testing.app(), "dev");
    new DockerProvider(stack, "docker", {});
    const platform = new ParallelPlatform(stack, "platform", platformProps("docker"));
    const { bg } = setup();
    expect(() => platform.addRelease(bg)).toThrow(/addRelease needs the Kubernetes target/);
  });
});

describe.each(["staging", "production"] as const)("%s: the router reaches the blue-green API, and only the router does", (env) => {
  const app = Testing.app();
  addEnvironmentStacks(app, [loadEnvironment(env, environments[env])]);
  const json = JSON.parse(Testing.synth(app.node.findChild(env) as TerraformStack)) as TerraformJson;
  const { policies, pods } = fromStack(json);
  const pod = (name: string) => pods[name];
  const allowed = (from: string, to: string, port: number) => policies.allows({ from: pod(from), to: { pod: pod(to) }, port });
  const text = configMapText(json);

  test("the route is in the router's config, on every host of the phase", () => {
    expect(text).toContain("location /api/v3/ {");
    expect(text).toContain('set $tandem_upstream "api-blue.new-platform.svc.cluster.local:80";');
  });

  test.each(["api-blue", "api-green"])("router -> %s on 8080: allowed by both policies", (colour) => {
    expect(allowed("tandem-router", colour, 8080)).toBe(true);
  });

  test("not on another port, and not from the platform's other workloads", () => {
    expect(allowed("tandem-router", "api-blue", 9090)).toBe(false);
    for (const other of ["tandem-web", "tandem-api-gateway", "tandem-websocket"]) expect({ other, ok: allowed(other, "api-blue", 8080) }).toEqual({ other, ok: false });
  });

  test("the API's pods carry no hand-written platform label: the router's egress names their selector", () => {
    expect(pod("api-blue").labels).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": "blue" });
  });
});
