import { z } from "zod";

const image = z.string().regex(/^[^\s]+[:@][^\s]+$/, "must name a tag or digest").refine((i) => !i.endsWith(":latest"), "must pin a tag or digest, not :latest");
const color = z.object({ image: image.optional() }).strict();

/**
 * One blue-green service of an environment (`blueGreen.<name>`), passed to BlueGreenService as props.
 * Promotion and rollback edit `activeColor`; a canary sets `canaryPercent`.
 */
export const blueGreenServiceSchema = z
  .object({
    blue: color,
    green: color,
    activeColor: z.enum(["blue", "green"], { message: 'must be "blue" or "green"' }),
    canaryPercent: z.number().min(0, "must be 0-100").max(100, "must be 0-100").default(0),
    /** Pods of both colours during a canary (the weight moves in steps of 100 / canaryReplicas %). Default: autoscaling.maxReplicas. */
    canaryReplicas: z.number().int().min(2, "must be >= 2 (both colours need a pod)").max(100, "must be <= 100").optional(),
    /** Pods the idle colour keeps; default autoscaling.minReplicas (warm), 0 removes it. */
    idleReplicas: z.number().int().min(0, "must be >= 0").optional(),
    containerPort: z.number().int().min(1).max(65535, "must be 1-65535"),
    healthPath: z.string().startsWith("/", "must start with '/'").default("/health"),
    autoscaling: z
      .object({
        minReplicas: z.number().int().min(1, "must be >= 1").default(3),
        maxReplicas: z.number().int().min(1, "must be >= 1").default(10),
        cpuPercent: z.number().int().min(1).max(100, "must be 1-100").default(70),
        memoryPercent: z.number().int().min(1).max(100, "must be 1-100").default(80),
      })
      .strict()
      .prefault({}),
    minAvailable: z.number().int().min(0).default(2),
    config: z.record(z.string(), z.string()).default({}),
    /** File name -> Secret Manager secret id, mounted as files (never env vars). */
    secrets: z.record(z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, "file names are plain (letters, digits, . _ -)"), z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, "must be a Secret Manager secret id")).default({}),
    env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "env names must be upper-case"), z.string()).default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    const idle = s.activeColor === "blue" ? "green" : "blue";
    const { minReplicas, maxReplicas } = s.autoscaling;
    if (!s[s.activeColor].image) ctx.addIssue({ code: "custom", path: [s.activeColor, "image"], message: `is missing, but ${s.activeColor} is the active colour` });
    if (minReplicas > maxReplicas) ctx.addIssue({ code: "custom", path: ["autoscaling", "minReplicas"], message: `must be <= maxReplicas (${maxReplicas})` });
    if (s.minAvailable >= minReplicas) {
      ctx.addIssue({ code: "custom", path: ["minAvailable"], message: `must be below autoscaling.minReplicas (${minReplicas}), or the PDB blocks every node drain` });
    }
    if (s.idleReplicas !== undefined && s.idleReplicas > maxReplicas) ctx.addIssue({ code: "custom", path: ["idleReplicas"], message: `must be <= autoscaling.maxReplicas (${maxReplicas})` });
    if (s.canaryPercent > 0 && !s[idle].image) ctx.addIssue({ code: "custom", path: [idle, "image"], message: "is missing, but a canary runs the idle colour" });
    if (s.canaryPercent > 0 && s.idleReplicas === 0) {
      ctx.addIssue({ code: "custom", path: ["idleReplicas"], message: `must be >= 1 while canaryPercent is ${s.canaryPercent}: you cannot scale down the colour you are switching to` });
    }
  });

export type BlueGreenServiceConfig = z.output<typeof blueGreenServiceSchema>;
