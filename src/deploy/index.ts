export * from "./blue-green-service";
export * from "./rules";
