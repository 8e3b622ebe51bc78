export * from "./guard";
export * from "./plan";
export * from "./render";
export * from "./summarize";
