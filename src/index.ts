// The package root only re-exports; every construct lives in its own concern folder.
export * from "./app";
export * from "./config";
export * from "./network/cidr";
