import { EditRefused, editReleaseState, readReleaseState, ReleaseState } from "../../scripts/lib/release/edit";
import { nextState, parseStep, ReleaseStep } from "../../scripts/lib/release/steps";
import * as fs from "node:fs";
import * as path from "node:path";

const staging = fs.readFileSync(path.join(__dirname, "../../environments/staging.ts"), "utf8");
const start: ReleaseState = { activeColor: "blue", canaryPercent: 0, idle: "warm" };

/** Lines that differ between two texts of the same length. */
const changedLines = (a: string, b: string) => {
  const [x, y] = [a.split("\n"), b.split("\n")];
  return y.map((l, i) => [i + 1, x[i], l] as const).filter(([, p, n]) => p !== n);
};

describe("the release steps (seed 003)", () => {
  test("canary 5 → 25 → 50 → 100, promote, finish: the states in order", () => {
    const steps: ReleaseStep[] = [{ kind: "canary", percent: 5 }, { kind: "canary", percent: 25 }, { kind: "canary", percent: 50 }, { kind: "canary", percent: 100 }, { kind: "promote" }, { kind: "finish", off: false }];
    const states = [start];
    for (const s of steps) {
      const r = nextState(states[states.length - 1], s);
      if ("refused" in r) throw new Error(r.refused);
      states.push(r.next);
    }
    expect(states.slice(1)).toEqual([
      { activeColor: "blue", canaryPercent: 5, idle: "warm" },
      { activeColor: "blue", canaryPercent: 25, idle: "warm" },
      { activeColor: "blue", canaryPercent: 50, idle: "warm" },
      { activeColor: "blue", canaryPercent: 100, idle: "warm" },
      { activeColor: "green", canaryPercent: 0, idle: "full" },
      { activeColor: "green", canaryPercent: 0, idle: "warm" },
    ]);
  });

  test("rollback: during a canary the weight goes to 0; after a promotion the old colour (full) is live again", () => {
    expect(nextState({ ...start, canaryPercent: 25 }, { kind: "rollback" })).toMatchObject({ next: start, warnings: [] });
    expect(nextState({ activeColor: "green", canaryPercent: 0, idle: "full" }, { kind: "rollback" })).toMatchObject({ next: { activeColor: "blue", canaryPercent: 0, idle: "full" }, warnings: [] });
    // After finish it still rolls back, and says the colour is not full.
    expect(nextState({ activeColor: "green", canaryPercent: 0, idle: "warm" }, { kind: "rollback" })).toMatchObject({ next: { activeColor: "blue", idle: "full" }, warnings: [expect.stringMatching(/blue is warm, not full/)] });
  });

  test.each([
    [start, { kind: "promote" }, /promote needs canary 100 first \(green now gets 0 %\)/],
    [{ ...start, canaryPercent: 50 }, { kind: "promote" }, /promote needs canary 100 first/],
    [{ ...start, canaryPercent: 25 }, { kind: "finish", off: false }, /a canary is running \(25 %\)/],
    [start, { kind: "finish", off: false }, /green is already warm/],
    [{ ...start, canaryPercent: 5 }, { kind: "canary", percent: 5 }, /already gets 5 %/],
  ] as [ReleaseState, ReleaseStep, RegExp][])("refused: %j then %j", (state, step, message) => {
    const r = nextState(state, step);
    expect("refused" in r ? r.refused : "").toMatch(message);
  });

  test.each([
    [["canary", "5"], { kind: "canary", percent: 5 }],
    [["canary", "12.5"], { kind: "canary", percent: 12.5 }],
    [["finish", "--off"], { kind: "finish", off: true }],
    [["canary", "101"], "canary needs a weight 0-100 (at most two decimals), got 101"],
    [["canary"], "canary needs a weight 0-100 (at most two decimals), got nothing"],
    [["deploy"], "unknown step deploy"],
  ])("parses %j", (args, expected) => {
    expect(parseStep(args)).toEqual(expected);
  });
});

describe("the edit of environments/<env>.ts", () => {
  test("reads the state the file writes", () => {
    expect(readReleaseState(staging, "api")).toEqual(start);
  });

  test("changes exactly the release lines, keeping their indentation and comments; everything else byte for byte", () => {
    const edited = editReleaseState(staging, "api", { activeColor: "green", canaryPercent: 0, idle: "full" });
    expect(changedLines(staging, edited).map(([, , l]) => l)).toEqual(['      activeColor: "green",', '      idle: "full",']);
    expect(readReleaseState(edited, "api")).toEqual({ activeColor: "green", canaryPercent: 0, idle: "full" });
    const commented = staging.replace('activeColor: "blue",', 'activeColor: "blue", // live since 2024-05-01');
    expect(editReleaseState(commented, "api", { ...start, activeColor: "green" })).toContain('activeColor: "green", // live since 2024-05-01');
  });

  test("a missing canaryPercent or idle line is added after activeColor with its indentation, only when not the default", () => {
    const bare = staging.replace(/\n\s*canaryPercent: 0,/, "").replace(/\n\s*idle: "warm",/, "");
    expect(editReleaseState(bare, "api", start)).toBe(bare);
    const edited = editReleaseState(bare, "api", { activeColor: "blue", canaryPercent: 25, idle: "warm" });
    expect(edited.split("\n").length).toBe(bare.split("\n").length + 1);
    expect(edited).toContain('      activeColor: "blue",\n      canaryPercent: 25,\n');
  });

  test.each([
    ["no blueGreen block", (t: string) => t.replace("blueGreen: {", "releases: {"), /no `blueGreen: \{` block/],
    ["no such service", (t: string) => t.replace("    api: {", "    apis: {"), /blueGreen has no `api: \{` entry/],
    ["a computed colour", (t: string) => t.replace('activeColor: "blue",', "activeColor: LIVE,"), /sets activeColor in a form the release command does not edit/],
    ["two activeColor lines", (t: string) => t.replace('activeColor: "blue",', 'activeColor: "blue",\n      activeColor: "blue",'), /activeColor is set twice/],
    ["a one-line entry", (t: string) => t.replace(/ {4}api: \{[\s\S]*?\n {4}\},/, '    api: { activeColor: "blue", containerPort: 8080, blue: {}, green: {} },'), /blueGreen has no `api: \{` entry/],
  ])("refused: %s", (_what, mangle, message) => {
    expect(() => readReleaseState(mangle(staging), "api")).toThrow(EditRefused);
    expect(() => readReleaseState(mangle(staging), "api")).toThrow(message);
  });

  test("a field of a nested object with the same name is not the service's own", () => {
    const nested = staging.replace("      config: { LOG_LEVEL: \"info\" },", '      config: { LOG_LEVEL: "info" },\n      env: {\n        activeColor: "x",\n      },');
    expect(readReleaseState(nested, "api")).toEqual(start);
  });
});
