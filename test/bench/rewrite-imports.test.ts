import { hasDeepImport, namespaceOf, rewriteDeepImports } from "../../scripts/bench/rewrite-imports";

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

  test("declares a namespace once when a file imports one resource file twice, and reads `type` imports", () => {
    const out = rewriteDeepImports(
      ['import type { DeploymentV1Config } from "@cdktf/provider-kubernetes/lib/deployment-v1";', 'import { DeploymentV1, type DeploymentV1Spec } from "@cdktf/provider-kubernetes/lib/deployment-v1";'].join("\n"),
    );
    expect(out).toBe(
      [
        `import { deploymentV1 as kubernetes_deploymentV1 } from ${root("kubernetes")};`,
        "import DeploymentV1Config = kubernetes_deploymentV1.DeploymentV1Config;",
        "import DeploymentV1 = kubernetes_deploymentV1.DeploymentV1;",
        "import DeploymentV1Spec = kubernetes_deploymentV1.DeploymentV1Spec;",
      ].join("\n"),
    );
  });

  test("reads imports wrapped over several lines", () => {
    const out = rewriteDeepImports('import {\n  Container,\n  ContainerConfig,\n} from "@cdktf/provider-docker/lib/container";');
    expect(out).toContain("import ContainerConfig = docker_container.ContainerConfig;");
    expect(hasDeepImport(out)).toBe(false);
  });

  test("notices a deep import it did not rewrite, so the naive copy cannot silently stay fast", () => {
    expect(hasDeepImport('export { Container } from "@cdktf/provider-docker/lib/container";')).toBe(true);
    expect(hasDeepImport('const { Container } = require("@cdktf/provider-docker/lib/container");')).toBe(true);
    expect(hasDeepImport('import { App } from "cdktf";')).toBe(false);
  });
});
