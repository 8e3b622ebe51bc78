/**
 * Security settings every Tandem workload runs with: the Kubernetes "restricted" Pod Security Standard.
 * Shared by ParallelPlatform and BlueGreenService so the two never drift apart.
 */

/** Non-root user and group the workloads run as unless an image needs another. */
export const DEFAULT_RUN_AS_USER = 10001;

/** Pod-level security context (snake-case-free cdktf shape). */
export function restrictedPodSecurityContext(runAsUser = DEFAULT_RUN_AS_USER) {
  return {
    runAsNonRoot: true,
    runAsUser: String(runAsUser),
    runAsGroup: String(runAsUser),
    fsGroup: String(runAsUser),
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level security context: no privilege escalation, all capabilities dropped, read-only root. */
export function restrictedContainerSecurityContext() {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Namespace labels that make the API server enforce the restricted standard. */
export const RESTRICTED_NAMESPACE_LABELS: Record<string, string> = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/enforce-version": "latest",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/warn": "restricted",
};
