import { CpuProfile, inclusiveMs, moduleOf, remapProfile, summarizeProfile } from "../../scripts/bench/profile";

const root = "/repo";
const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

// root -> main.ts -> synth (cdktf) -> captureStackTrace (cdktf) -> `get stack` (V8 builtin, no url); plus GC.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame("(root)", ""), children: [2, 6] },
    { id: 2, callFrame: frame("", "file:///repo/main.ts"), children: [3] },
    { id: 3, callFrame: frame("synth", "file:///repo/node_modules/cdktf/lib/app.js"), children: [4] },
    { id: 4, callFrame: frame("captureStackTrace", "file:///repo/node_modules/cdktf/lib/tokens/private/stack-trace.js"), children: [5] },
    { id: 5, callFrame: frame("get stack", "") },
    { id: 6, callFrame: frame("(garbage collector)", "") },
  ],
  samples: [2, 3, 4, 5, 5, 6],
  timeDeltas: [1000, 2000, 3000, 4000, 4000, 6000],
};

describe("bench CPU profile summary", () => {
  test.each([
    ["file:///repo/node_modules/@cdktf/provider-kubernetes/lib/deployment-v1/index.js", "@cdktf/provider-kubernetes"],
    ["file:///repo/node_modules/cdktf/lib/app.js", "cdktf"],
    ["file:///repo/src/deploy/blue-green-service.ts", "tandem src/deploy/blue-green-service.ts"],
    ["node:internal/modules/cjs/loader", "node: module loader"],
    ["node:fs", "node: other internals"],
  ])("%s belongs to %s", (url, expected) => {
    expect(moduleOf(url, root)).toBe(expected);
  });

  test("adds self time by module, a builtin's time going to its caller's module", () => {
    const s = summarizeProfile(profile, root);
    expect(s.totalMs).toBe(20);
    expect(s.modules.map((r) => [r.name, r.ms])).toEqual([
      ["cdktf", 13],
      ["(garbage collector)", 6],
      ["tandem main.ts", 1],
    ]);
    expect(s.modules[0].percent).toBeCloseTo(65);
  });

  test("names functions with their file, and builtins with the file that called them", () => {
    const names = summarizeProfile(profile, root).functions.map((r) => r.name);
    expect(names[0]).toBe("get stack [native, from cdktf/lib/tokens/private/stack-trace.js]");
    expect(names).toContain("captureStackTrace (cdktf/lib/tokens/private/stack-trace.js:1)");
  });

  test("inclusive time counts every sample under a matching frame once", () => {
    expect(inclusiveMs(profile, (f) => f.functionName === "synth")).toBe(13);
    expect(inclusiveMs(profile, (f) => f.functionName === "captureStackTrace")).toBe(11);
    expect(inclusiveMs(profile, () => true)).toBe(20);
  });
});

test("a function named like an Object.prototype member (toString) is counted under its own module", () => {
  const p: CpuProfile = { nodes: [{ id: 1, callFrame: frame("toString", "file:///repo/node_modules/cdktf/lib/x.js") }], samples: [1], timeDeltas: [1000] };
  expect(summarizeProfile(p, root).modules).toEqual([{ name: "cdktf", ms: 1, percent: 100 }]);
});

describe("remapProfile", () => {
  test("puts a bundle's frames back on their source files; other frames stay", () => {
    const bundled: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 3] },
        { id: 2, callFrame: { functionName: "BlueGreenService", url: "file:///repo/node_modules/.cache/tandem/run/app.cjs", lineNumber: 40 } },
        { id: 3, callFrame: frame("synth", "file:///repo/node_modules/cdktf/lib/app.js") },
      ],
      samples: [2, 3],
      timeDeltas: [5000, 1000],
    };
    const map = { findEntry: (line: number) => (line === 40 ? { originalSource: "../../../../src/deploy/blue-green-service.ts", originalLine: 7 } : {}) };
    const remapped = remapProfile(bundled, "file:///repo/node_modules/.cache/tandem/run/app.cjs", map, (s) => `file:///repo/${s.replace(/^(\.\.\/)+/, "")}`);
    expect(remapped.nodes[1].callFrame).toEqual({ functionName: "BlueGreenService", url: "file:///repo/src/deploy/blue-green-service.ts", lineNumber: 7 });
    expect(remapped.nodes[2]).toBe(bundled.nodes[2]);
    expect(summarizeProfile(remapped, root).modules[0]).toEqual({ name: "tandem src/deploy/blue-green-service.ts", ms: 5, percent: (100 * 5) / 6 });
  });
});
