export * from "./aspect";
export * from "./context";
export { apisEnabled } from "./rules/apis-enabled";
export { nameLimits } from "./rules/name-limits";
export { documentationRanges, exampleHosts } from "./rules/placeholders";
export { registryRead } from "./rules/registry-read";
