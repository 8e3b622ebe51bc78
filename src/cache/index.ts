export * from "./memorystore";
export * from "./rules";
