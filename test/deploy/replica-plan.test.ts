import { planReplicas, ReplicaPlanInput } from "../../src/deploy/private/replica-plan";

const base: ReplicaPlanInput = {
  activeColor: "blue",
  hasImage: { blue: true, green: true },
  canaryPercent: 0,
  canaryReplicas: 10,
  idleReplicas: 3,
  minReplicas: 3,
  maxReplicas: 10,
};

describe("planReplicas", () => {
  test("no canary: the active colour autoscales and serves, the idle colour is pinned warm and serves nobody", () => {
    expect(planReplicas(base)).toEqual({
      colors: { blue: { replicas: 3, autoscaled: true, serving: true }, green: { replicas: 3, autoscaled: false, serving: false } },
      effectiveCanaryPercent: 0,
    });
  });

  test("green active mirrors blue active", () => {
    const plan = planReplicas({ ...base, activeColor: "green", idleReplicas: 1 });
    expect(plan.colors.green).toEqual({ replicas: 3, autoscaled: true, serving: true });
    expect(plan.colors.blue).toEqual({ replicas: 1, autoscaled: false, serving: false });
  });

  test("an idle colour without an image runs nothing", () => {
    expect(planReplicas({ ...base, hasImage: { blue: true, green: false } }).colors.green.replicas).toBe(0);
  });

  test.each([
    // weight, pods in total, pods on blue (active), pods on green (canary), effective weight
    [5, 10, 9, 1, 10],
    [25, 10, 7, 3, 30],
    [50, 10, 5, 5, 50],
    [5, 20, 19, 1, 5],
    [25, 20, 15, 5, 25],
    [50, 20, 10, 10, 50],
    [1, 10, 9, 1, 10],
    [99, 10, 1, 9, 90],
  ])("canary %d %% of %d pods: %d on the live colour, %d on the canary (%d %%), both pinned and serving", (w, total, live, canary, effective) => {
    const plan = planReplicas({ ...base, canaryPercent: w, canaryReplicas: total });
    expect(plan.colors.blue).toEqual({ replicas: live, autoscaled: false, serving: true });
    expect(plan.colors.green).toEqual({ replicas: canary, autoscaled: false, serving: true });
    expect(plan.effectiveCanaryPercent).toBe(effective);
  });

  test("canary 100 %: only the new colour serves and autoscales; the old one stays warm for a rollback", () => {
    expect(planReplicas({ ...base, canaryPercent: 100 }).colors).toEqual({
      blue: { replicas: 3, autoscaled: false, serving: false },
      green: { replicas: 3, autoscaled: true, serving: true },
    });
  });
});
