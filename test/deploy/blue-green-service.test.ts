import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Testing, TerraformStack } from "cdktf";
import { BlueGreenService, BlueGreenServiceProps } from "../../src/deploy";
import { resourcesOf, TerraformJson } from "../helpers";

const base: BlueGreenServiceProps = {
  name: "api",
  namespace: "new-platform",
  project: "p-test",
  blue: { image: "example/api:1.4.0" },
  green: { image: "example/api:1.5.0" },
  activeColor: "blue",
  containerPort: 8080,
  allowFrom: [{ podLabels: { "app.kubernetes.io/name": "tandem-router" } }],
  egress: [{ cidr: "10.30.0.0/20", ports: [5432] }],
};

function stackWith(overrides: Partial<BlueGreenServiceProps>): { stack: TerraformStack; bg: BlueGreenService } {
  const stack = new TerraformStack(Testing.app(), "test");
  new KubernetesProvider(stack, "k8s", {});
  new GoogleProvider(stack, "google", { project: "p-test" });
  const bg = new BlueGreenService(stack, "bg", { ...base, ...overrides });
  return { stack, bg };
}

function synth(overrides: Partial<BlueGreenServiceProps> = {}): TerraformJson {
  return JSON.parse(Testing.synth(stackWith(overrides).stack, true)) as TerraformJson;
}

type Body = Record<string, unknown> & {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, unknown> & { selector?: unknown; replicas?: string; min_replicas?: number; max_replicas?: number; template?: { metadata: Record<string, unknown>; spec: PodSpec } };
  depends_on?: string[];
  lifecycle?: { ignore_changes?: string[]; create_before_destroy?: boolean };
};
type PodSpec = Record<string, unknown> & { container: Record<string, unknown>[]; volume: Record<string, unknown>[] };

/** Resources of one type by their Kubernetes name. */
const byName = (json: TerraformJson, type: string) => Object.fromEntries((resourcesOf(json, type) as Body[]).map((r) => [r.metadata.name, r]));
const addressOf = (json: TerraformJson, type: string, name: string) => `${type}.${Object.entries(json.resource?.[type] ?? {}).find(([, r]) => (r as Body).metadata.name === name)?.[0]}`;
const podOf = (d: Body) => d.spec.template!.spec;

const META = new Set(["depends_on", "lifecycle", "//"]);

