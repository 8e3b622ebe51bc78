/**
 * Rewrites deep provider imports to go through the provider package roots, the way a `cdktf init`
 * project imports them: `import { A } from "@cdktf/provider-google/lib/container-cluster"` becomes
 * an import of the `containerCluster` namespace from the package root (as `google_containerCluster`) and
 * `import A = google_containerCluster.A;`.
 */
const DEEP = /^import \{([^}]+)\} from "(@cdktf\/provider-(google|kubernetes|docker))\/lib\/([a-z0-9-]+)";$/gm;

/** The namespace a provider root exports a resource file under (`container-cluster` -> `containerCluster`). */
export function namespaceOf(file: string): string {
  return file.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function rewriteDeepImports(source: string): string {
  return source.replace(DEEP, (_line, names: string, pkg: string, provider: string, file: string) => {
    // Namespaces repeat across providers (`provider`), so each local name carries its provider.
    const exported = namespaceOf(file);
    const ns = `${provider}_${exported}`;
    const aliases = names
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean)
      .map((n) => {
        const [name, alias] = n.split(/\s+as\s+/);
        return `import ${alias ?? name} = ${ns}.${name};`;
      });
    return [`import { ${exported} as ${ns} } from "${pkg}";`, ...aliases].join("\n");
  });
}
