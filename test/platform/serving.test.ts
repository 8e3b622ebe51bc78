/**
 * Every serving workload (the migration router, each platform service, each blue-green colour) is protected: an HPA
 * that owns its replica count or a fixed count Terraform keeps, a PDB selecting exactly its pods, spread over zones
 * and nodes, a preStop drain inside its grace period, and probes. Checked on the real staging and production stacks,
 * and on a ParallelPlatform for the fixed-count and single-pod cases.
 */
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Testing, TerraformStack } from "cdktf";
import { environments } from "../../environments";
import { loadEnvironment } from "../../src/config";
import { ParallelPlatform, ParallelPlatformProps, planPlatform } from "../../src/platform";
import { AUTOSCALING_DEFAULTS } from "../../src/scaling";
import { disruptionBudgetSpec } from "../../src/scaling/private/serving";
import { addEnvironmentStacks } from "../../stacks";
import { resourcesOf, TerraformJson } from "../helpers";

type Labels = Record<string, string>;
interface Probe {
  http_get?: { path: string };
  exec?: { command: string[] };
}
interface Container {
  name: string;
  lifecycle?: { pre_stop?: { exec?: { command: string[] } }[] };
  liveness_probe?: Probe;
  readiness_probe?: Probe;
  startup_probe?: Probe;
}
interface Spread {
  topology_key: string;
  when_unsatisfiable: string;
  max_skew: number;
  label_selector: { match_labels: Labels }[];
}
interface Deployment {
  metadata: { name: string };
  lifecycle?: { ignore_changes?: string[] };
  spec: {
    replicas: string;
    selector: { match_labels: Labels };
    template: { metadata: { labels: Labels }; spec: { container: Container[]; termination_grace_period_seconds?: number; topology_spread_constraint?: Spread[] } };
  };
}
interface Hpa {
  metadata: { name: string };
  spec: { min_replicas: number; max_replicas: number; scale_target_ref: { kind: string; name: string }; metric: { resource: { name: string; target: { average_utilization: number } } }[] };
}
interface Pdb {
  metadata: { name: string };
  spec: { min_available?: string; max_unavailable?: string; selector: { match_labels: Labels } };
}

const deploymentsOf = (json: TerraformJson) => resourcesOf(json, "kubernetes_deployment_v1") as unknown as Deployment[];
const hpasOf = (json: TerraformJson) => resourcesOf(json, "kubernetes_horizontal_pod_autoscaler_v2") as unknown as Hpa[];
const pdbsOf = (json: TerraformJson) => resourcesOf(json, "kubernetes_pod_disruption_budget_v1") as unknown as Pdb[];
const matches = (selector: Labels, labels: Labels) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const hpaOf = (json: TerraformJson, d: Deployment) => hpasOf(json).filter((h) => h.spec.scale_target_ref.kind === "Deployment" && h.spec.scale_target_ref.name === d.metadata.name);
/** The PDBs that select any of the Deployment's pods. */
const pdbsSelecting = (json: TerraformJson, d: Deployment) => pdbsOf(json).filter((p) => matches(p.spec.selector.match_labels, d.spec.template.metadata.labels));
const sleepOf = (c: Container) => c.lifecycle?.pre_stop?.[0]?.exec?.command;

/** An environment's stack as committed, or with fields of its `blueGreen.api` changed. */
function environmentStack(env: "staging" | "production", apiOverrides: Readonly<Record<string, unknown>> = {}): TerraformJson {
  const app = Testing.app();
  const committed = environments[env];
  const raw = { ...committed, blueGreen: { ...committed.blueGreen, api: { ...committed.blueGreen?.api, ...apiOverrides } } };
  addEnvironmentStacks(app, [loadEnvironment(env, raw)]);
  const stack = app.node.children.find((c): c is TerraformStack => c instanceof TerraformStack && c.node.id === env);
  if (!stack) throw new Error(`no ${env} stack`);
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}

const stacks = { staging: environmentStack("staging"), production: environmentStack("production") };
const SERVING = ["tandem-router", "tandem-web", "tandem-api-gateway", "tandem-websocket", "api-blue", "api-green"];
const workloads = (["staging", "production"] as const).flatMap((env) => SERVING.map((name) => [env, name] as const));
const deployment = (env: keyof typeof stacks, name: string): Deployment => {
  const d = deploymentsOf(stacks[env]).find((x) => x.metadata.name === name);
  if (!d) throw new Error(`${env}: no Deployment ${name}`);
  return d;
};

