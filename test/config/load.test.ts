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

  test("defaults are filled in", () => {
    const config = loadEnvironment("staging", staging);
    if (config.target !== "gcp") throw new Error("staging targets gcp");
    expect(config.monitoring.thresholds).toEqual({ errorRatePercent: 1, latencyP95Ms: 2000, cpuPercent: 85, memoryPercent: 85, dbConnectionsPercent: 90 });
  });

  test.each([
    ["a number below its minimum", "database.diskSizeGb", 5, /database\.diskSizeGb = 5: must be >= 10 \(Cloud SQL minimum\)/],
    ["an impossible machine", "database.tier", "db-custom-3-1024", /database\.tier = "db-custom-3-1024": is not a possible Cloud SQL machine: vCPUs must be 1 or an even number/],
    ["a malformed CIDR", "network.subnet.primaryCidr", "10.10.0.1/20", /network\.subnet\.primaryCidr = "10\.10\.0\.1\/20": must be a canonical IPv4 CIDR \(host bits are set/],
    ["a wrong enum value", "cache.tier", "PREMIUM", /cache\.tier = "PREMIUM": .*"BASIC"\|"STANDARD_HA"/],
    ["a missing required field", "gcp.project", undefined, /gcp\.project = \(missing\)/],
    ["a malformed project id", "gcp.project", "Tandem_Staging", /gcp\.project = "Tandem_Staging": must be a GCP project id/],
    ["a wrong type", "gke.deletionProtection", "yes", /gke\.deletionProtection = "yes": .*boolean/],
    ["an unknown field", "database.tierr", "x", /database\.tierr = "x": is not a known field/],
    ["a bad time", "database.backupStartTimeUtc", "3am", /database\.backupStartTimeUtc = "3am": must be a 24-hour UTC time HH:MM/],
    ["a control-plane range that is not a /28", "gke.masterCidr", "172.16.0.0/24", /gke\.masterCidr = "172\.16\.0\.0\/24": must be a \/28/],
    ["an unknown alert channel", "monitoring.p0Channels", ["pager"], /monitoring\.p0Channels\.0 = "pager": names no channel in notificationChannels/],
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
    const text = problemFor(stagingWith("cache.reservedCidr", "10.30.4.0/24"));
    expect(text).toMatch(/cache\.reservedCidr = "10\.30\.4\.0\/24": network\.privateServiceAccessCidr \(10\.30\.0\.0\/20\) overlaps cache\.reservedCidr \(10\.30\.4\.0\/24\)/);
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
    expect(text).toMatch(/blueGreen\.api\.green\.image = \(missing\): is missing, but green is the active colour/);
    expect(text).toMatch(/blueGreen\.api\.minAvailable = 3: must be below autoscaling\.minReplicas \(3\)/);
  });

  test("blue-green: a colour other than blue or green", () => {
    expect(problemFor(stagingWith("blueGreen.api.activeColor", "red"))).toMatch(/blueGreen\.api\.activeColor = "red": must be "blue" or "green"/);
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
});
