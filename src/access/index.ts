export * from "./access-matrix";
export * from "./grants";
export * from "./plan";
export * from "./rules";
