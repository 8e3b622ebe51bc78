export * from "./synth";
