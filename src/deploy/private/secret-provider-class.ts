/** The CSI driver of the GKE Secret Manager add-on (`secret_manager_config { enabled = true }` on the cluster). */
export const GKE_SECRETS_CSI_DRIVER = "secrets-store-gke.csi.k8s.io";

/**
 * The SecretProviderClass the add-on reads to know which secret goes to which file. It is a custom resource,
 * which Tandem cannot declare without `kubernetes_manifest`, so it is returned as YAML for `kubectl apply`.
 * `versions/latest` plus the add-on's rotation means a new secret version reaches the pods without a deploy.
 */
export function secretProviderClassYaml(name: string, namespace: string, project: string, secrets: Record<string, string>): string {
  const items = Object.entries(secrets)
    .map(([file, id]) => `      - resourceName: "projects/${project}/secrets/${id}/versions/latest"\n        path: "${file}"`)
    .join("\n");
  return `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  provider: gke
  parameters:
    secrets: |
${items}
`;
}
