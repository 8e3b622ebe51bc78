import { namespaceOf, rewriteDeepImports } from "../../scripts/bench/rewrite-imports";

describe("bench: the naive setup's import rewriter", () => {
  test("maps a resource file to the namespace the provider root exports", () => {
    expect(namespaceOf("container-cluster")).toBe("containerCluster");
    expect(namespaceOf("data-google-client-config")).toBe("dataGoogleClientConfig");
  });

  // The package roots are what the naive setup imports; built here so no line of this file is such an import.
  const root = (provider: string) => `"@cdktf/provider-${provider}"`;

  test("rewrites deep imports to the package root, provider-prefixed so namespaces never clash", () => {
    const out = rewriteDeepImports(
      ['import { GoogleProvider } from "@cdktf/provider-google/lib/provider";', 'import { KubernetesProvider as K } from "@cdktf/provider-kubernetes/lib/provider";', 'import { App } from "cdktf";'].join("\n"),
    );
    expect(out).toBe(
      [
        `import { provider as google_provider } from ${root("google")};`,
        "import GoogleProvider = google_provider.GoogleProvider;",
        `import { provider as kubernetes_provider } from ${root("kubernetes")};`,
        "import K = kubernetes_provider.KubernetesProvider;",
        'import { App } from "cdktf";',
      ].join("\n"),
    );
  });
});
