export * from "./blue-green-service";
export * from "./config-schema";
