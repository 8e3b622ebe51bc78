import { CpuProfile, inclusiveMs, moduleOf, summarizeProfile } from "../../scripts/bench/profile";

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
