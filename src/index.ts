// The package root only re-exports; every construct lives in its own concern folder.
export * from "./app";
export * from "./config";
export * from "./network";
export * from "./gke";
export * from "./database";
export * from "./cache";
export * from "./monitoring";
export * from "./outputs";
export * from "./preview";
export * from "./ports";
export * from "./platform";
export * from "./deploy";
export * from "./access";
