/**
 * Reading a synthesized stack (`stack.toTerraform()`, the JSON the deploy writes to cdk.tf.json). cdktf records
 * each resource's construct path under `//.metadata.path`, so a construct of the real stack finds its resource.
 * Nested blocks are objects or one-element lists depending on the block; `get` reads through both.
 */
import { constructGroup } from "../../src/preview";

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

/** The parts of a synthesized stack the report reads. */
export interface SynthesizedJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, JsonObject>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, JsonObject>>>>;
  readonly output?: Readonly<Record<string, JsonObject>>;
}

export interface SynthResource {
  readonly type: string;
  readonly name: string;
  /** `type.name`, the Terraform address. */
  readonly address: string;
  /** The construct path (`staging/database/Resource`). */
  readonly path?: string;
  /** The construct it belongs to without the stack id and its own id (`database`, `platform/k8s`). */
  readonly group: string;
  readonly body: JsonObject;
}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Every managed resource, in the JSON's order. */
export function resourcesOf(json: SynthesizedJson): SynthResource[] {
  const out: SynthResource[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const meta = get(body, "//.metadata.path");
      const path = typeof meta === "string" ? meta : undefined;
      out.push({ type, name, address: `${type}.${name}`, path, group: constructGroup(path) ?? "(no construct path)", body });
    }
  }
  return out;
}

/** Resources by construct path. */
export function byPath(resources: readonly SynthResource[]): Map<string, SynthResource> {
  return new Map(resources.filter((r) => r.path !== undefined).map((r) => [r.path!, r]));
}

/** A value at a dotted path (`settings.backup_configuration.enabled`); a list on the way is read at its first element. */
export function get(value: Json | undefined, dotted: string): Json | undefined {
  let v: Json | undefined = value;
  for (const key of dotted.split(".")) {
    if (Array.isArray(v)) v = v[0];
    if (!isObject(v)) return undefined;
    v = v[key];
  }
  return v;
}

export function str(value: Json | undefined, dotted: string): string | undefined {
  const v = get(value, dotted);
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}

/** A list at a path: an object stands for a one-element list. */
export function list(value: Json | undefined, dotted: string): readonly Json[] {
  const v = get(value, dotted);
  if (Array.isArray(v)) return v;
  return v === undefined || v === null ? [] : [v];
}

/** `${google_x.y.attr}` → `google_x.y`; undefined when the value is not one reference. */
export function referencedAddress(value: Json | undefined): string | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.[^}]+\}$/.exec(value);
  return m?.[1];
}

/** The name a resource is known by: `name`, `metadata.name`, `secret_id`, `display_name`, else its address. */
export function displayName(r: SynthResource): string {
  for (const key of ["name", "metadata.name", "secret_id", "account_id", "display_name"]) {
    const v = str(r.body, key);
    if (v !== undefined && !v.includes("${")) return v;
  }
  return r.address;
}

/**
 * `${google_x.y.attr}` inside a string, replaced by that resource's `attr` where the stack sets it to a literal
 * (a log metric's `name`, a namespace's `metadata.name`); a reference the JSON cannot answer stays as it is.
 */
export function resolveReferences(text: string, byAddress: ReadonlyMap<string, SynthResource>): string {
  return text.replace(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_.]+)\}/g, (whole, address: string, attr: string) => {
    const value = str(byAddress.get(address)?.body, attr.replace(/\.0\./g, "."));
    return value !== undefined && !value.includes("${") ? value : whole;
  });
}
