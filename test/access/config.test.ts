import { environments } from "../../environments";
import { ConfigError, loadEnvironment } from "../../src/config";

type Raw = Record<string, unknown> & { access: { roles: Record<string, unknown> }; gke: Record<string, unknown> };
const grants = { legacy: "read", frontend: "read", backend: "read", database: "read", monitoring: "read" };
const staging = (roles: Record<string, unknown>): Raw => ({ ...(structuredClone(environments.staging) as unknown as Raw), access: { roles } });

/** The ConfigError message loading `raw` as staging produces. */
function problem(raw: unknown, env = "staging"): string {
  try {
    loadEnvironment(env, raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("access config validation", () => {
  test.each<[string, Record<string, unknown>, RegExp]>([
    ["an unknown role", { intern: { members: ["user:a@example.com"], grants } }, /access\.roles\.intern = .*: is not a known field/],
    ["an unknown area", { qa: { members: ["user:a@example.com"], grants: { ...grants, billing: "read" } } }, /access\.roles\.qa\.grants\.billing = "read": is not a known field \(known: legacy, frontend, backend, database, monitoring\)/],
    ["an unknown level", { qa: { members: ["user:a@example.com"], grants: { ...grants, database: "admin" } } }, /access\.roles\.qa\.grants\.database = "admin": must be one of: none, read, read-write/],
    ["a missing area", { qa: { members: ["user:a@example.com"], grants: { ...grants, monitoring: undefined } } }, /access\.roles\.qa\.grants\.monitoring = \(missing\): is required/],
    ["a malformed member", { qa: { members: ["qa-team"], grants } }, /access\.roles\.qa\.members\.0 = "qa-team": must be group:, user: or serviceAccount: followed by an e-mail address/],
    ["a member without a domain", { qa: { members: ["user:qa@localhost"], grants } }, /access\.roles\.qa\.members\.0 = "user:qa@localhost": must be group:/],
    ["a member listed twice", { qa: { members: ["user:a@example.com", "user:a@example.com"], grants } }, /access\.roles\.qa\.members = .*: must not list a member twice/],
    ["an empty table", {}, /access\.roles = \{\}: must name at least one role/],
  ])("rejects %s", (_, roles, message) => {
    expect(problem(staging(roles))).toMatch(message);
  });

  test("rejects Google groups without Google Groups for RBAC on the cluster", () => {
    const raw = staging({ qa: { members: ["group:qa@example.com"], grants } });
    delete raw.gke.rbacSecurityGroup;
    expect(problem(raw)).toMatch(/access\.roles\.qa\.members\.0 = "group:qa@example\.com": Google groups can be bound in Kubernetes only with GKE Google Groups for RBAC; set the cluster's rbacSecurityGroup \(config gke\.rbacSecurityGroup\)/);
  });

  test("is required in cloud environments", () => {
    const raw = staging({});
    delete (raw as Partial<Raw>).access;
    expect(problem(raw)).toMatch(/access = \(missing\)/);
  });

  test("is not part of dev: one Docker host has no IAM or RBAC", () => {
    const raw = { ...structuredClone(environments.dev), access: { roles: { qa: { members: ["user:a@example.com"], grants } } } };
    expect(problem(raw, "dev")).toMatch(/access = .*: is not a known section of a docker environment/);
  });
});
