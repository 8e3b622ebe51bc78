export * from "./bootstrap";
export * from "./deployer-roles";
export * from "./rules";
