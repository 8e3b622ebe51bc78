export * from "./memorystore";
