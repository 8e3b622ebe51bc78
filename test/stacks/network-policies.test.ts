/**
 * Every NetworkPolicy of the synthesized staging and production stacks, evaluated (test/helpers/network-policy.ts):
 * each workload may reach what its environment says it uses (`connections`), on exactly those ports, and nothing
 * else: the default deny holds for undeclared pod-to-pod and pod-to-internet flows.
 *
 * The database's private IP and the cache's addresses are known only at apply time: in the JSON they are Terraform
 * references (`${google_sql_database_instance.<id>.private_ip_address}/32`). Before evaluating, each reference is
 * replaced by a fixture address inside the environment's private-service range. So this proves that the policies
 * allow exactly the instance's address (whatever Terraform assigns: a /32 of that reference, not the range) on
 * exactly its ports; it does not prove what address Google assigns. A reference left in an ipBlock would make the
 * evaluator throw, so no policy can hide behind one.
 */
import { TerraformStack, Testing } from "cdktf";
import { environments } from "../../environments";
import { ConnectionTarget, GcpEnvironmentConfig, loadEnvironment } from "../../src/config";
import { PRIVATE_GOOGLE_APIS_CIDR } from "../../src/network";
import { addEnvironmentStacks } from "../../stacks";
import { TerraformJson } from "../helpers";
import { fromStack, Pod } from "../helpers/network-policy";

/** The n-th address of a CIDR (`10.30.0.0/20`, 3 -> `10.30.0.3`). */
function addressIn(cidr: string, n: number): string {
  const [base] = cidr.split("/");
  const x = base.split(".").reduce((a, p) => a * 256 + Number(p), 0) + n;
  return [24, 16, 8, 0].map((s) => Math.floor(x / 2 ** s) % 256).join(".");
}

const KUBE_DNS: Pod = { name: "kube-dns", labels: { "k8s-app": "kube-dns" }, namespace: "kube-system", namespaceLabels: { "kubernetes.io/metadata.name": "kube-system" } };
const METADATA = [
  { ip: "169.254.169.254", port: 80 },
  { ip: "169.254.169.252", port: 988 },
];
const GOOGLE_APIS = addressIn(PRIVATE_GOOGLE_APIS_CIDR, 2);

