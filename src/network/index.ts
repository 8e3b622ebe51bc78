export * from "./cidr";
export * from "./network";
export * from "./rules";
