import { changesResources, ctyType, PLANTED, ProviderSchemas, stateFromPlan } from "../../scripts/terraform/lib/state-from-plan";

const schemas: ProviderSchemas = {
  provider_schemas: {
    "registry.terraform.io/hashicorp/google": {
      resource_schemas: {
        google_redis_instance: { version: 0, block: { attributes: { id: { type: "string" }, name: { type: "string" }, auth_string: { type: "string", sensitive: true }, port: { type: "number" } } } },
        google_compute_network: { version: 0, block: { attributes: { id: { type: "string" }, name: { type: "string" }, project: { type: "string" } } } },
      },
    },
  },
};
const resource = (type: string, name: string, values: Record<string, unknown>) => ({ address: `${type}.${name}`, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/google", values });
const create = {
  terraform_version: "1.11.4",
  planned_values: { root_module: { resources: [resource("google_redis_instance", "r", { name: "cache" }), resource("google_compute_network", "n", { name: "vpc", project: "p" })] }, outputs: { host: { value: "h" } } },
  resource_changes: [
    { address: "google_redis_instance.r", mode: "managed", change: { actions: ["create"], after_unknown: { id: true, auth_string: true, port: true }, after_sensitive: { auth_string: true } } },
    { address: "google_compute_network.n", mode: "managed", change: { actions: ["create"], after_unknown: { id: true } } },
  ],
};

describe("a state from a create plan", () => {
  const state = stateFromPlan(create, schemas);
  const attrs = (i: number) => state.resources[i].instances[0].attributes;

  test("unknowns get placeholders: provider formats for ids, planted secrets for sensitive attributes", () => {
    expect(attrs(1).id).toBe("projects/p/global/networks/vpc");
    expect(String(attrs(0).auth_string)).toContain(PLANTED);
    expect(attrs(0).port).toBe(1);
    expect(state.resources[0].instances[0].sensitive_attributes).toEqual([[{ type: "get_attr", value: "auth_string" }]]);
    expect(state.outputs).toEqual({ host: { value: "h", type: "string" } });
  });

  test("later plans merge their known values and keep the state's where unknown", () => {
    const next = { ...create, planned_values: { ...create.planned_values, root_module: { resources: [resource("google_redis_instance", "r", { name: "cache2" })] } }, resource_changes: [{ address: "google_redis_instance.r", mode: "managed", change: { actions: ["update"], after_unknown: { auth_string: true } } }] };
    const merged = stateFromPlan(next, schemas, state);
    expect(merged.resources[0].instances[0].attributes).toMatchObject({ name: "cache2", auth_string: attrs(0).auth_string, id: attrs(0).id });
    expect(changesResources(next)).toBe(true);
    expect(changesResources({ ...next, resource_changes: [{ address: "x", mode: "managed", change: { actions: ["no-op"] } }] })).toBe(false);
  });

  test("a map entry holding a planted secret (a Kubernetes Secret's data from auth_string) is marked, next to the schema's mark on the map", () => {
    const k8s: ProviderSchemas = { provider_schemas: { "registry.terraform.io/hashicorp/kubernetes": { resource_schemas: { kubernetes_secret_v1: { version: 0, block: { attributes: { data: { type: ["map", "string"], sensitive: true } } } } } } } };
    const secret = { address: "kubernetes_secret_v1.s", mode: "managed", type: "kubernetes_secret_v1", name: "s", provider_name: "registry.terraform.io/hashicorp/kubernetes", values: { data: { REDIS_AUTH: `${PLANTED}-auth`, PLAIN: "x" } } };
    const plan = { terraform_version: "1.11.4", planned_values: { root_module: { resources: [secret] } }, resource_changes: [{ address: "kubernetes_secret_v1.s", mode: "managed", change: { actions: ["update"], after_sensitive: { data: true } } }] };
    expect(stateFromPlan(plan, k8s).resources[0].instances[0].sensitive_attributes).toEqual([
      [{ type: "get_attr", value: "data" }],
      [{ type: "get_attr", value: "data" }, { type: "index", value: { value: "REDIS_AUTH", type: "string" } }],
    ]);
  });

  test("Memorystore's server CA list, which workloads index ([0].cert), gets one element", () => {
    const withCa: ProviderSchemas = { provider_schemas: { "registry.terraform.io/hashicorp/google": { resource_schemas: { google_redis_instance: { version: 0, block: { attributes: { server_ca_certs: { type: ["list", ["object", { cert: "string" }]] }, other: { type: ["list", "string"] } } } } } } } };
    const plan = { terraform_version: "1.11.4", planned_values: { root_module: { resources: [resource("google_redis_instance", "r", {})] } }, resource_changes: [{ address: "google_redis_instance.r", mode: "managed", change: { actions: ["create"], after_unknown: { server_ca_certs: true, other: true } } }] };
    const a = stateFromPlan(plan, withCa).resources[0].instances[0].attributes;
    expect(a.server_ca_certs).toEqual([{ cert: "tp-google_redis_instance-server_ca_certs-0-cert" }]);
    expect(a.other).toEqual([]);
  });

  test("output types", () => {
    expect(ctyType({ a: [1, "x"] })).toEqual(["object", { a: ["tuple", ["number", "string"]] }]);
  });
});
