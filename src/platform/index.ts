export * from "./parallel-platform";
export * from "./pod-security";
export * from "./router-config";
export * from "./router-defaults";
export { DockerTarget } from "./private/docker-target";
export { KubernetesTarget, PART_OF_LABEL } from "./private/kubernetes-target";
export * from "./port-requests";
