import { parseLoggingFilter, runExtractor } from "../helpers/logging-filter";

const entry = { resource: { type: "k8s_container", labels: { namespace_name: "new-platform", container_name: "nginx" } }, jsonPayload: { kind: "tandem.access", side: "new", status: 503, latency_seconds: 0.012, "k8s-pod/app": "x" } };

describe("the Logging filter evaluator the metric tests use", () => {
  test.each([
    ['resource.type="k8s_container" AND jsonPayload.kind="tandem.access"', true],
    ['resource.type="k8s_container" jsonPayload.kind="other"', false],
    ['jsonPayload.side="legacy" OR jsonPayload.side="new"', true],
    // OR binds tighter than AND in the Logging language: a AND (b OR c).
    ['jsonPayload.side="legacy" AND jsonPayload.kind="x" OR jsonPayload.kind="tandem.access"', false],
    ['NOT jsonPayload.side="legacy"', true],
    ['(jsonPayload.side="legacy" AND jsonPayload.kind="tandem.access") OR jsonPayload.status="503"', true],
    ['jsonPayload.status!="200"', true],
    ['jsonPayload.kind:"ACCESS"', true],
    ['jsonPayload.side=~"^n"', true],
    ['jsonPayload."k8s-pod/app"="x"', true],
    ['jsonPayload.missing="x"', false],
  ])("%s -> %s", (filter, expected) => {
    expect(parseLoggingFilter(filter)(entry)).toBe(expected);
  });

  test("unsupported syntax fails loudly", () => {
    expect(() => parseLoggingFilter("jsonPayload.status>=500")).toThrow(/not supported/);
    expect(() => parseLoggingFilter('jsonPayload.side="new" AND')).toThrow(/cannot read a comparison/);
  });

  test("EXTRACT reads a field as text", () => {
    expect(runExtractor("EXTRACT(jsonPayload.latency_seconds)", entry)).toBe("0.012");
    expect(runExtractor("EXTRACT(jsonPayload.nothing)", entry)).toBeUndefined();
    expect(() => runExtractor("REGEXP_EXTRACT(jsonPayload.side, \"(n)\")", entry)).toThrow(/not supported/);
  });
});
