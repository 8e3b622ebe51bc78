import { formatSpread, linearFit, linearOrBetter, marginalCosts, median } from "../../scripts/bench/stats";

describe("bench statistics", () => {
  test.each([
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])("median of %j is %d", (xs, expected) => {
    expect(median(xs)).toBe(expected);
  });

  test("median of nothing is an error, not NaN", () => {
    expect(() => median([])).toThrow(/empty/);
  });

  test("formats the median with min-max, or the median alone for one run", () => {
    expect(formatSpread([2.5, 1, 3], "s")).toBe("2.50 s (1.00-3.00)");
    expect(formatSpread([181], "MB", 0)).toBe("181 MB");
  });

  test("fits a line exactly through collinear points", () => {
    const fit = linearFit([
      [1, 12],
      [10, 30],
      [100, 210],
    ]);
    expect(fit.slope).toBeCloseTo(2);
    expect(fit.intercept).toBeCloseTo(10);
    expect(fit.r2).toBeCloseTo(1);
  });

  test("marginal costs are per extra unit, in x order", () => {
    expect(
      marginalCosts([
        [10, 100],
        [1, 10],
        [50, 300],
      ]),
    ).toEqual([10, 5]);
  });

  test.each([
    ["linear", true, (n: number) => 50 + 16 * n],
    ["sub-linear (warm-up amortised)", true, (n: number) => 60 * Math.sqrt(n)],
    ["quadratic", false, (n: number) => 50 + 0.5 * n * n],
  ])("%s growth: linear or better is %s", (_name, expected, cost) => {
    expect(linearOrBetter([1, 10, 50, 100].map((n) => [n, cost(n)] as const))).toBe(expected);
  });
});
