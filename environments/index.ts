import { dev } from "./dev";
import { production } from "./production";
import { staging } from "./staging";

/** Every environment's raw config, keyed by stack id. Validated by `loadEnvironment` at synth. */
export const environments = { dev, staging, production } as const;
