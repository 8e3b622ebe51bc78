// The PR preview's library (also `@tandem/cdktf/preview`). The command is `tandem-preview` (bin.ts).
export * from "./cli";
export * from "./constructs";
export * from "./diff";
export * from "./guard";
export * from "./history";
export * from "./intent";
export * from "./mask";
export * from "./plan";
export * from "./policy";
export * from "./redact";
export * from "./render";
export * from "./rules";
export * from "./summarize";
