import { loadEnvironment } from "../../src/config";
import { envWith, problemFor, Raw } from "../config/fixtures";

/** Staging's raw config with `blueGreen.api` changed by `edit`. */
function stagingApi(edit: (api: Raw) => void): Raw {
  const raw = envWith("staging", "name", "staging");
  edit((raw.blueGreen as Raw).api as Raw);
  return raw;
}

/** The loaded `blueGreen.api` of a cloud environment. */
function apiOf(env: "staging" | "production", raw: Raw) {
  const config = loadEnvironment(env, raw);
  if (config.target !== "gcp") throw new Error(`${env} is not a cloud environment`);
  return config.blueGreen!.api;
}

describe("blueGreen config", () => {
  test.each(["staging", "production"] as const)("%s deploys the API blue-green with pinned images", (env) => {
    const api = apiOf(env, envWith(env, "name", env));
    expect(api.activeColor).toMatch(/^(blue|green)$/);
    expect(api[api.activeColor].image).toMatch(/:\d+\.\d+\.\d+$|@sha256:[0-9a-f]{64}$/);
  });

  test("promotion is one line: activeColor", () => {
    const api = apiOf("staging", stagingApi((a) => (a.activeColor = "green")));
    expect(api.activeColor).toBe("green");
  });

  test.each(["staging", "production"] as const)("%s puts the API on the router at its own path, a warm idle colour, no canary", (env) => {
    const api = apiOf(env, envWith(env, "name", env));
    expect({ routePath: api.routePath, idle: api.idle, canaryPercent: api.canaryPercent }).toEqual({ routePath: "/api/v3/", idle: "warm", canaryPercent: 0 });
  });

  test("a second release on the same path is refused at its own path", () => {
    const raw = envWith("staging", "name", "staging");
    const bg = raw.blueGreen as Raw;
    bg.orders = { ...(bg.api as Raw) };
    expect(problemFor("staging", raw)).toMatch(/blueGreen\.orders\.routePath = "\/api\/v3\/": is also api's routePath; a path goes to one service/);
  });

  test.each([
    ["a colour other than blue or green", (a: Raw) => (a.activeColor = "red"), /blueGreen\.api\.activeColor = "red": must be one of: blue, green/],
    ["a third colour", (a: Raw) => (a.red = { image: "x/api:1.0.0" }), /blueGreen\.api\.red = \{"image":"x\/api:1\.0\.0"\}: is not a known field/],
    ["no image for the active colour", (a: Raw) => ((a.activeColor = "green"), (a.green = {})), /blueGreen\.api\.green\.image = \(missing\): is missing, but green is the active colour/],
    ["an unpinned image", (a: Raw) => (a.blue = { image: "x/api:latest" }), /blueGreen\.api\.blue\.image = "x\/api:latest": must pin a release, not :latest/],
    ["a weight above 100", (a: Raw) => (a.canaryPercent = 120), /blueGreen\.api\.canaryPercent = 120: must be 0-100/],
    ["a weight below 0", (a: Raw) => (a.canaryPercent = -1), /blueGreen\.api\.canaryPercent = -1: must be 0-100/],
    ["min replicas above max", (a: Raw) => (a.autoscaling = { minReplicas: 5, maxReplicas: 4 }), /blueGreen\.api\.autoscaling\.minReplicas = 5: must be <= maxReplicas \(4\)/],
    ["a PDB that blocks every drain", (a: Raw) => (a.minAvailable = 3), /blueGreen\.api\.minAvailable = 3: must be below autoscaling\.minReplicas \(3\)/],
    ["a canary without a route", (a: Raw) => ((a.canaryPercent = 25), delete a.routePath), /blueGreen\.api\.canaryPercent = 25: needs routePath: the migration router carries out the canary/],
    ["an idle mode that does not exist", (a: Raw) => (a.idle = "cold"), /blueGreen\.api\.idle = "cold": must be one of: warm, full, off/],
    ["the replica-ratio canary's knob, gone", (a: Raw) => (a.canaryReplicas = 20), /blueGreen\.api\.canaryReplicas = 20: is not a known field/],
    ["a route path another service has", (a: Raw) => (a.routePath = "/api/v2/"), /blueGreen\.api\.routePath = "\/api\/v2\/": is already the route of platform service api-gateway/],
    ["a reserved route path", (a: Raw) => (a.routePath = "/v2/"), /blueGreen\.api\.routePath = "\/v2\/": is reserved/],
    ["a secret as a path", (a: Raw) => (a.secrets = { "../x": "db-password" }), /blueGreen\.api\.secrets\.\.\.\/x/],
  ])("rejects %s", (_what, edit, message) => {
    expect(problemFor("staging", stagingApi(edit))).toMatch(message);
  });
});
