import { googleRegistryOf } from "../../gke/registries";
import { PolicyRule, references, strings } from "../context";

const READER_ROLES = ["roles/artifactregistry.reader", "roles/container.defaultNodeServiceAccount"];

/**
 * Images from a Google registry in another project can be pulled: the service account of the stack's node pools has
 * `roles/artifactregistry.reader` in the image's project. (A stack without node pools runs on a cluster it cannot
 * see; the rule says nothing there.)
 */
export const registryRead: PolicyRule = {
  id: "TANDEM-IMG-1",
  level: "error",
  summary: "nodes may read every registry the stack's images come from",
  check(ctx) {
    const nodeAccounts = new Set(ctx.ofType("google_container_node_pool").flatMap((p) => strings(p.config.node_config).filter((s) => s.path.endsWith("service_account")).flatMap((s) => references(s.value))));
    if (nodeAccounts.size === 0) return [];
    const granted = new Set(
      ctx
        .ofType("google_project_iam_member")
        .filter((m) => READER_ROLES.includes(String(m.config.role)) && references(String(m.config.member)).some((a) => nodeAccounts.has(a)))
        .map((m) => String(m.config.project)),
    );
    const findings = [];
    for (const r of ctx.resources.filter((x) => x.type.startsWith("kubernetes_deployment") || x.type.startsWith("kubernetes_stateful_set") || x.type.startsWith("kubernetes_daemon"))) {
      for (const { path, value } of strings(r.config.spec).filter((s) => /\.container\[\d+\]\.image$/.test(s.path))) {
        const registry = googleRegistryOf(value);
        if (registry && !granted.has(registry.project)) {
          findings.push({ path: r.path, value, message: `${r.address} (${path}) pulls from project ${registry.project}, where the node service account has no read access`, fix: `grant ${READER_ROLES[0]} in ${registry.project} (GkeCluster imageRegistries: googleRegistries(images))` });
        }
      }
    }
    return findings;
  },
};
