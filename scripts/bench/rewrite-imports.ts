/**
 * Rewrites deep provider imports to go through the provider package roots, the way a `cdktf init`
 * project imports them: `import { A } from "@cdktf/provider-google/lib/container-cluster"` becomes
 * an import of the `containerCluster` namespace from the package root (as `google_containerCluster`) and
 * `import A = google_containerCluster.A;` (an alias that works for both types and values).
 */
const DEEP = /^import (type )?\{([^}]+)\} from "(@cdktf\/provider-(google|kubernetes|docker))\/lib\/([a-z0-9-]+)";$/gm;
const ANY_DEEP = /["']@cdktf\/provider-(google|kubernetes|docker)\/lib\//;

/** The namespace a provider root exports a resource file under (`container-cluster` -> `containerCluster`). */
export function namespaceOf(file: string): string {
  return file.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function rewriteDeepImports(source: string): string {
  const imported = new Set<string>();
  return source.replace(DEEP, (_line, _type: string | undefined, names: string, pkg: string, provider: string, file: string) => {
    // Namespaces repeat across providers (`provider`), so each local name carries its provider.
    const exported = namespaceOf(file);
    const ns = `${provider}_${exported}`;
    const aliases = names
      .split(",")
      .map((n) => n.trim().replace(/^type\s+/, ""))
      .filter(Boolean)
      .map((n) => {
        const [name, alias] = n.split(/\s+as\s+/);
        return `import ${alias ?? name} = ${ns}.${name};`;
      });
    // A file may import one resource file twice (`import type` and `import`): declare its namespace once.
    const head = imported.has(ns) ? [] : [`import { ${exported} as ${ns} } from "${pkg}";`];
    imported.add(ns);
    return [...head, ...aliases].join("\n");
  });
}

/** Whether a source still imports a provider by a deep path (the rewriter did not understand that import). */
export function hasDeepImport(source: string): boolean {
  return ANY_DEEP.test(source);
}
