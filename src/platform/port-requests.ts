import type { PortCategory, PortRequest } from "../ports/plan";

/** The migration router's name in the port plan. */
export const ROUTER_SERVICE = "router";

/** What the port plan is asked for: every service plus the router (in the `public` category). */
export function platformPortRequests(
  services: Readonly<Record<string, { readonly category: PortCategory; readonly port?: number }>>,
  router: { readonly port?: number },
): Record<string, PortRequest> {
  const requests: Record<string, PortRequest> = { [ROUTER_SERVICE]: { category: "public", port: router.port } };
  for (const [name, s] of Object.entries(services)) requests[name] = { category: s.category, port: s.port };
  return requests;
}
