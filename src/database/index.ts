export * from "./cloud-sql-db";
export * from "./rules";
