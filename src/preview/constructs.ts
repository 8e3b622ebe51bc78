/**
 * Construct paths for plan addresses. A plan knows `kubernetes_config_map_v1.platform_k8s_router-config_31433AA0`;
 * cdktf records where that came from (`staging/platform/k8s/router-config`) in the synthesized `cdk.tf.json`
 * under each resource's `//.metadata.path`. The preview groups changes by it.
 */

/** The part of a synthesized stack (`cdk.tf.json`) that maps addresses to construct paths. */
export interface SynthesizedStack {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, { readonly "//"?: { readonly metadata?: { readonly path?: string } } }>>>>;
}

/** `type.name` → construct path, for every resource of a synthesized stack. */
export function constructPaths(stack: SynthesizedStack): Map<string, string> {
  const out = new Map<string, string>();
  for (const [type, resources] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(resources)) {
      const p = body?.["//"]?.metadata?.path;
      if (typeof p === "string") out.set(`${type}.${name}`, p);
    }
  }
  return out;
}

/** `google_x.y[0]`, `google_x.y["k"]` → `google_x.y` (count and for_each instances share one construct). */
export function resourceAddress(address: string): string {
  return address.replace(/\[[^\]]*\]$/, "");
}

/**
 * The construct a resource belongs to, without the stack id and the resource's own id:
 * `staging/platform/k8s/router-config` → `platform/k8s`, `staging/database/Resource` → `database`.
 */
export function constructGroup(constructPath: string | undefined): string | undefined {
  if (!constructPath) return undefined;
  const parts = constructPath.split("/");
  const inner = parts.slice(1, -1);
  return inner.length > 0 ? inner.join("/") : "(stack)";
}
