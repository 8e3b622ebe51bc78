export * from "./connection";
export * from "./secret";