describe("serving workloads in staging and production", () => {
  test.each(["staging", "production"] as const)("%s: the serving Deployments are exactly the router, the three services and both colours", (env) => {
    expect(deploymentsOf(stacks[env]).map((d) => d.metadata.name).sort()).toEqual([...SERVING].sort());
  });

  test.each(workloads)("%s %s: one HPA on CPU and memory owns the replica count: spec.replicas starts at its minimum and Terraform ignores it", (env, name) => {
    const d = deployment(env, name);
    const hpa = hpaOf(stacks[env], d);
    expect(hpa).toHaveLength(1);
    expect(hpa[0].spec.metric.map((m) => [m.resource.name, m.resource.target.average_utilization])).toEqual([
      ["cpu", AUTOSCALING_DEFAULTS.cpuPercent],
      ["memory", AUTOSCALING_DEFAULTS.memoryPercent],
    ]);
    expect(d.lifecycle?.ignore_changes).toContain("spec[0].replicas");
    expect(Number(d.spec.replicas)).toBeLessThanOrEqual(hpa[0].spec.max_replicas);
  });

  test.each(workloads)("%s %s: exactly one PDB, selecting exactly its pods (no other Deployment's), and never blocking a drain", (env, name) => {
    const d = deployment(env, name);
    const pdbs = pdbsSelecting(stacks[env], d);
    expect(pdbs).toHaveLength(1);
    expect(pdbs[0].spec.selector.match_labels).toEqual(d.spec.selector.match_labels);
    const others = deploymentsOf(stacks[env]).filter((o) => o !== d);
    expect(others.filter((o) => matches(pdbs[0].spec.selector.match_labels, o.spec.template.metadata.labels)).map((o) => o.metadata.name)).toEqual([]);
    const floor = hpaOf(stacks[env], d)[0]?.spec.min_replicas ?? Number(d.spec.replicas);
    const allowed = pdbs[0].spec.max_unavailable !== undefined ? Number(pdbs[0].spec.max_unavailable) : floor - Number(pdbs[0].spec.min_available);
    expect(allowed).toBeGreaterThanOrEqual(1);
  });

  test.each(workloads)("%s %s: spread over zones and nodes, selecting its own pods, never leaving a pod pending for it", (env, name) => {
    const d = deployment(env, name);
    const spread = d.spec.template.spec.topology_spread_constraint ?? [];
    expect(spread.map((s) => s.topology_key).sort()).toEqual(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
    for (const s of spread) {
      expect(s).toMatchObject({ max_skew: 1, when_unsatisfiable: "ScheduleAnyway" });
      expect(s.label_selector[0].match_labels).toEqual(d.spec.selector.match_labels);
    }
  });

  test.each(workloads)("%s %s: a preStop sleep shorter than the grace period, and probes", (env, name) => {
    const d = deployment(env, name);
    const [c] = d.spec.template.spec.container;
    const command = sleepOf(c);
    expect(command?.[0]).toBe("sleep");
    expect(Number(command?.[1])).toBeGreaterThan(0);
    expect(d.spec.template.spec.termination_grace_period_seconds).toBeGreaterThan(Number(command?.[1]));
    expect(c.readiness_probe?.http_get?.path).toBeDefined();
    expect(c.liveness_probe?.http_get?.path).toBeDefined();
    expect(c.startup_probe?.http_get?.path).toBeDefined();
  });

  test.each([
    ["production", 3, 10],
    ["staging", 2, 4],
  ] as const)("%s: the router and the services autoscale %d-%d", (env, min, max) => {
    for (const name of ["tandem-router", "tandem-web", "tandem-api-gateway", "tandem-websocket"]) {
      const d = deployment(env, name);
      const [hpa] = hpaOf(stacks[env], d);
      expect([name, hpa.spec.min_replicas, hpa.spec.max_replicas, d.spec.replicas]).toEqual([name, min, max, String(min)]);
    }
  });

  test("a colour scaled to 0 stays possible: idle off leaves the idle colour no Deployment, HPA or PDB (nothing to block a drain), the live one protected", () => {
    const off = environmentStack("staging", { idle: "off" });
    expect(deploymentsOf(off).map((d) => d.metadata.name)).not.toContain("api-green");
    expect([...hpasOf(off), ...pdbsOf(off)].map((r) => r.metadata.name).filter((n) => n.startsWith("api-"))).toEqual(["api-blue", "api-blue"]);
  });

  test("the router drains longer than a service (its load balancer's backends update slower than kube-proxy)", () => {
    const router = sleepOf(deployment("production", "tandem-router").spec.template.spec.container[0]);
    const web = sleepOf(deployment("production", "tandem-web").spec.template.spec.container[0]);
    expect([router, web]).toEqual([
      ["sleep", "15"],
      ["sleep", "10"],
    ]);
  });
});

const legacy = { name: "netbox", baseUrl: "https://app.example.com", reservedPorts: { web: 8000 }, upstream: "legacy-origin.example.com:443" };
function platformProps(overrides: Partial<ParallelPlatformProps> = {}): ParallelPlatformProps {
  return {
    name: "tandem",
    legacy,
    services: {
      web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, entry: true },
      api: { image: "example/api:1.0.0", category: "backend", containerPort: 9000, autoscaling: { minReplicas: 2, maxReplicas: 6, cpuPercent: 60 } },
    },
    ports: { strategy: "blocks" },
    router: { domain: "example.com", phase: "path" },
    target: { kind: "kubernetes" },
    ...overrides,
  };
}
function k8s(overrides: Partial<ParallelPlatformProps> = {}): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "staging");
  new KubernetesProvider(stack, "k8s", {});
  new ParallelPlatform(stack, "platform", platformProps(overrides));
  return JSON.parse(Testing.synth(stack, true)) as TerraformJson;
}
const byName = (json: TerraformJson, name: string) => deploymentsOf(json).find((d) => d.metadata.name === name)!;

