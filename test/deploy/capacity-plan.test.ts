import { canaryFloor, CapacityPlanInput, planCapacity } from "../../src/deploy/private/capacity-plan";

const base: CapacityPlanInput = {
  activeColor: "blue",
  hasImage: { blue: true, green: true },
  canaryPercent: 0,
  idle: "warm",
  minReplicas: 3,
  maxReplicas: 10,
};

describe("planCapacity", () => {
  test("no canary: the live colour takes every request at the autoscaling minimum floor; the idle colour stays warm", () => {
    expect(planCapacity(base)).toEqual({
      colors: { blue: { weightPercent: 100, floor: 3, role: "live" }, green: { weightPercent: 0, floor: 3, role: "idle" } },
      serving: ["blue"],
    });
  });

  test.each([
    ["warm", 3],
    ["full", 10],
    ["off", 0],
  ] as const)("idle %s: the idle colour's floor is %d", (idle, floor) => {
    expect(planCapacity({ ...base, idle }).colors.green.floor).toBe(floor);
  });

  test("green active mirrors blue active", () => {
    const plan = planCapacity({ ...base, activeColor: "green", idle: "full" });
    expect(plan.colors).toEqual({ green: { weightPercent: 100, floor: 3, role: "live" }, blue: { weightPercent: 0, floor: 10, role: "idle" } });
    expect(plan.serving).toEqual(["green"]);
  });

  test("an idle colour without an image runs nothing", () => {
    expect(planCapacity({ ...base, hasImage: { blue: true, green: false } }).colors.green).toEqual({ weightPercent: 0, floor: 0, role: "none" });
  });

  test.each([
    // weight, live share, canary floor
    [5, 95, 3],
    [25, 75, 3],
    [50, 50, 5],
    [75, 25, 8],
    [12.5, 87.5, 3],
    [33.33, 66.67, 4],
  ])("canary %d %%: exact weights %d/%d, the canary's floor raised to its share of the maximum (%d); the live colour autoscales from the minimum", (w, live, floor) => {
    const plan = planCapacity({ ...base, canaryPercent: w });
    expect(plan.colors.blue).toEqual({ weightPercent: live, floor: 3, role: "live" });
    expect(plan.colors.green).toEqual({ weightPercent: w, floor, role: "canary" });
    expect(plan.serving).toEqual(["blue", "green"]);
  });

  test("canary 100 %: every request on the new colour at full capacity; the old colour, serving nothing, held full for a rollback", () => {
    const plan = planCapacity({ ...base, canaryPercent: 100, idle: "off" });
    expect(plan.colors).toEqual({ blue: { weightPercent: 0, floor: 10, role: "rollback" }, green: { weightPercent: 100, floor: 10, role: "canary" } });
    expect(plan.serving).toEqual(["green"]);
  });

  test("through the seed's release, every colour holds the floor its share needs, and all traffic moves only onto a full colour", () => {
    // canary 5 -> 25 -> 50 -> 100, promote (old colour full), rollback, finish (warm).
    const steps: CapacityPlanInput[] = [
      base,
      { ...base, canaryPercent: 5 },
      { ...base, canaryPercent: 25 },
      { ...base, canaryPercent: 50 },
      { ...base, canaryPercent: 100 },
      { ...base, activeColor: "green", idle: "full" },
      { ...base, activeColor: "blue", idle: "full" },
      { ...base, activeColor: "blue", idle: "warm" },
    ];
    const plans = steps.map(planCapacity);
    for (let i = 0; i < plans.length; i++) {
      for (const c of ["blue", "green"] as const) {
        const now = plans[i].colors[c];
        // A canary's floor covers its share of the maximum.
        if (now.role === "canary") expect(now.floor).toBeGreaterThanOrEqual(Math.ceil((10 * now.weightPercent) / 100));
        // Everything moving onto a colour at once (canary 100, promotion, rollback): it ran full before the step.
        if (i > 0 && now.weightPercent === 100 && plans[i - 1].colors[c].weightPercent < 100 && plans[i - 1].colors[c].role !== "canary") expect(plans[i - 1].colors[c].floor).toBe(10);
      }
    }
    expect(plans.map((p) => [p.colors.blue.floor, p.colors.green.floor])).toEqual([
      [3, 3],
      [3, 3],
      [3, 3],
      [3, 5],
      [10, 10],
      [10, 3],
      [3, 10],
      [3, 3],
    ]);
  });

  test.each([
    [0, 3],
    [5, 3],
    [30, 3],
    [31, 4],
    [100, 10],
  ])("canaryFloor(%d %%) of 3-10 is %d", (w, floor) => {
    expect(canaryFloor(w, 3, 10)).toBe(floor);
  });
});
