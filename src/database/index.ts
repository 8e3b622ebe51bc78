export * from "./cloud-sql-db";
