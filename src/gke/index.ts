export * from "./gke-cluster";
