/**
 * The policy file (`--policy tandem-preview.json`): what the guard does per stack and level, more guard rules,
 * who may acknowledge, and more masks. Every field is optional; an absent file means {@link DEFAULT_POLICY}.
 *
 * ```json
 * {
 *   "stacks": { "production": { "data-loss": "block", "outage": "block", "will-fail": "block" }, "*-staging": { "data-loss": "warn" } },
 *   "rules": [{ "id": "bigquery", "types": ["google_bigquery_dataset"], "level": "data-loss", "reason": "deletes every table" }],
 *   "disableRules": ["sql-user"],
 *   "acknowledge": { "allowAuthor": false },
 *   "mask": { "keys": ["^x_internal_"], "values": [{ "regexp": "AKIA[0-9A-Z]{16}" }, { "env": "LEGACY_API_TOKEN" }] }
 * }
 * ```
 */
import { z } from "zod";
import { GUARD_LEVELS, GuardAction, GuardLevel, GuardRule } from "./rules";
import { MaskOptions } from "./mask";

export interface PreviewPolicy {
  /** Per stack id (or glob, `*` any characters): the action per level. Unlisted levels and stacks are `info`. */
  readonly stacks: Readonly<Record<string, Partial<Record<GuardLevel, GuardAction>>>>;
  /** Rules added to the built-in ones. */
  readonly rules: readonly GuardRule[];
  /** Ids of built-in rules to turn off. */
  readonly disableRules: readonly string[];
  readonly acknowledge: {
    /** May the PR's author acknowledge their own findings? @default false (a second person looks) */
    readonly allowAuthor: boolean;
    /** Repository permissions an acknowledger needs. @default ["admin", "maintain", "write"] */
    readonly permissions: readonly string[];
  };
  readonly mask: Pick<MaskOptions, "keys" | "notSecretKeys" | "values">;
}

/** Tandem's own stacks: production blocks every level; staging warns; anything else is listed only. */
export const DEFAULT_POLICY: PreviewPolicy = {
  stacks: {
    production: { "data-loss": "block", outage: "block", "will-fail": "block" },
    staging: { "data-loss": "warn", outage: "warn", "will-fail": "warn" },
  },
  rules: [],
  disableRules: [],
  acknowledge: { allowAuthor: false, permissions: ["admin", "maintain", "write"] },
  mask: {},
};

const level = z.enum(GUARD_LEVELS);
const action = z.enum(["block", "warn", "info"]);
const kind = z.enum(["destroy", "replace", "delete-first-replace"]);
const regexSource = z.string().refine((s) => isRegex(s), "must be a valid regular expression");

const policySchema = z.strictObject({
  $schema: z.string().optional(),
  stacks: z.record(z.string().min(1), z.strictObject({ "data-loss": action.optional(), outage: action.optional(), "will-fail": action.optional() })).optional(),
  rules: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9-]+$/, "ids are lower-case words and dashes"),
        types: z.array(z.string().regex(/^[a-z0-9_]+$/, "must be a resource type such as google_sql_database_instance")).min(1),
        kinds: z.array(kind).min(1).optional(),
        level,
        reason: z.string().min(3),
      }),
    )
    .optional(),
  disableRules: z.array(z.string()).optional(),
  acknowledge: z.strictObject({ allowAuthor: z.boolean().optional(), permissions: z.array(z.enum(["admin", "maintain", "write", "triage", "read"])).min(1).optional() }).optional(),
  mask: z
    .strictObject({
      keys: z.array(regexSource).optional(),
      notSecretKeys: z.array(z.string()).optional(),
      values: z.array(z.union([z.strictObject({ regexp: regexSource }), z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) })])).optional(),
    })
    .optional(),
});

/** Reads a policy file's text; throws naming the file and every problem. Fields not given keep the defaults. */
export function parsePolicy(text: string, file: string): PreviewPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  const result = policySchema.safeParse(raw);
  if (!result.success) {
    throw new Error(`${file}: invalid policy:\n${result.error.issues.map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n")}`);
  }
  const p = result.data;
  return {
    stacks: p.stacks ?? DEFAULT_POLICY.stacks,
    rules: (p.rules ?? []).map((r) => ({ ...r, kinds: r.kinds ?? ["destroy", "replace"] })),
    disableRules: p.disableRules ?? [],
    acknowledge: { allowAuthor: p.acknowledge?.allowAuthor ?? false, permissions: p.acknowledge?.permissions ?? DEFAULT_POLICY.acknowledge.permissions },
    mask: p.mask ?? {},
  };
}

/** The action for a level in a stack: an exact stack id first, then the longest matching glob. */
export function actionFor(policy: PreviewPolicy, stack: string, lvl: GuardLevel): GuardAction {
  const exact = policy.stacks[stack];
  if (exact) return exact[lvl] ?? "info";
  const globs = Object.keys(policy.stacks)
    .filter((k) => k.includes("*") && glob(k).test(stack))
    .sort((a, b) => b.length - a.length);
  return globs.length > 0 ? (policy.stacks[globs[0]][lvl] ?? "info") : "info";
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

function isRegex(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}
