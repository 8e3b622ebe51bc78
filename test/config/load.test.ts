import { environments } from "../../environments";
import { loadEnvironment } from "../../src/config";
import { envWith, problemFor as problemIn, Raw } from "./fixtures";

const staging = environments.staging as unknown as Raw;
const stagingWith = (path: string, value: unknown): Raw => envWith("staging", path, value);
const problemFor = (raw: Raw, environment: "dev" | "staging" | "production" = "staging"): string => problemIn(environment, raw);

describe("loadEnvironment", () => {
  test.each(Object.keys(environments))("%s is valid", (name) => {
    const config = loadEnvironment(name, environments[name as keyof typeof environments]);
    expect(config.name).toBe(name);
  });

  test("config is passed through as written: defaults live in the constructs, not here", () => {
    const raw = structuredClone(staging);
    delete ((raw.monitoring as Raw) as Record<string, unknown>).p1Channels;
    const config = loadEnvironment("staging", raw);
    if (config.target !== "gcp") throw new Error("staging targets gcp");
    expect(config.monitoring.p1Channels).toBeUndefined();
    expect(config.monitoring.thresholds).toBeUndefined();
  });

  test.each([
    ["a number below its minimum", "database.diskSizeGb", 5, /database\.diskSizeGb = 5: must be a whole number 10-65536 \(Cloud SQL limits\)/],
    ["an impossible machine", "database.tier", "db-custom-3-1024", /database\.tier = "db-custom-3-1024": is not a possible Cloud SQL machine: vCPUs must be 1 or an even number/],
    ["a malformed CIDR", "network.primaryCidr", "10.10.0.1/20", /network\.primaryCidr = "10\.10\.0\.1\/20": must be a canonical IPv4 CIDR \(host bits are set/],
    ["a wrong enum value", "cache.tier", "PREMIUM", /cache\.tier = "PREMIUM": must be one of: BASIC, STANDARD_HA/],
    ["a missing required field", "gcp.project", undefined, /gcp\.project = \(missing\): is required \(string\)/],
    ["a malformed project id", "gcp.project", "Tandem_Staging", /gcp\.project = "Tandem_Staging": must be a GCP project id/],
    ["a wrong type", "gke.deletionProtection", "yes", /gke\.deletionProtection = "yes": must be a boolean \(got the string "yes"\)/],
    ["an unknown field", "database.tierr", "x", /database\.tierr = "x": is not a known field \(did you mean "tier"\?\) \(known: name, version, tier,/],
    ["a bad time", "database.backupStartTimeUtc", "3am", /database\.backupStartTimeUtc = "3am": must be a 24-hour UTC time HH:MM/],
    ["a control-plane range that is not a /28", "gke.masterCidr", "172.16.0.0/24", /gke\.masterCidr = "172\.16\.0\.0\/24": must be a \/28/],
    ["an unknown alert channel", "monitoring.p0Channels", ["pager"], /monitoring\.p0Channels\.0 = "pager": names no channel of notificationChannels \(known: platform-oncall\)/],
    ["a local state backend in the cloud", "state", { backend: "local", path: "x.tfstate" }, /state\.backend = "local": cloud environments keep state in GCS/],
  ])("rejects %s", (_kind, path, value, message) => {
    const text = problemFor(stagingWith(path, value));
    expect(text).toMatch(/^Invalid config for environment "staging" \(environments\/staging\.ts\):/);
    expect(text).toMatch(message);
  });

  test("a cross-field rule: read replicas need STANDARD_HA", () => {
    const raw = stagingWith("cache.tier", "BASIC");
    (raw.cache as Raw).readReplicas = 1;
    expect(problemFor(raw)).toMatch(/cache\.readReplicas = 1: read replicas need tier STANDARD_HA/);
  });

  test("overlapping CIDRs name both ranges", () => {
    const text = problemFor(stagingWith("network.privateServiceRanges.redis", "10.30.4.0/24"));
    expect(text).toMatch(/network\.privateServiceRanges\.redis = "10\.30\.4\.0\/24": privateServiceRanges\.sql \(10\.30\.0\.0\/20\) overlaps privateServiceRanges\.redis \(10\.30\.4\.0\/24\)/);
  });

  test("the control-plane range must miss every network range", () => {
    expect(problemFor(stagingWith("gke.masterCidr", "10.10.0.0/28"))).toMatch(/gke\.masterCidr = "10\.10\.0\.0\/28": network\.primaryCidr \(10\.10\.0\.0\/20\) overlaps gke\.masterCidr/);
  });

  test("a port conflict names the environment, the service's port field and both claimants", () => {
    const text = problemFor(stagingWith("platform.services.web.port", 8000));
    expect(text).toMatch(/platform\.services\.web\.port = 8000: port 8000: service "web" and legacy web: reserved by the legacy system/);
    expect(text).toMatch(/platform\.services\.web\.port = 8000: port 8000: service "web": outside the frontend block 30100-30199/);
  });

  test("the weighted phase needs a weight strictly between 0 and 100", () => {
    expect(problemFor(stagingWith("platform.router.weightPercent", 100))).toMatch(/platform\.router\.weightPercent = 100: the weighted phase needs a weight between 0 and 100 exclusive/);
  });

  test("blue-green: the active colour needs an image, and the PDB must not block drains", () => {
    const raw = stagingWith("blueGreen.api.activeColor", "green");
    ((raw.blueGreen as Raw).api as Raw).green = {};
    (((raw.blueGreen as Raw).api as Raw) as Raw).minAvailable = 3;
    const text = problemFor(raw);
    expect(text).toMatch(/blueGreen\.api\.green\.image = \(missing\): is missing, but green is the active colour; set its image before making it active/);
    expect(text).toMatch(/blueGreen\.api\.minAvailable = 3: must be below autoscaling\.minReplicas \(3\)/);
  });

  test("blue-green: a colour other than blue or green", () => {
    expect(problemFor(stagingWith("blueGreen.api.activeColor", "red"))).toMatch(/blueGreen\.api\.activeColor = "red": must be one of: blue, green/);
  });

  test("the config's name must match the environment it is loaded as", () => {
    expect(problemFor(staging, "production")).toMatch(/name = "staging": must equal the environment id "production"/);
  });

  test("every problem is reported at once", () => {
    const raw = stagingWith("database.diskSizeGb", 1);
    (raw.cache as Raw).memorySizeGb = 0;
    const text = problemFor(raw);
    expect(text).toMatch(/database\.diskSizeGb/);
    expect(text).toMatch(/cache\.memorySizeGb/);
  });

  test("a wrong type in one section hides no problem of another: ports and CIDRs are still checked", () => {
    const raw = stagingWith("database.diskSizeGb", "100");
    (raw.gke as Raw).masterCidr = "10.10.0.0/28";
    ((raw.platform as Raw).services as Record<string, Raw>).web.port = 8000;
    (raw.database as Raw).unknownKey = true;
    const text = problemFor(raw);
    expect(text).toMatch(/database\.diskSizeGb = "100": must be a number/);
    expect(text).toMatch(/database\.unknownKey = true: is not a known field/);
    expect(text).toMatch(/gke\.masterCidr = "10\.10\.0\.0\/28": network\.primaryCidr/);
    expect(text).toMatch(/platform\.services\.web\.port = 8000: port 8000: service "web" and legacy web/);
  });

  test("an unknown role lists the valid ones", () => {
    const raw = structuredClone(staging);
    ((raw.access as Raw).roles as Record<string, unknown>).tester = { members: [], grants: {} };
    expect(problemFor(raw)).toMatch(/access\.roles\.tester = .*: is not a known field \(known: developer, devops, qa, product-owner, system-admin\)/);
  });
});
