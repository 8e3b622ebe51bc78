export * from "./gke-cluster";
export * from "./rules";
export * from "./registries";
