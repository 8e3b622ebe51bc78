export * from "./gke-cluster";
export * from "./rules";