/** Attribute paths that differ between two synths, per resource (`type.kubernetes-name`), meta-arguments left out. */
function attributeDiff(before: TerraformJson, after: TerraformJson): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const types = new Set([...Object.keys(before.resource ?? {}), ...Object.keys(after.resource ?? {})]);
  for (const type of types) {
    const ids = new Set([...Object.keys(before.resource?.[type] ?? {}), ...Object.keys(after.resource?.[type] ?? {})]);
    for (const id of ids) {
      const a = before.resource?.[type]?.[id] as Body | undefined;
      const b = after.resource?.[type]?.[id] as Body | undefined;
      const key = `${type}.${(a ?? b)!.metadata?.name ?? id}`;
      if (!a || !b) out[key] = [a ? "(destroyed)" : "(created)"];
      else {
        const paths = leafDiff(strip(a), strip(b), "").sort();
        if (paths.length > 0) out[key] = paths;
      }
    }
  }
  return out;
}
const strip = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => !META.has(k)));
function leafDiff(a: unknown, b: unknown, path: string): string[] {
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => leafDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

describe("BlueGreenService", () => {
  describe("states", () => {
    test("two Deployments, each with its own pinned image", () => {
      const d = byName(synth(), "kubernetes_deployment_v1");
      expect(Object.keys(d).sort()).toEqual(["api-blue", "api-green"]);
      expect(podOf(d["api-blue"]).container[0].image).toBe("example/api:1.4.0");
      expect(podOf(d["api-green"]).container[0].image).toBe("example/api:1.5.0");
    });

    test.each([
      ["blue", "green"],
      ["green", "blue"],
    ] as const)("%s active: api and api-active select %s's pods, api-preview the idle colour's; api-blue and api-green their own", (active, idle) => {
      const s = byName(synth({ activeColor: active }), "kubernetes_service_v1");
      expect(s["api-active"].spec.selector).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": active });
      expect(s.api.spec.selector).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": active });
      expect(s["api-preview"].spec.selector).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": idle });
      expect(s["api-blue"].spec.selector).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": "blue" });
      expect(s["api-green"].spec.selector).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": "green" });
    });

    test("both colours autoscale 3-10 and their HPAs own the replica count (ignore_changes); the Deployments start at the minimum", () => {
      const json = synth();
      const hpa = byName(json, "kubernetes_horizontal_pod_autoscaler_v2");
      expect([hpa["api-blue"].spec.min_replicas, hpa["api-blue"].spec.max_replicas]).toEqual([3, 10]);
      expect([hpa["api-green"].spec.min_replicas, hpa["api-green"].spec.max_replicas]).toEqual([3, 10]);
      const d = byName(json, "kubernetes_deployment_v1");
      expect(d["api-blue"].lifecycle?.ignore_changes).toEqual(["spec[0].replicas"]);
      expect(d["api-green"].lifecycle?.ignore_changes).toEqual(["spec[0].replicas"]);
      expect([d["api-blue"].spec.replicas, d["api-green"].spec.replicas]).toEqual(["3", "3"]);
    });

    test.each([
      [5, 95, 3],
      [25, 75, 3],
      [50, 50, 5],
    ])("canary %d %%: the router gets exact weights (blue %d, green the rest); green's floor is %d, both autoscale to 10", (w, live, floor) => {
      const { bg } = stackWith({ canaryPercent: w, routePath: "/api/v3/" });
      expect(bg.releaseBackends).toEqual([
        { serviceName: "api-blue", port: 80, label: "blue", weightPercent: live },
        { serviceName: "api-green", port: 80, label: "green", weightPercent: w },
      ]);
      expect(bg.floors).toEqual({ blue: 3, green: floor });
      const hpa = byName(synth({ canaryPercent: w, routePath: "/api/v3/" }), "kubernetes_horizontal_pod_autoscaler_v2");
      expect([hpa["api-green"].spec.min_replicas, hpa["api-green"].spec.max_replicas]).toEqual([floor, 10]);
      expect([hpa["api-blue"].spec.min_replicas, hpa["api-blue"].spec.max_replicas]).toEqual([3, 10]);
    });

    test("canary 100 %: every request to green at full capacity; blue, serving nothing, held at 10 for a rollback", () => {
      const { bg } = stackWith({ canaryPercent: 100, routePath: "/api/v3/" });
      expect(bg.releaseBackends).toEqual([{ serviceName: "api-green", port: 80, label: "green", weightPercent: 100 }]);
      expect(bg.floors).toEqual({ blue: 10, green: 10 });
      // Clients that bypass the router keep the live colour until the promotion.
      expect(byName(synth({ canaryPercent: 100, routePath: "/api/v3/" }), "kubernetes_service_v1").api.spec.selector).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": "blue" });
    });

    test("rollback is the same line set back: the synth equals the one before the promotion", () => {
      const before = synth({ activeColor: "blue", idle: "full" });
      expect(synth({ activeColor: "green", idle: "full" })).not.toEqual(before);
      expect(synth({ activeColor: "blue", idle: "full" })).toEqual(before);
    });

    test("idle full: the idle colour's floor is the maximum (the rollback window)", () => {
      const hpa = byName(synth({ idle: "full" }), "kubernetes_horizontal_pod_autoscaler_v2");
      expect([hpa["api-green"].spec.min_replicas, hpa["api-green"].spec.max_replicas]).toEqual([10, 10]);
    });

    test('idle "off": the idle colour has no Deployment, HPA or PDB; its Services stay', () => {
      const json = synth({ idle: "off" });
      expect(Object.keys(byName(json, "kubernetes_deployment_v1"))).toEqual(["api-blue"]);
      expect(Object.keys(byName(json, "kubernetes_horizontal_pod_autoscaler_v2"))).toEqual(["api-blue"]);
      expect(Object.keys(byName(json, "kubernetes_pod_disruption_budget_v1"))).toEqual(["api-blue"]);
      expect(Object.keys(byName(json, "kubernetes_service_v1")).sort()).toEqual(["api", "api-active", "api-blue", "api-green", "api-preview"]);
    });

    test("a colour without an image is not deployed (no Deployment running the other colour's image)", () => {
      const d = byName(synth({ green: {} }), "kubernetes_deployment_v1");
      expect(Object.keys(d)).toEqual(["api-blue"]);
    });

    test('idle "off" during a canary warns that it does nothing', () => {
      const { bg } = stackWith({ idle: "off", canaryPercent: 5, routePath: "/api/v3/" });
      expect(bg.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data)).toEqual([expect.stringMatching(/idle = "off": does nothing while canaryPercent is 5: both colours run during a canary/)]);
      expect(bg.floors).toEqual({ blue: 3, green: 3 });
    });
  });

  describe("release steps", () => {
    const routed = { routePath: "/api/v3/" };

    test("every canary step changes only HPA floors in this construct: no Deployment, Service or PDB changes", () => {
      const steps = [0, 5, 25, 50, 100].map((w) => synth({ ...routed, canaryPercent: w }));
      const changed = new Set<string>();
      for (let i = 1; i < steps.length; i++) for (const [k, paths] of Object.entries(attributeDiff(steps[i - 1], steps[i]))) for (const p of paths) changed.add(`${k}: ${p}`);
      expect([...changed].sort()).toEqual(["kubernetes_horizontal_pod_autoscaler_v2.api-blue: spec.min_replicas", "kubernetes_horizontal_pod_autoscaler_v2.api-green: spec.min_replicas"]);
    });

    test("promote after canary 100 (old colour full) changes the three selectors and the HPA floor of the colour that goes live only", () => {
      expect(attributeDiff(synth({ ...routed, canaryPercent: 100 }), synth({ ...routed, activeColor: "green", idle: "full" }))).toEqual({
        "kubernetes_service_v1.api": ["spec.selector.tandem.dev/color"],
        "kubernetes_service_v1.api-active": ["spec.selector.tandem.dev/color"],
        "kubernetes_service_v1.api-preview": ["spec.selector.tandem.dev/color"],
        "kubernetes_horizontal_pod_autoscaler_v2.api-green": ["spec.min_replicas"],
      });
    });

    test("rollback after the promotion: the selectors and both HPA floors; the colour it rolls back to already runs full", () => {
      const promoted = synth({ ...routed, activeColor: "green", idle: "full" });
      expect(byName(promoted, "kubernetes_horizontal_pod_autoscaler_v2")["api-blue"].spec.min_replicas).toBe(10);
      expect(attributeDiff(promoted, synth({ ...routed, activeColor: "blue", idle: "full" }))).toEqual({
        "kubernetes_service_v1.api": ["spec.selector.tandem.dev/color"],
        "kubernetes_service_v1.api-active": ["spec.selector.tandem.dev/color"],
        "kubernetes_service_v1.api-preview": ["spec.selector.tandem.dev/color"],
        "kubernetes_horizontal_pod_autoscaler_v2.api-blue": ["spec.min_replicas"],
        "kubernetes_horizontal_pod_autoscaler_v2.api-green": ["spec.min_replicas"],
      });
    });

    test("finish: only the idle colour's floor (full -> warm); finish off removes its Deployment, HPA and PDB", () => {
      const promoted = synth({ ...routed, activeColor: "green", idle: "full" });
      expect(attributeDiff(promoted, synth({ ...routed, activeColor: "green", idle: "warm" }))).toEqual({ "kubernetes_horizontal_pod_autoscaler_v2.api-blue": ["spec.min_replicas"] });
      expect(attributeDiff(promoted, synth({ ...routed, activeColor: "green", idle: "off" }))).toEqual({
        "kubernetes_deployment_v1.api-blue": ["(destroyed)"],
        "kubernetes_horizontal_pod_autoscaler_v2.api-blue": ["(destroyed)"],
        "kubernetes_pod_disruption_budget_v1.api-blue": ["(destroyed)"],
      });
    });

    test("the pod templates never change in a release step", () => {
      const steps = [synth(routed), synth({ ...routed, canaryPercent: 50 }), synth({ ...routed, canaryPercent: 100 }), synth({ ...routed, activeColor: "green", idle: "full" })];
      const templates = steps.map((j) => Object.fromEntries(Object.entries(byName(j, "kubernetes_deployment_v1")).map(([n, d]) => [n, d.spec])));
      for (const t of templates) expect(t).toEqual(templates[0]);
    });

    test("order in one deploy: HPA before its Deployment; the Services after the Deployment of the colour they select", () => {
      const json = synth({ activeColor: "green" });
      const dep = (type: string, name: string) => byName(json, type)[name].depends_on ?? [];
      const at = (type: string, name: string) => addressOf(json, type, name);
      for (const s of ["api", "api-active"]) expect(dep("kubernetes_service_v1", s)).toEqual([at("kubernetes_deployment_v1", "api-green")]);
      expect(dep("kubernetes_service_v1", "api-preview")).toEqual([at("kubernetes_deployment_v1", "api-blue")]);
      expect(dep("kubernetes_deployment_v1", "api-green")).toEqual([at("kubernetes_horizontal_pod_autoscaler_v2", "api-green")]);
      expect(dep("kubernetes_horizontal_pod_autoscaler_v2", "api-blue")).toEqual([]);
      expect(byName(json, "kubernetes_deployment_v1")["api-green"].wait_for_rollout).toBe(true);
    });

    test("a colour that is removed goes only after what selected it switched away (create_before_destroy)", () => {
      // Without it Terraform destroys a Deployment before updating the Services and the router that use it.
      const d = byName(synth({ idle: "off", activeColor: "green" }), "kubernetes_deployment_v1");
      expect(d["api-green"].lifecycle?.create_before_destroy).toBe(true);
      expect(byName(synth(), "kubernetes_deployment_v1")["api-green"].lifecycle?.create_before_destroy).toBe(true);
    });

    test("what the router waits for: the serving colours' HPAs and Deployments", () => {
      const { bg } = stackWith({ ...routed, canaryPercent: 25 });
      expect(bg.servingDependables).toEqual([bg.autoscalers.blue, bg.deployments.blue, bg.autoscalers.green, bg.deployments.green]);
      const full = stackWith({ ...routed, canaryPercent: 100 }).bg;
      expect(full.servingDependables).toEqual([full.autoscalers.green, full.deployments.green]);
    });
  });

  describe("per colour", () => {
    test("HPA autoscaling/v2: CPU 70 %, memory 80 %, scale up 100 % per 30 s, scale down 50 % after a 300 s window", () => {
      expect(byName(synth(), "kubernetes_horizontal_pod_autoscaler_v2")["api-blue"].spec).toMatchObject({
        scale_target_ref: { api_version: "apps/v1", kind: "Deployment", name: "api-blue" },
        metric: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", average_utilization: 70 } } },
          { type: "Resource", resource: { name: "memory", target: { type: "Utilization", average_utilization: 80 } } },
        ],
        behavior: {
          scale_up: [{ stabilization_window_seconds: 0, policy: [{ type: "Percent", value: 100, period_seconds: 30 }] }],
          scale_down: [{ stabilization_window_seconds: 300, policy: [{ type: "Percent", value: 50 }] }],
        },
      });
    });

    test.each([
      [{}, { min_available: "2" }],
      [{ autoscaling: { minReplicas: 2 }, minAvailable: 1 }, { min_available: "1" }],
      [{ autoscaling: { minReplicas: 1 }, minAvailable: 0 }, { min_available: "0" }],
    ])("PDB with %j: %j, so a drain is never blocked", (overrides, expected) => {
      const pdb = byName(synth(overrides as Partial<BlueGreenServiceProps>), "kubernetes_pod_disruption_budget_v1")["api-green"].spec;
      expect(pdb).toMatchObject({ ...expected, selector: { match_labels: { "app.kubernetes.io/name": "api", "tandem.dev/color": "green" } } });
    });

    test("requests 500m/512Mi, limits 2000m/2Gi, and startup/liveness/readiness probes on the health path", () => {
      const container = podOf(byName(synth({ healthPath: "/healthz" }), "kubernetes_deployment_v1")["api-blue"]).container[0];
      expect(container).toMatchObject({
        resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2000m", memory: "2Gi" } },
        startup_probe: { http_get: { path: "/healthz", port: "8080" } },
        liveness_probe: { http_get: { path: "/healthz", port: "8080" } },
        readiness_probe: { http_get: { path: "/healthz", port: "8080" } },
      });
    });

    test("restricted security context and no Kubernetes API token", () => {
      const pod = podOf(byName(synth(), "kubernetes_deployment_v1")["api-blue"]);
      expect(pod).toMatchObject({ automount_service_account_token: false, security_context: { run_as_non_root: true, seccomp_profile: { type: "RuntimeDefault" } } });
      expect(pod.container[0].security_context).toMatchObject({
        allow_privilege_escalation: false,
        privileged: false,
        read_only_root_filesystem: true,
        capabilities: { drop: ["ALL"] },
        run_as_non_root: true,
      });
    });

    test("a dedicated Kubernetes service account bound to its own Google service account through Workload Identity", () => {
      const json = synth();
      const ksa = resourcesOf(json, "kubernetes_service_account_v1")[0] as Body;
      expect(ksa).toMatchObject({ metadata: { name: "api", namespace: "new-platform" }, automount_service_account_token: false });
      expect(ksa.metadata.annotations!["iam.gke.io/gcp-service-account"]).toMatch(/^\$\{google_service_account\.bg_gsa_\w+\.email\}$/);
      expect(resourcesOf(json, "google_service_account")[0]).toMatchObject({ account_id: "wl-api", project: "p-test" });
      expect(resourcesOf(json, "google_service_account_iam_member")[0]).toMatchObject({ role: "roles/iam.workloadIdentityUser", member: "serviceAccount:p-test.svc.id.goog[new-platform/api]" });
      expect(podOf(byName(json, "kubernetes_deployment_v1")["api-blue"]).service_account_name).toMatch(/^\$\{kubernetes_service_account_v1\.bg_ksa_\w+\.metadata\[0\]\.name\}$/);
    });

    test.each([
      ["api", "wl-api"],
      ["a", "wl-a-svc"],
      ["a-very-long-service-name-for-orders-team", /^wl-a-very-long-service-[0-9a-f]{6}$/],
    ])("Google service account id for %s is valid (6-30 characters)", (name, expected) => {
      const id = stackWith({ name }).bg.googleServiceAccount.accountIdInput ?? "";
      expect(id).toMatch(typeof expected === "string" ? new RegExp(`^${expected}$`) : expected);
      expect(id).toMatch(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
    });

    test("config from a ConfigMap mounted as files, with its hash in the pod template", () => {
      const json = synth({ config: { LOG_LEVEL: "info" } });
      expect(byName(json, "kubernetes_config_map_v1")["api-config"]).toMatchObject({ data: { LOG_LEVEL: "info" } });
      const d = byName(json, "kubernetes_deployment_v1")["api-blue"];
      expect(podOf(d).container[0].volume_mount).toContainEqual({ name: "config", mount_path: "/etc/api", read_only: true });
      const other = byName(synth({ config: { LOG_LEVEL: "debug" } }), "kubernetes_deployment_v1")["api-blue"];
      expect(d.spec.template!.metadata.annotations).not.toEqual(other.spec.template!.metadata.annotations);
    });

    test("secrets are files from Secret Manager through the GKE add-on's CSI driver, never env vars; access to each secret only", () => {
      const { stack, bg } = stackWith({ secrets: { "db-password": "pg-app-password" } });
      const json = JSON.parse(Testing.synth(stack, true)) as TerraformJson;
      const pod = podOf(byName(json, "kubernetes_deployment_v1")["api-blue"]);
      expect(pod.volume).toContainEqual({ name: "secrets", csi: { driver: "secrets-store-gke.csi.k8s.io", read_only: true, volume_attributes: { secretProviderClass: "api-secrets" } } });
      expect(pod.container[0].volume_mount).toContainEqual({ name: "secrets", mount_path: "/var/run/secrets/api", read_only: true });
      expect(JSON.stringify(pod.container[0].env)).not.toMatch(/pg-app-password|secret_key_ref/);
      expect(resourcesOf(json, "google_secret_manager_secret_iam_member")).toEqual([
        expect.objectContaining({ secret_id: "pg-app-password", role: "roles/secretmanager.secretAccessor", member: expect.stringMatching(/google_service_account\.bg_gsa_\w+\.member/) }),
      ]);
      expect(bg.secretProviderClassYaml).toContain('resourceName: "projects/p-test/secrets/pg-app-password/versions/latest"');
      expect(bg.secretProviderClassYaml).toContain("provider: gke");
    });

    test("one secret mounted as two files is granted once", () => {
      const json = synth({ secrets: { password: "pg-app-password", "password.txt": "pg-app-password", "api-key": "stripe-key" } });
      expect(resourcesOf(json, "google_secret_manager_secret_iam_member").map((m) => m.secret_id)).toEqual(["pg-app-password", "stripe-key"]);
    });

    test("extra pod labels reach the pods but never the selectors", () => {
      const d = byName(synth({ podLabels: { "app.kubernetes.io/part-of": "tandem" } }), "kubernetes_deployment_v1")["api-blue"];
      expect(d.spec.template!.metadata.labels).toEqual({ "app.kubernetes.io/part-of": "tandem", "app.kubernetes.io/name": "api", "tandem.dev/color": "blue" });
      expect(d.spec.selector).toEqual({ match_labels: { "app.kubernetes.io/name": "api", "tandem.dev/color": "blue" } });
    });
  });

  describe("network policy", () => {
    const policyOf = (json: TerraformJson) => resourcesOf(json, "kubernetes_network_policy_v1")[0] as { spec: { pod_selector: unknown; ingress?: { from: unknown[] }[]; egress: { to: unknown[]; ports: unknown[] }[] } };

    test("only the router in; only DNS and the listed destinations out; allowFrom() opens it to another workload", () => {
      const { stack, bg } = stackWith({});
      bg.allowFrom({ podLabels: { app: "batch" }, namespaceLabels: { team: "data" } });
      const policy = policyOf(JSON.parse(Testing.synth(stack)) as TerraformJson);
      expect(policy.spec.pod_selector).toEqual({ match_labels: { "app.kubernetes.io/name": "api" } });
      expect(policy.spec.ingress).toEqual([
        {
          from: [{ pod_selector: { match_labels: { "app.kubernetes.io/name": "tandem-router" } } }, { pod_selector: { match_labels: { app: "batch" } }, namespace_selector: { match_labels: { team: "data" } } }],
          ports: [{ port: "8080", protocol: "TCP" }],
        },
      ]);
      expect(policy.spec.egress).toEqual([
        {
          to: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "kube-system" } }, pod_selector: { match_labels: { "k8s-app": "kube-dns" } } }],
          ports: [
            { port: "53", protocol: "UDP" },
            { port: "53", protocol: "TCP" },
          ],
        },
        { to: [{ ip_block: { cidr: "10.30.0.0/20" } }], ports: [{ port: "5432", protocol: "TCP" }] },
      ]);
    });

    test("without peers nothing may connect (no rule without `from`, which would admit everyone)", () => {
      expect(policyOf(synth({ allowFrom: [] })).spec.ingress ?? []).toEqual([]);
    });

    test("allowFrom rejects empty pod labels, which would match every pod", () => {
      expect(() => stackWith({ allowFrom: [{ podLabels: {} }] })).toThrow(/allowFrom got empty podLabels/);
    });
  });

  describe("attributes and namespace", () => {
    test("typed attributes name the Services and selectors", () => {
      const { bg } = stackWith({ activeColor: "green" });
      expect([bg.serviceName, bg.activeServiceName, bg.previewServiceName, bg.servicePort]).toEqual(["api", "api-active", "api-preview", 80]);
      expect(bg.activeSelector).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": "green" });
      expect(bg.previewSelector).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": "blue" });
      expect([bg.activeColor, bg.idleColor]).toEqual(["green", "blue"]);
      expect(Object.keys(bg.deployments).sort()).toEqual(["blue", "green"]);
    });

    test("uses the namespace it is given and creates none by default", () => {
      const json = synth({ namespace: undefined });
      expect(resourcesOf(json, "kubernetes_namespace_v1")).toEqual([]);
      expect(byName(json, "kubernetes_deployment_v1")["api-blue"].metadata).toMatchObject({ namespace: "new-platform" });
    });

    test("createNamespace creates it with the restricted Pod Security Standard and places everything in it", () => {
      const json = synth({ createNamespace: true, namespace: "orders" });
      expect(resourcesOf(json, "kubernetes_namespace_v1")).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ name: "orders", labels: expect.objectContaining({ "pod-security.kubernetes.io/enforce": "restricted" }) }) })]);
      expect(byName(json, "kubernetes_deployment_v1")["api-blue"].metadata).toMatchObject({ namespace: expect.stringMatching(/^\$\{kubernetes_namespace_v1\.bg_namespace_\w+\.metadata\[0\]\.name\}$/) });
    });
  });

  describe("bad input fails synth with a clear message", () => {
    const make = (overrides: Record<string, unknown>) => () => stackWith(overrides as Partial<BlueGreenServiceProps>);
    test.each([
      [{ green: {}, activeColor: "green" }, /test\/bg: invalid props:\n {2}- green\.image = \(missing\): is missing, but green is the active colour/],
      [{ canaryPercent: 120 }, /canaryPercent = 120: must be 0-100/],
      [{ canaryPercent: -5 }, /canaryPercent = -5: must be 0-100/],
      [{ autoscaling: { minReplicas: 5, maxReplicas: 2 } }, /autoscaling\.minReplicas = 5: must be <= maxReplicas \(2\)/],
      [{ minAvailable: 3 }, /minAvailable = 3: must be below autoscaling\.minReplicas \(3\), or the PDB blocks every node drain/],
      [{ activeColor: "red" }, /activeColor = "red": must be one of: blue, green/],
      [{ red: { image: "example/api:2.0.0" } }, /"red" is not a colour; a blue-green service has exactly two colours, blue and green/],
      [{ blue: { image: "example/api:latest" } }, /blue\.image = "example\/api:latest": must pin a release, not :latest; pin a tag/],
      [{ blue: { image: "example/api" } }, /blue\.image = "example\/api": names no tag or digest/],
      [{ blue: { image: "registry.internal:5000/platform/api" } }, /blue\.image = "registry\.internal:5000\/platform\/api": names no tag or digest \(a registry port is not a tag\)/],
      [{ green: {}, canaryPercent: 10, routePath: "/api/v3/" }, /green\.image = \(missing\): is missing, but a canary runs the idle colour \(green\)/],
      [{ canaryPercent: 25 }, /canaryPercent = 25: needs routePath: the migration router carries out the canary \(exact, per request\)/],
      [{ canaryPercent: 5.125, routePath: "/api/v3/" }, /canaryPercent = 5\.125: must have at most two decimals/],
      [{ idle: "cold" }, /idle = "cold": must be one of: warm, full, off/],
      [{ routePath: "/api" }, /routePath = "\/api": must start and end with '\/'/],
      [{ routePath: "/tandem/x/" }, /routePath = "\/tandem\/x\/": is reserved/],
      [{ idleReplicas: 0 }, /"idleReplicas" is not a BlueGreenService prop/],
      [{ name: "Api_v2" }, /name = "Api_v2": must be a lower-case RFC 1035 service name/],
      [{ secrets: { "../etc/passwd": "x" } }, /secrets\.\.\.\/etc\/passwd = "\.\.\/etc\/passwd": file names are plain/],
      [{ containerPort: 0 }, /containerPort = 0: must be a whole number 1-65535/],
      [{ namespace: "New Platform" }, /namespace = "New Platform": must be a lower-case RFC 1035 Kubernetes namespace name/],
    ])("rejects %j", (overrides, message) => {
      expect(make(overrides)).toThrow(message);
    });
  });
});
