/** Small statistics for the bench: medians with their spread, and a straight-line fit for scaling. */

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median of an empty list");
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `1.23 s (1.10-1.40)`: median, then min-max; just the median when there was one run. */
export function formatSpread(xs: readonly number[], unit: string, digits = 2): string {
  const f = (x: number) => x.toFixed(digits);
  const mid = `${f(median(xs))}${unit ? ` ${unit}` : ""}`;
  return xs.length > 1 ? `${mid} (${f(Math.min(...xs))}-${f(Math.max(...xs))})` : mid;
}

/** Least-squares line y = intercept + slope * x, and how well it fits (r2, 1 = perfectly). */
export interface LinearFit {
  readonly slope: number;
  readonly intercept: number;
  readonly r2: number;
}

export function linearFit(points: readonly (readonly [number, number])[]): LinearFit {
  if (points.length < 2) throw new Error("a line needs at least two points");
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  if (sxx === 0) throw new Error("a line needs at least two distinct x values");
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/** Cost of each extra unit between consecutive points ((y2 - y1) / (x2 - x1)), in x order. */
export function marginalCosts(points: readonly (readonly [number, number])[]): number[] {
  const s = [...points].sort((a, b) => a[0] - b[0]);
  return s.slice(1).map(([x, y], i) => (y - s[i][1]) / (x - s[i][0]));
}

/**
 * Linear or better: the cost per extra unit over the last interval is no more than `tolerance` times the cost
 * per unit from the first point to the start of that interval (a quadratic cost would be several times it).
 */
export function linearOrBetter(points: readonly (readonly [number, number])[], tolerance = 1.25): boolean {
  const s = [...points].sort((a, b) => a[0] - b[0]);
  if (s.length < 3) throw new Error("growth needs at least three points");
  const [x0, y0] = s[0];
  const [xa, ya] = s[s.length - 2];
  const [xb, yb] = s[s.length - 1];
  const before = (ya - y0) / (xa - x0);
  const last = (yb - ya) / (xb - xa);
  return last <= tolerance * Math.max(before, 0);
}
