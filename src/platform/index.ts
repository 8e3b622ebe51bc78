export * from "./options";
export * from "./plan";
export * from "./parallel-platform";
export * from "./pod-security";
export * from "./router-config";
export * from "./router-defaults";
export { PART_OF_LABEL } from "./private/kubernetes-target";