describe("ParallelPlatform serving workloads on Kubernetes", () => {
  const json = k8s();

  test("a service without autoscaling keeps a fixed count Terraform owns: no HPA, spec.replicas not ignored", () => {
    const web = byName(json, "tandem-web");
    expect(web.spec.replicas).toBe("2");
    expect(hpaOf(json, web)).toEqual([]);
    expect(web.lifecycle?.ignore_changes ?? []).not.toContain("spec[0].replicas");
  });

  test("the router without autoscaling too: 2 fixed pods, no HPA", () => {
    const router = byName(json, "tandem-router");
    expect([router.spec.replicas, hpaOf(json, router), router.lifecycle?.ignore_changes ?? []]).toEqual(["2", [], []]);
  });

  test("an autoscaled service: its HPA with the given bounds and targets, seed 003's where left out; replicas start at the minimum and are ignored", () => {
    const api = byName(json, "tandem-api");
    const [hpa] = hpaOf(json, api);
    expect(hpa.spec).toMatchObject({ min_replicas: 2, max_replicas: 6 });
    expect(hpa.spec.metric.map((m) => m.resource.target.average_utilization)).toEqual([60, AUTOSCALING_DEFAULTS.memoryPercent]);
    expect(api.spec.replicas).toBe("2");
    expect(api.lifecycle?.ignore_changes).toEqual(["spec[0].replicas"]);
  });

  test("autoscaling {} is seed 003: 3-10", () => {
    const out = k8s({ router: { domain: "example.com", phase: "path", autoscaling: {} } });
    const [hpa] = hpaOf(out, byName(out, "tandem-router"));
    expect([hpa.spec.min_replicas, hpa.spec.max_replicas]).toEqual([3, 10]);
  });

  test("every Deployment has a PDB of maxUnavailable 1 selecting exactly its pods", () => {
    for (const d of deploymentsOf(json)) {
      const pdbs = pdbsSelecting(json, d);
      expect([d.metadata.name, pdbs.map((p) => p.spec)]).toEqual([d.metadata.name, [{ max_unavailable: "1", selector: { match_labels: d.spec.selector.match_labels } }]]);
    }
  });

  test("a single-pod service can still be drained: its PDB allows one pod to go (minAvailable 1 would block every drain)", () => {
    const out = k8s({ services: { web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, entry: true, replicas: 1 } } });
    const [pdb] = pdbsSelecting(out, byName(out, "tandem-web"));
    expect(pdb.spec).toMatchObject({ max_unavailable: "1" });
    expect(pdb.spec.min_available).toBeUndefined();
  });

  test("preStopSleepSeconds sets a service's drain and its grace period follows; 0 turns the drain off", () => {
    const out = k8s({
      services: {
        web: { image: "example/web:1.0.0", category: "frontend", containerPort: 8080, entry: true, preStopSleepSeconds: 25 },
        api: { image: "example/api:1.0.0", category: "backend", containerPort: 9000, preStopSleepSeconds: 0 },
      },
    });
    const web = byName(out, "tandem-web").spec.template.spec;
    const api = byName(out, "tandem-api").spec.template.spec;
    expect([sleepOf(web.container[0]), web.termination_grace_period_seconds]).toEqual([["sleep", "25"], 55]);
    expect([sleepOf(api.container[0]), api.termination_grace_period_seconds]).toEqual([undefined, 30]);
  });
});