describe.each(["staging", "production"] as const)("%s: every workload's NetworkPolicy", (env) => {
  const config = loadEnvironment(env, environments[env]) as GcpEnvironmentConfig;
  const app = Testing.app();
  addEnvironmentStacks(app, [config]);
  const raw = Testing.synth(app.node.findChild(env) as TerraformStack);

  const ranges = config.network.privateServiceRanges;
  const DB = addressIn(ranges.sql, 3);
  const CACHE = addressIn(ranges.redis, 4);
  const CACHE_READ = addressIn(ranges.redis, 5);
  const resolved = raw
    .replace(/\$\{google_sql_database_instance\.[\w-]+\.private_ip_address\}/g, DB)
    .replace(/\$\{google_redis_instance\.[\w-]+\.host\}/g, CACHE)
    .replace(/\$\{google_redis_instance\.[\w-]+\.read_endpoint\}/g, CACHE_READ);
  const { policies, pods } = fromStack(JSON.parse(resolved) as TerraformJson);

  // Every workload of the environment, with what its config says it uses.
  const platformName = config.platform.name;
  const workloads: Record<string, readonly ConnectionTarget[]> = {
    [`${platformName}-router`]: [],
    ...Object.fromEntries(Object.keys(config.platform.services).map((s) => [`${platformName}-${s}`, config.connections?.platform?.[s] ?? []])),
    ...Object.fromEntries(Object.keys(config.blueGreen ?? {}).flatMap((b) => ["blue", "green"].map((c) => [`${b}-${c}`, config.connections?.blueGreen?.[b] ?? []]))),
  };
  const names = Object.keys(workloads);
  const LEGACY_PORT = Number(/:(\d+)$/.exec(config.legacy.upstream ?? "")?.[1] ?? (config.legacy.baseUrl.startsWith("https:") ? 443 : 80));
  /** The router and the bridge services reach legacy (their declared connection to it). */
  const legacyBridge = (name: string) => name === `${platformName}-router` || Object.entries(config.platform.services).some(([s, spec]) => `${platformName}-${s}` === name && spec.bridgeToLegacy === true);
  const out = (from: string, ip: string, port: number, protocol: "TCP" | "UDP" = "TCP") => policies.allows({ from: pods[from], to: { ip }, port, protocol });
  const toPod = (from: string, to: string, port: number) => policies.allows({ from: pods[from], to: { pod: pods[to] }, port });
  /** The flows of one workload to one destination, as [port, allowed], to compare with what is declared. */
  const ports = (from: string, ip: string, candidates: readonly number[]) => candidates.map((p) => [p, out(from, ip, p)]);

  test("the test covers every Deployment of the stack (platform services, router, each blue-green colour), and each is isolated", () => {
    expect(Object.keys(pods).sort()).toEqual([...names].sort());
    for (const n of names) expect({ n, out: out(n, "10.99.99.99", 12345) }).toEqual({ n, out: false });
  });

  test("at least one workload uses each of the database, the cache and a Google identity (else this test proves little)", () => {
    const used = new Set(Object.values(workloads).flat());
    expect(used.has("database") && used.has("cache")).toBe(true);
  });

  describe.each(names)("%s", (name) => {
    const uses = workloads[name];
    const database = uses.includes("database");
    const cache = uses.includes("cache");
    // Cloud SQL's connector and Google APIs use the workload's Google identity (its token from the metadata server).
    const google = database || uses.includes("googleApis");

    test(`the database's address: ${database ? "3307 only (client certificates: the connector)" : "nothing"}`, () => {
      expect(ports(name, DB, [3307, 5432, 443, 3306])).toEqual([
        [3307, database],
        [5432, false],
        [443, false],
        [3306, false],
      ]);
      // The instance's own address, not its range.
      expect(out(name, addressIn(ranges.sql, 9), 3307)).toBe(false);
    });

    test(`the cache: ${cache ? "6378 (TLS) on its endpoints only" : "nothing"}`, () => {
      expect(ports(name, CACHE, [6378, 6379, 443])).toEqual([
        [6378, cache],
        [6379, false],
        [443, false],
      ]);
      const readReplicas = (config.cache.readReplicas ?? 0) > 0;
      expect(out(name, CACHE_READ, 6378)).toBe(cache && readReplicas);
      expect(out(name, addressIn(ranges.redis, 9), 6378)).toBe(false);
    });

    test(`the metadata server and Google APIs: ${google ? "allowed (a Google identity)" : "denied (no Google identity)"}`, () => {
      for (const m of METADATA) expect({ ...m, allowed: out(name, m.ip, m.port) }).toEqual({ ...m, allowed: google });
      expect(out(name, "169.254.169.254", 8080)).toBe(false);
      // A legacy bridge reaches any internet address on legacy's port (443), private.googleapis.com too: without a
      // token from the metadata server that is only the internet.
      const legacy = legacyBridge(name);
      expect(out(name, GOOGLE_APIS, 443)).toBe(google || (legacy && LEGACY_PORT === 443));
      expect(out(name, GOOGLE_APIS, 80)).toBe(false);
    });

    test("DNS: kube-dns on 53, UDP and TCP", () => {
      expect(policies.allows({ from: pods[name], to: { pod: KUBE_DNS }, port: 53, protocol: "UDP" })).toBe(true);
      expect(policies.allows({ from: pods[name], to: { pod: KUBE_DNS }, port: 53, protocol: "TCP" })).toBe(true);
      expect(policies.allows({ from: pods[name], to: { pod: KUBE_DNS }, port: 8080 })).toBe(false);
    });

    test("the internet: denied, except the legacy origin's port for the router and the bridge services", () => {
      const legacy = legacyBridge(name);
      // Legacy is a host name resolved at run time, so its egress is its port to any internet address (target.legacyCidrs
      // narrows it); never the VPC's private ranges or the metadata server on that port.
      expect(out(name, "8.8.8.8", LEGACY_PORT)).toBe(legacy);
      expect(out(name, DB, LEGACY_PORT)).toBe(false);
      expect(out(name, CACHE, LEGACY_PORT)).toBe(false);
      expect(out(name, "169.254.169.254", LEGACY_PORT)).toBe(false);
      expect(out(name, "8.8.8.8", 443)).toBe(legacy && LEGACY_PORT === 443);
      expect(out(name, "1.1.1.1", 80)).toBe(false);
      expect(out(name, "8.8.8.8", 53, "UDP")).toBe(false);
      expect(out(name, "203.0.113.10", 22)).toBe(false);
    });
  });

  const colours = names.filter((n) => /-(blue|green)$/.test(n));
  const platform = names.filter((n) => !colours.includes(n) && n !== `${platformName}-router`);

  test("pod to pod: the platform's services never reach a blue-green colour, nor a colour a platform service or another colour's pods", () => {
    expect(colours.length).toBeGreaterThan(0);
    for (const c of colours) {
      for (const p of platform) {
        expect({ from: p, to: c, ok: toPod(p, c, 8080) }).toEqual({ from: p, to: c, ok: false });
        expect({ from: c, to: p, ok: toPod(c, p, 8080) }).toEqual({ from: c, to: p, ok: false });
      }
      expect(toPod(c, `${platformName}-router`, 8080)).toBe(false);
      for (const other of colours) if (other !== c) expect(toPod(c, other, 8080)).toBe(false);
    }
  });

  test("pod to pod: the router reaches each colour on its container port only (its release route), and the platform's services on theirs", () => {
    for (const c of colours) {
      expect(toPod(`${platformName}-router`, c, config.blueGreen![c.replace(/-(blue|green)$/, "")].containerPort)).toBe(true);
      expect(toPod(`${platformName}-router`, c, 9090)).toBe(false);
    }
    for (const p of platform) {
      const spec = config.platform.services[p.slice(platformName.length + 1)];
      expect(toPod(`${platformName}-router`, p, spec.containerPort)).toBe(true);
      expect(toPod(`${platformName}-router`, p, spec.containerPort + 1)).toBe(false);
    }
  });

  test("pod to pod: a platform service reaches another only where it declares the call (calls), on that service's container port", () => {
    expect(platform.length).toBeGreaterThan(1);
    for (const from of platform) {
      const declared = config.platform.services[from.slice(platformName.length + 1)].calls ?? [];
      for (const to of platform) {
        if (to === from) continue;
        const spec = config.platform.services[to.slice(platformName.length + 1)];
        const allowed = declared.includes(to.slice(platformName.length + 1));
        expect({ from, to, ok: toPod(from, to, spec.containerPort) }).toEqual({ from, to, ok: allowed });
        expect({ from, to, other: toPod(from, to, spec.containerPort + 1) }).toEqual({ from, to, other: false });
      }
      // Nor the router: it calls the services, never the other way round.
      expect(toPod(from, `${platformName}-router`, 8080)).toBe(false);
    }
  });
});
