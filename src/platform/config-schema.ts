import { z } from "zod";
import { PORT_CATEGORIES } from "../ports/plan";
import { healthPathProblem, MIGRATION_PHASES, routePathProblem } from "./router-config";

const port = z.number().int().min(1024, "must be >= 1024 (no privileged ports)").max(65535, "must be <= 65535");
const urlPath = (problem: (p: string) => string | undefined) =>
  z.string().superRefine((p, ctx) => {
    const message = problem(p);
    if (message) ctx.addIssue({ code: "custom", message });
  });

/** The `platform` section of an environment: the new platform's services, ports and migration router. */
export const platformSchema = z
  .object({
    /** Prefix of container, network and workload names. */
    name: z.string().regex(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/, "must be a short lower-case DNS label"),
    /** Kubernetes namespace (cloud environments). */
    namespace: z.string().regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a Kubernetes namespace name").default("new-platform"),
    ports: z
      .object({
        strategy: z.enum(["offset", "blocks"]),
        avoid: z.array(port).default([9090]),
      })
      .strict(),
    services: z
      .record(
        z.string().regex(/^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$/, "service names must be lower-case DNS labels"),
        z
          .object({
            image: z.string().regex(/^[^\s]+([:@][^\s]+)$/, "must name a tag or digest").refine((i) => !i.endsWith(":latest"), "must pin a tag or digest, not :latest"),
            category: z.enum(PORT_CATEGORIES),
            containerPort: z.number().int().min(1).max(65535, "must be 1-65535"),
            port: port.optional(),
            env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "env names must be upper-case"), z.string()).default({}),
            healthPath: urlPath(healthPathProblem).default("/health"),
            /** Exec health check for services that do not speak HTTP, e.g. ["redis-cli", "ping"]. */
            healthCommand: z.array(z.string().min(1, "must not be empty")).min(1, "give the command and its arguments").optional(),
            /** Paths the process writes to (tmpfs / emptyDir), so the root filesystem stays read-only. */
            writablePaths: z.array(z.string().regex(/^\/[A-Za-z0-9._/-]+$/, "must be an absolute path").refine((p) => !p.split("/").includes(".."), "must not contain '..'")).default([]),
            /** UID the image runs as; never 0. */
            runAsUser: z.number().int().min(1, "must be >= 1 (never root)").optional(),
            cpuMillis: z.number().int().min(50, "must be >= 50").max(16000).default(500),
            memoryMb: z.number().int().min(32, "must be >= 32").max(65536).default(512),
            replicas: z.number().int().min(1, "must be >= 1").max(100).default(2),
            bridgeToLegacy: z.boolean().default(false),
            public: z.boolean().default(false),
            routePath: urlPath(routePathProblem).optional(),
            entry: z.boolean().default(false),
          })
          .strict(),
      )
      .superRefine((services, ctx) => {
        const entries = Object.entries(services).filter(([, s]) => s.entry);
        if (entries.length !== 1) {
          ctx.addIssue({ code: "custom", message: `exactly one service must set entry: true (found ${entries.length === 0 ? "none" : entries.map(([n]) => n).join(", ")})` });
        }
        if ("router" in services) ctx.addIssue({ code: "custom", path: ["router"], message: '"router" is the migration router\'s name' });
        const owners = new Map<string, string>();
        for (const [name, s] of Object.entries(services)) {
          if (s.routePath === undefined) continue;
          const other = owners.get(s.routePath);
          if (other) ctx.addIssue({ code: "custom", path: [name, "routePath"], message: `"${s.routePath}" is also ${other}'s routePath; a path goes to one service` });
          owners.set(s.routePath, name);
        }
      }),
    router: z
      .object({
        domain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "must be a domain such as example.com"),
        phase: z.enum(MIGRATION_PHASES),
        weightPercent: z.number().min(0, "must be 0-100").max(100, "must be 0-100").default(0),
        port: port.optional(),
        replicas: z.number().int().min(1).max(20).default(2),
      })
      .strict()
      .superRefine((r, ctx) => {
        if (r.phase === "weighted" && (r.weightPercent <= 0 || r.weightPercent >= 100)) {
          ctx.addIssue({ code: "custom", path: ["weightPercent"], message: "the weighted phase needs a weight between 0 and 100 exclusive (0 is the path phase, 100 is cutover)" });
        }
      }),
  })
  .strict();

export type PlatformConfig = z.output<typeof platformSchema>;