describe("disruptionBudgetSpec", () => {
  test.each([
    [3, undefined, { max_unavailable: "1" }],
    [1, undefined, { max_unavailable: "1" }],
    [3, 2, { min_available: "2" }],
    [2, 2, { max_unavailable: "1" }],
    [1, 1, { max_unavailable: "1" }],
  ])("floor %d, minAvailable %s: %j", (floor, minAvailable, expected) => {
    const spec = disruptionBudgetSpec({ app: "x" }, floor, minAvailable);
    const got = spec.minAvailable !== undefined ? { min_available: spec.minAvailable } : { max_unavailable: spec.maxUnavailable };
    expect(got).toEqual(expected);
  });
});

describe("scaling rules", () => {
  const problems = (overrides: Partial<ParallelPlatformProps>) => planPlatform(platformProps(overrides)).problems.map((p) => `${p.severity ?? "error"} ${p.path.join(".")} = ${JSON.stringify(p.value)}: ${p.rule}`);

  test("replicas and autoscaling together are refused: an HPA owns the count", () => {
    expect(problems({ router: { domain: "example.com", phase: "path", replicas: 3, autoscaling: {} } })).toEqual([expect.stringMatching(/^error router\.replicas = 3: is set together with autoscaling/)]);
  });

  test.each([
    [{ minReplicas: 0 }, /^error services\.api\.autoscaling\.minReplicas = 0: must be a whole number 1-100/],
    [{ minReplicas: 5, maxReplicas: 4 }, /^error services\.api\.autoscaling\.minReplicas = 5: must be <= maxReplicas \(4\)/],
    [{ cpuPercent: 120 }, /^error services\.api\.autoscaling\.cpuPercent = 120: must be a whole number 1-100/],
    [{ memoryPercent: 0 }, /^error services\.api\.autoscaling\.memoryPercent = 0: must be a whole number 1-100/],
  ])("services.api.autoscaling %j is refused", (autoscaling, expected) => {
    const services = { ...platformProps().services, api: { ...platformProps().services.api, autoscaling } };
    expect(problems({ services })).toEqual([expect.stringMatching(expected)]);
  });

  test("a one-pod router is an error on Kubernetes (everything, legacy too, goes through it), fine on Docker", () => {
    expect(problems({ router: { domain: "example.com", phase: "path", replicas: 1 } })).toEqual([expect.stringMatching(/^error router\.replicas = 1: runs the migration router .* as a single pod/)]);
    expect(problems({ router: { domain: "example.com", phase: "path", autoscaling: { minReplicas: 1 } } })).toEqual([expect.stringMatching(/^error router\.autoscaling\.minReplicas = 1: runs the migration router/)]);
    expect(problems({ router: { domain: "example.com", phase: "path", replicas: 1 }, target: { kind: "docker" }, legacy: { ...legacy, dockerNetwork: "legacy" } }).filter((p) => p.includes("single pod"))).toEqual([]);
  });

  test("a one-pod service is a warning on Kubernetes", () => {
    const services = { ...platformProps().services, web: { ...platformProps().services.web, replicas: 1 } };
    expect(problems({ services })).toEqual([expect.stringMatching(/^warning services\.web\.replicas = 1: runs service "web" as a single pod/)]);
  });

  test("a drain of more than 120 seconds is refused", () => {
    const services = { ...platformProps().services, web: { ...platformProps().services.web, preStopSleepSeconds: 300 } };
    expect(problems({ services })).toEqual([expect.stringMatching(/^error services\.web\.preStopSleepSeconds = 300: must be a whole number 0-120/)]);
  });
});
