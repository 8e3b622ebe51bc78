import { environments } from "../../environments";
import { ConfigError, loadEnvironment } from "../../src/config";

export type Raw = Record<string, unknown>;
export type EnvironmentName = keyof typeof environments;

/** A deep copy of an environment's raw config with one field replaced (dotted path; undefined deletes it). */
export function envWith(name: EnvironmentName, path: string, value: unknown): Raw {
  const copy = structuredClone(environments[name]) as unknown as Raw;
  const keys = path.split(".");
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Raw;
  if (value === undefined) delete node[keys[keys.length - 1]];
  else node[keys[keys.length - 1]] = value;
  return copy;
}

/** The ConfigError message loading `raw` as `name` produces; fails the test when it loads. */
export function problemFor(name: EnvironmentName, raw: unknown): string {
  try {
    loadEnvironment(name, raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected the config to be rejected");
}
