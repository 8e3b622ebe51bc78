import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
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

function synth(overrides: Partial<BlueGreenServiceProps> = {}): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "test");
  new KubernetesProvider(stack, "k8s", {});
  new GoogleProvider(stack, "google", { project: "p-test" });
  new BlueGreenService(stack, "bg", { ...base, ...overrides });
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

type Obj = Record<string, unknown> & { metadata: { name: string }; spec: Record<string, unknown> & { selector?: unknown; replicas?: string } };
const byName = (json: TerraformJson, type: string) => Object.fromEntries((resourcesOf(json, type) as Obj[]).map((r) => [r.metadata.name, r]));

describe("BlueGreenService", () => {
  test("two Deployments with their own images", () => {
    const d = byName(synth(), "kubernetes_deployment_v1");
    expect(Object.keys(d).sort()).toEqual(["api-blue", "api-green"]);
    expect(JSON.stringify(d["api-blue"])).toContain("example/api:1.4.0");
    expect(JSON.stringify(d["api-green"])).toContain("example/api:1.5.0");
  });

  test.each([
    ["blue", "green"],
    ["green", "blue"],
  ] as const)("%s active: active and the shared Service select %s, preview selects the idle one", (active, idle) => {
    const s = byName(synth({ activeColor: active }), "kubernetes_service_v1");
    expect(s["api-active"].spec.selector).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": active });
    expect(s.api.spec.selector).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": active });
    expect(s["api-preview"].spec.selector).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": idle });
  });

  test("canary 25 %: the shared Service selects both colours, replicas in a 1:3 ratio of 10, HPAs pinned", () => {
    const json = synth({ canaryPercent: 25 });
    expect(byName(json, "kubernetes_service_v1").api.spec.selector).toEqual({ "app.kubernetes.io/name": "api" });
    const d = byName(json, "kubernetes_deployment_v1");
    expect([d["api-blue"].spec.replicas, d["api-green"].spec.replicas]).toEqual(["7", "3"]);
    const hpa = byName(json, "kubernetes_horizontal_pod_autoscaler_v2");
    expect(hpa["api-green"].spec).toMatchObject({ min_replicas: 3, max_replicas: 3 });
    expect(hpa["api-blue"].spec).toMatchObject({ min_replicas: 7, max_replicas: 7 });
  });

  test("rollback is the same change back: the synth equals the original", () => {
    expect(synth({ activeColor: "blue" })).toEqual(synth({ activeColor: "blue" }));
    const promoted = synth({ activeColor: "green" });
    expect(synth({ activeColor: "blue" })).not.toEqual(promoted);
  });

  test("promotion changes only Service selectors, replica counts and HPA bounds, never the Deployment that becomes live", () => {
    const before = synth({ activeColor: "blue", idleReplicas: 1 });
    const after = synth({ activeColor: "green", idleReplicas: 1 });
    const changed: string[] = [];
    for (const type of Object.keys(after.resource ?? {})) {
      for (const [id, body] of Object.entries(after.resource![type])) {
        const old = before.resource?.[type]?.[id];
        if (JSON.stringify(old) !== JSON.stringify(body)) changed.push(`${type}.${(body as Obj).metadata?.name ?? id}`);
      }
    }
    expect(changed.sort()).toEqual([
      "kubernetes_deployment_v1.api-blue",
      "kubernetes_deployment_v1.api-green",
      "kubernetes_horizontal_pod_autoscaler_v2.api-blue",
      "kubernetes_horizontal_pod_autoscaler_v2.api-green",
      "kubernetes_pod_disruption_budget_v1.api-blue",
      "kubernetes_pod_disruption_budget_v1.api-green",
      "kubernetes_service_v1.api",
      "kubernetes_service_v1.api-active",
      "kubernetes_service_v1.api-preview",
    ]);
    // The Deployments differ only in replicas: the pod template (image, env, probes) is untouched.
    const d0 = byName(before, "kubernetes_deployment_v1");
    const d1 = byName(after, "kubernetes_deployment_v1");
    for (const name of ["api-blue", "api-green"]) {
      expect({ ...d1[name].spec, replicas: "x" }).toEqual({ ...d0[name].spec, replicas: "x" });
    }
    expect([d0["api-green"].spec.replicas, d1["api-green"].spec.replicas]).toEqual(["1", "3"]);
  });

  test("with the idle colour kept warm, promotion does not touch either Deployment", () => {
    const d0 = byName(synth({ activeColor: "blue" }), "kubernetes_deployment_v1");
    const d1 = byName(synth({ activeColor: "green" }), "kubernetes_deployment_v1");
    expect(d1).toEqual(d0);
  });

  test("per colour: HPA 3-10 on CPU 70 % and memory 80 %, scale up 100 %/30 s, scale down 50 % after 300 s", () => {
    const hpa = byName(synth(), "kubernetes_horizontal_pod_autoscaler_v2")["api-blue"];
    expect(hpa.spec).toMatchObject({
      min_replicas: 3,
      max_replicas: 10,
      metric: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", average_utilization: 70 } } },
        { type: "Resource", resource: { name: "memory", target: { type: "Utilization", average_utilization: 80 } } },
      ],
      behavior: {
        scale_up: [{ policy: [{ type: "Percent", value: 100, period_seconds: 30 }] }],
        scale_down: [{ stabilization_window_seconds: 300, policy: [{ type: "Percent", value: 50 }] }],
      },
    });
  });

  test("PDB keeps 2 available; requests 500m/512Mi, limits 2000m/2Gi; three probes on the health path", () => {
    const json = synth();
    expect(byName(json, "kubernetes_pod_disruption_budget_v1")["api-blue"].spec).toMatchObject({ min_available: "2" });
    const pod = (byName(json, "kubernetes_deployment_v1")["api-blue"].spec as { template: { spec: { container: Record<string, unknown>[] } } }).template.spec;
    expect(pod.container[0]).toMatchObject({
      image_pull_policy: "Always",
      resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2000m", memory: "2Gi" } },
      liveness_probe: { http_get: { path: "/health", port: "8080" } },
      readiness_probe: { http_get: { path: "/health" } },
      startup_probe: { http_get: { path: "/health" } },
    });
  });

  test("restricted security context, no service account token, dedicated KSA bound to a GSA through Workload Identity", () => {
    const json = synth();
    const pod = (byName(json, "kubernetes_deployment_v1")["api-blue"].spec as { template: { spec: Record<string, unknown> & { container: Record<string, unknown>[] } } }).template.spec;
    expect(pod).toMatchObject({ automount_service_account_token: false, service_account_name: "api", security_context: { run_as_non_root: true, seccomp_profile: { type: "RuntimeDefault" } } });
    expect(pod.container[0].security_context).toMatchObject({ allow_privilege_escalation: false, read_only_root_filesystem: true, capabilities: { drop: ["ALL"] }, run_as_non_root: true });
    const ksa = resourcesOf(json, "kubernetes_service_account_v1")[0] as Obj;
    expect((ksa.metadata as unknown as { annotations: Record<string, string> }).annotations["iam.gke.io/gcp-service-account"]).toMatch(/google_service_account\.bg_gsa_\w+\.email/);
    expect(resourcesOf(json, "google_service_account_iam_member")[0]).toMatchObject({ role: "roles/iam.workloadIdentityUser", member: "serviceAccount:p-test.svc.id.goog[new-platform/api]" });
  });

  test("config from a ConfigMap; secrets as files through the Secret Manager CSI driver, with access to each secret only", () => {
    const json = synth({ config: { LOG_LEVEL: "info" }, secrets: { "db-password": "pg-app-password" } });
    expect(byName(json, "kubernetes_config_map_v1")["api-config"]).toMatchObject({ data: { LOG_LEVEL: "info" } });
    const pod = JSON.stringify(byName(json, "kubernetes_deployment_v1")["api-blue"]);
    expect(pod).toContain('"driver":"secrets-store-gke.csi.k8s.io"');
    expect(pod).not.toMatch(/pg-app-password.*value_from|secret_key_ref/);
    expect(resourcesOf(json, "google_secret_manager_secret_iam_member")).toEqual([expect.objectContaining({ secret_id: "pg-app-password", role: "roles/secretmanager.secretAccessor" })]);
  });

  test("network policy: only the router in; only DNS and the listed CIDRs out; allowFrom opens it further", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    new KubernetesProvider(stack, "k8s", {});
    const bg = new BlueGreenService(stack, "bg", base);
    bg.allowFrom({ podLabels: { app: "batch" }, namespaceLabels: { team: "data" } });
    const policy = resourcesOf(JSON.parse(Testing.synth(stack)) as TerraformJson, "kubernetes_network_policy_v1")[0] as { spec: { ingress: { from: unknown[] }[]; egress: { to: unknown[] }[] } };
    expect(policy.spec.ingress[0].from).toEqual([
      { pod_selector: { match_labels: { "app.kubernetes.io/name": "tandem-router" } } },
      { pod_selector: { match_labels: { app: "batch" } }, namespace_selector: { match_labels: { team: "data" } } },
    ]);
    expect(JSON.stringify(policy.spec.egress)).toContain("kube-dns");
    expect(JSON.stringify(policy.spec.egress)).toContain('"cidr":"10.30.0.0/20"');
    expect(policy.spec.egress).toHaveLength(2);
  });

  test("typed attributes name the services and selectors", () => {
    const bg = new BlueGreenService(new TerraformStack(Testing.app(), "t"), "bg", { ...base, activeColor: "green" });
    expect([bg.serviceName, bg.activeServiceName, bg.previewServiceName]).toEqual(["api", "api-active", "api-preview"]);
    expect(bg.activeSelector).toEqual({ "app.kubernetes.io/name": "api", "tandem.dev/color": "green" });
  });

  const make = (overrides: Record<string, unknown>) => () => new BlueGreenService(new TerraformStack(Testing.app(), "t"), "bg", { ...base, ...overrides } as BlueGreenServiceProps);
  test.each([
    [{ green: {}, activeColor: "green" }, /green\.image is missing, but green is the active colour/],
    [{ canaryPercent: 120 }, /canaryPercent is 120; it must be 0-100/],
    [{ autoscaling: { minReplicas: 5, maxReplicas: 2 } }, /autoscaling\.minReplicas is 5 and maxReplicas 2/],
    [{ minAvailable: 3 }, /minAvailable is 3 with autoscaling\.minReplicas 3; a PDB that keeps every pod blocks every node drain/],
    [{ activeColor: "red" }, /activeColor is "red"; it must be "blue" or "green"/],
    [{ blue: { image: "example/api:latest" } }, /blue\.image is "example\/api:latest"; pin a tag or digest/],
    [{ green: {}, canaryPercent: 10 }, /canaryPercent is 10 but green\.image is missing/],
  ])("rejects %j", (overrides, message) => {
    expect(make(overrides)).toThrow(message);
  });
});
