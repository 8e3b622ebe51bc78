export * from "./names";
export * from "./platform-outputs";
