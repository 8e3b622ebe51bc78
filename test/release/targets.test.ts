/**
 * The targets of each release step, from the synthesized staging stack before and after it: exactly the objects the
 * step needs, every other resource byte-identical; the first apply carries what the traffic waits for.
 */
import { TerraformStack, Testing } from "cdktf";
import { environments } from "../../environments";
import { releaseTargets, StackJson } from "../../scripts/lib/release/targets";
import { loadEnvironment } from "../../src/config";
import { addEnvironmentStacks } from "../../stacks";

type Release = { activeColor: "blue" | "green"; canaryPercent: number; idle: "warm" | "full" | "off" };

/** The staging stack at a release state, with cdktf's metadata (construct paths) as a deploy writes it. */
const synthesized = new Map<string, StackJson>();
function staging(state: Release): StackJson {
  const key = JSON.stringify(state);
  if (!synthesized.has(key)) synthesized.set(key, synthesize(state));
  return structuredClone(synthesized.get(key)!);
}
function synthesize(state: Release): StackJson {
  const raw = structuredClone(environments.staging);
  const app = Testing.app();
  addEnvironmentStacks(app, [loadEnvironment("staging", { ...raw, blueGreen: { api: { ...raw.blueGreen.api, ...state } } })]);
  return (app.node.findChild("staging") as TerraformStack).toTerraform() as StackJson;
}

/** `type/construct-path` of each address, for reading. */
const named = (json: StackJson, addresses: readonly string[]) =>
  addresses
    .map((a) => {
      const [type, id] = [a.slice(0, a.indexOf(".")), a.slice(a.indexOf(".") + 1)];
      return `${type} ${((json.resource![type][id]["//"] as { metadata: { path: string } }).metadata.path).replace(/^staging\//, "")}`;
    })
    .sort();

const live: Release = { activeColor: "blue", canaryPercent: 0, idle: "warm" };
const promoted: Release = { activeColor: "green", canaryPercent: 0, idle: "full" };

describe("release targets (staging)", () => {
  test("rollback after a promotion: the router's config and rollout, the three selectors and both HPA floors; nothing else", () => {
    const before = staging(promoted);
    const after = staging({ ...promoted, activeColor: "blue" });
    const t = releaseTargets(before, after);
    expect(named(after, t.all)).toEqual([
      "kubernetes_config_map_v1 platform/k8s/router-config",
      "kubernetes_deployment_v1 platform/k8s/router",
      "kubernetes_horizontal_pod_autoscaler_v2 bg-api/hpa-blue",
      "kubernetes_horizontal_pod_autoscaler_v2 bg-api/hpa-green",
      "kubernetes_service_v1 bg-api/active",
      "kubernetes_service_v1 bg-api/preview",
      "kubernetes_service_v1 bg-api/service",
    ]);
    // Every other resource is byte-identical (metadata included): nothing but the targets can change.
    const total = Object.values(after.resource!).reduce((n, byId) => n + Object.keys(byId).length, 0);
    expect(t.unchanged).toBe(total - t.all.length);
    expect([t.orderingOnly, t.untargetable]).toEqual([[], []]);
    // Before the traffic moves: blue's floor (it becomes live; the router's config waits for it).
    expect(named(after, t.first)).toEqual(["kubernetes_horizontal_pod_autoscaler_v2 bg-api/hpa-blue"]);
    const cm = t.changes.find((c) => c.address.startsWith("kubernetes_config_map_v1."))!;
    expect(cm.leaves.map((l) => l.path)).toEqual(['data["nginx.conf"]']);
    expect(cm.leaves[0].lines).toEqual(expect.arrayContaining(['-      set $tandem_upstream "api-green.new-platform.svc.cluster.local:80";', '+      set $tandem_upstream "api-blue.new-platform.svc.cluster.local:80";']));
  });

  test.each([
    // step, before, after, targets
    ["canary 5", live, { ...live, canaryPercent: 5 }, ["kubernetes_config_map_v1 platform/k8s/router-config", "kubernetes_deployment_v1 platform/k8s/router"], []],
    ["canary 25 -> 50", { ...live, canaryPercent: 25 }, { ...live, canaryPercent: 50 }, ["kubernetes_config_map_v1 platform/k8s/router-config", "kubernetes_deployment_v1 platform/k8s/router", "kubernetes_horizontal_pod_autoscaler_v2 bg-api/hpa-green"], ["kubernetes_horizontal_pod_autoscaler_v2 bg-api/hpa-green"]],
    [
      "canary 50 -> 100",
      { ...live, canaryPercent: 50 },
      { ...live, canaryPercent: 100 },
      ["kubernetes_config_map_v1 platform/k8s/router-config", "kubernetes_deployment_v1 platform/k8s/router", "kubernetes_horizontal_pod_autoscaler_v2 bg-api/hpa-blue", "kubernetes_horizontal_pod_autoscaler_v2 bg-api/hpa-green"],
      ["kubernetes_horizontal_pod_autoscaler_v2 bg-api/hpa-green"],
    ],
    // After canary 100 the router already sends everything to green: the promotion moves names and a floor only.
    ["promote", { ...live, canaryPercent: 100 }, promoted, ["kubernetes_horizontal_pod_autoscaler_v2 bg-api/hpa-green", "kubernetes_service_v1 bg-api/active", "kubernetes_service_v1 bg-api/preview", "kubernetes_service_v1 bg-api/service"], []],
    ["finish", promoted, { ...promoted, idle: "warm" }, ["kubernetes_horizontal_pod_autoscaler_v2 bg-api/hpa-blue"], []],
    // The preview Service only stops waiting for blue's Deployment (ordering, no change): no target.
    ["finish --off", promoted, { ...promoted, idle: "off" }, ["kubernetes_deployment_v1 bg-api/blue", "kubernetes_horizontal_pod_autoscaler_v2 bg-api/hpa-blue", "kubernetes_pod_disruption_budget_v1 bg-api/pdb-blue"], []],
  ] as [string, Release, Release, string[], string[]][])("%s: exactly %j", (_step, from, to, expected, first) => {
    const before = staging(from);
    const after = staging(to);
    const t = releaseTargets(before, after);
    const json = t.changes.some((c) => c.action === "delete") ? { resource: { ...before.resource, ...Object.fromEntries(Object.entries(after.resource!).map(([k, v]) => [k, { ...before.resource![k], ...v }])) } } : after;
    expect(named(json, t.all)).toEqual(expected);
    expect(named(json, t.first)).toEqual(first);
    expect(t.untargetable).toEqual([]);
  });

  test("a change outside resources (an output) is untargetable; an ignored attribute alone is no target", () => {
    const before = staging(live);
    const after = structuredClone(before) as StackJson & { output: Record<string, unknown> };
    after.output = { ...(before.output as Record<string, unknown>), extra: { value: "x" } };
    const [id] = Object.keys(after.resource!.kubernetes_deployment_v1).filter((k) => k.includes("bg-api_blue"));
    (after.resource!.kubernetes_deployment_v1[id].spec as { replicas: string }).replicas = "7";
    const t = releaseTargets(before, after);
    expect(t.untargetable).toEqual(["output"]);
    expect(t.all).toEqual([]);
    expect(t.orderingOnly).toEqual([`kubernetes_deployment_v1.${id}`]);
  });
});
