export * from "./run";
export * from "./synth";
