import { z } from "zod";

const image = z.string().regex(/^[^\s]+[:@][^\s]+$/, "must name a tag or digest").refine((i) => !i.endsWith(":latest"), "must pin a tag or digest, not :latest");
const color = z.object({ image: image.optional() }).strict();

/** One blue-green service of an environment (`blueGreen.<name>`). Promotion and rollback edit `activeColor`. */
export const blueGreenServiceSchema = z
  .object({
    blue: color,
    green: color,
    activeColor: z.enum(["blue", "green"], { message: 'must be "blue" or "green"' }),
    canaryPercent: z.number().min(0, "must be 0-100").max(100, "must be 0-100").default(0),
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
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!s[s.activeColor].image) ctx.addIssue({ code: "custom", path: [s.activeColor, "image"], message: `is missing, but ${s.activeColor} is the active colour` });
    if (s.autoscaling.minReplicas > s.autoscaling.maxReplicas) ctx.addIssue({ code: "custom", path: ["autoscaling", "minReplicas"], message: `must be <= maxReplicas (${s.autoscaling.maxReplicas})` });
    if (s.minAvailable >= s.autoscaling.minReplicas) {
      ctx.addIssue({ code: "custom", path: ["minAvailable"], message: `must be below autoscaling.minReplicas (${s.autoscaling.minReplicas}), or the PDB blocks every node drain` });
    }
    const idle = s.activeColor === "blue" ? "green" : "blue";
    if (s.canaryPercent > 0 && !s[idle].image) ctx.addIssue({ code: "custom", path: [idle, "image"], message: "is missing, but a canary runs the idle colour" });
  });

export type BlueGreenServiceConfig = z.output<typeof blueGreenServiceSchema>;
