import { apisFor } from "../../project/apis";
import { PolicyRule } from "../context";

/** Every Google resource depends on the `google_project_service` of its API: a first deploy on an empty project gets through. */
export const apisEnabled: PolicyRule = {
  id: "TANDEM-API-1",
  level: "error",
  summary: "every Google API a resource needs is enabled in the stack, before the resource",
  check(ctx) {
    const services = new Map(ctx.ofType("google_project_service").map((s) => [String(s.config.service), s.address]));
    return ctx.resources
      .filter((r) => r.type.startsWith("google_") && r.type !== "google_project_service")
      .flatMap((r) => {
        const dependsOn = (r.config.depends_on as string[] | undefined) ?? [];
        const missing = apisFor(r.type).filter((api) => !services.has(api) || !dependsOn.includes(services.get(api)!));
        return missing.length === 0
          ? []
          : [{ path: r.path, value: missing, message: `${r.address} needs ${missing.join(", ")}, which the stack does not enable before it`, fix: "add the EnableApis aspect to the stack: Aspects.of(stack).add(new EnableApis({ project }))" }];
      });
  },
};
