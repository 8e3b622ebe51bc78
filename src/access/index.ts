export * from "./access-matrix";
export * from "./config-schema";
export * from "./grants";
export * from "./plan";
