export * from "./plan";
export * from "./preflight";
