import { parsePlan, PlanError } from "../../src/preview";
import { plan } from "./fixtures";

describe("parsePlan refuses what is not a complete plan, naming the file", () => {
  const refuse = (doc: unknown, pattern: RegExp) => {
    expect(() => parsePlan(typeof doc === "string" ? doc : JSON.stringify(doc), "plan-production.json")).toThrow(PlanError);
    expect(() => parsePlan(typeof doc === "string" ? doc : JSON.stringify(doc), "plan-production.json")).toThrow(pattern);
  };

  test("the human plan text", () => refuse("Terraform will perform the following actions:", /^plan-production\.json: not JSON/));
  test("JSON that is not a plan", () => refuse({}, /plan-production\.json: no format_version/));
  test("a state (terraform show -json without a plan file)", () =>
    refuse({ format_version: "1.0", terraform_version: "1.11.4", values: { root_module: {} } }, /plan-production\.json: this is a state, not a plan/));
  test("an errored plan", () => refuse({ ...plan(), errored: true }, /errored: true/));
  test("an incomplete plan (-target)", () => refuse({ ...plan(), complete: false }, /incomplete \(complete: false/));
  test("an unknown format_version", () => refuse({ ...plan(), format_version: "2.0" }, /unsupported format_version 2\.0/));
  test("a malformed format_version", () => refuse({ ...plan(), format_version: "one" }, /format_version "one"/));
  test("malformed resource changes", () => refuse({ ...plan(), resource_changes: [{ address: "x" }] }, /resource_changes\[0\] has no address or change\.actions/));

  test("accepts a complete plan of any 1.x format", () => {
    expect(parsePlan(JSON.stringify({ ...plan(), format_version: "1.9", complete: true, errored: false }), "p.json").format_version).toBe("1.9");
  });

  test("a no-change plan without resource_changes is still a plan", () => {
    expect(parsePlan(JSON.stringify({ format_version: "1.2", planned_values: { root_module: {} } }), "p.json").resource_changes).toBeUndefined();
  });
});
