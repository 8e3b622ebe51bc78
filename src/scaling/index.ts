export * from "./scaling";
