/**
 * What a deploy-readiness rule sees: every resource of a synthesized stack, with its Terraform address, the construct
 * path cdktf recorded and its configuration (references to other resources appear as `${type.name...}` strings).
 */
export type ResourceConfig = Readonly<Record<string, unknown>>;

export interface StackResource {
  readonly type: string;
  /** The logical id (`network_subnet_E45498CD`). */
  readonly name: string;
  /** `type.name`. */
  readonly address: string;
  /** The construct path (`staging/network/subnet`). */
  readonly path: string;
  readonly config: ResourceConfig;
}

export interface PolicyContext {
  readonly resources: readonly StackResource[];
  readonly ofType: (type: string) => StackResource[];
}

/** One finding: where, the value, what is wrong, how to fix it. */
export interface Finding {
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
  readonly fix: string;
}

/** A rule: one concern, one file (cdk-nag's shape). */
export interface PolicyRule {
  /** Stable id, used to suppress it: `TANDEM-API-1`. */
  readonly id: string;
  readonly level: "error" | "warning";
  /** One line: what it protects against. */
  readonly summary: string;
  check(context: PolicyContext): Finding[];
}

/** The part of a stack's Terraform JSON the rules read (as `TerraformStack.toTerraform()` gives it). */
export type StackJson = { resource?: Record<string, Record<string, Record<string, unknown> & { "//"?: { metadata?: { path?: string } } }>> };

/** The context of a stack's Terraform JSON (as `TerraformStack.toTerraform()` gives it). */
export function policyContext(json: StackJson): PolicyContext {
  const resources: StackResource[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const { "//": meta, ...config } = body;
      resources.push({ type, name, address: `${type}.${name}`, path: meta?.metadata?.path ?? `${type}.${name}`, config });
    }
  }
  return { resources, ofType: (type) => resources.filter((r) => r.type === type) };
}

/** Every string anywhere in a value, with its dotted path. */
export function strings(value: unknown, path = ""): { path: string; value: string }[] {
  if (typeof value === "string") return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  return [];
}

/** The addresses a string refers to (`${google_service_account.x.email}` -> `google_service_account.x`). */
export function references(value: string): string[] {
  return [...value.matchAll(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)[.}\[]/g)].map((m) => m[1]);
}
