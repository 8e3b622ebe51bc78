export * from "./monitoring";
export * from "./rules";
