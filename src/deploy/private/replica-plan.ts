/** The two colours of a blue-green service. */
export const COLORS = ["blue", "green"] as const;
export type Color = (typeof COLORS)[number];

/** The colour that is not `color`. */
export function otherColor(color: Color): Color {
  return color === "blue" ? "green" : "blue";
}

/** What decides the replica plan; every number already defaulted and validated. */
export interface ReplicaPlanInput {
  readonly activeColor: Color;
  /** Which colours have an image (a colour without one is not deployed). */
  readonly hasImage: Record<Color, boolean>;
  readonly canaryPercent: number;
  /** Pods of both colours together during a canary. */
  readonly canaryReplicas: number;
  readonly idleReplicas: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/** One colour's part of the plan. */
export interface ColorPlan {
  /**
   * Pods this colour runs; 0 means no Deployment (no image, or scaled to zero). For an autoscaled colour
   * this is only the count the Deployment is created with; afterwards its HPA owns the count.
   */
  readonly replicas: number;
  /** The HPA scales it between minReplicas and maxReplicas; otherwise its HPA is pinned to `replicas`. */
  readonly autoscaled: boolean;
  /** The shared Service (what clients and the router call) sends it traffic. */
  readonly serving: boolean;
}

export interface ReplicaPlan {
  readonly colors: Record<Color, ColorPlan>;
  /** Share of the shared Service's pods on the idle colour, i.e. the weight the canary really gets. */
  readonly effectiveCanaryPercent: number;
}

/**
 * Who runs how many pods, and who gets traffic.
 *
 * - no canary: the active colour autoscales and serves; the idle colour is pinned at `idleReplicas`
 *   (kept warm for an instant rollback) and serves nobody but the preview Service;
 * - canary 0 < w < 100: both colours serve, pinned so that the idle colour holds round(N * w / 100) of the
 *   N = `canaryReplicas` pods (at least 1, at most N - 1): the weight is a multiple of 100 / N %;
 * - canary 100: only the idle colour serves and autoscales; the active colour is kept warm at `idleReplicas`,
 *   so promoting afterwards changes only the active and preview selectors.
 */
export function planReplicas(input: ReplicaPlanInput): ReplicaPlan {
  const active = input.activeColor;
  const idle = otherColor(active);
  const w = input.canaryPercent;
  const live: ColorPlan = { replicas: input.minReplicas, autoscaled: true, serving: true };
  const warm = (color: Color): ColorPlan => ({ replicas: input.hasImage[color] ? input.idleReplicas : 0, autoscaled: false, serving: false });
  if (w <= 0) return { colors: byColor(active, live, warm(idle)), effectiveCanaryPercent: 0 };
  if (w >= 100) return { colors: byColor(active, warm(active), live), effectiveCanaryPercent: 100 };
  const total = input.canaryReplicas;
  const onIdle = Math.min(total - 1, Math.max(1, Math.round((total * w) / 100)));
  return {
    colors: byColor(active, { replicas: total - onIdle, autoscaled: false, serving: true }, { replicas: onIdle, autoscaled: false, serving: true }),
    effectiveCanaryPercent: (onIdle * 100) / total,
  };
}

function byColor(active: Color, forActive: ColorPlan, forIdle: ColorPlan): Record<Color, ColorPlan> {
  return active === "blue" ? { blue: forActive, green: forIdle } : { blue: forIdle, green: forActive };
}
