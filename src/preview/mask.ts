/**
 * What the preview never prints. Four rules, applied at every depth of every value (resources, drift, outputs):
 * 1. the plan's own sensitive markers (`before_sensitive` / `after_sensitive`, which mirror the value's shape);
 * 2. key names that say "secret" (`password`, `auth_string`, `DB_PASSWORD`, ...), wherever the key is;
 * 3. env entries by their name: `{ name: "DB_PASSWORD", value: "..." }` (Kubernetes) and `"DB_PASSWORD=..."` (Docker);
 * 4. value masks from the policy file (regular expressions, or a literal read from an environment variable),
 *    as tfcmt's masks do.
 * Every value hidden by 1-3 is also remembered, and the finished comment is scrubbed of it, so a secret hidden
 * in one place cannot show up in another (say, inside a connection string that no rule caught).
 */

/** What replaces a hidden value. */
export const MASKED = "(sensitive)";
/** What replaces a value-mask match inside a longer text. */
export const MASK_MATCH = "***";

/** Key names whose values are never shown. Case-insensitive; matched anywhere in the key. */
export const SECRET_KEY_PATTERN = /(passw(or)?d|secret|token|private_?key|client_key|auth_string|credential|certificate_key|api_?key|access_key|signing_key|_wo$)/i;

/** Keys that match the pattern but hold names or switches, not secrets (a secret's id, "mount the token?"). */
export const NOT_SECRET_KEYS: readonly string[] = [
  "secret_id",
  "secret_name",
  "secret_key_ref",
  "secret_ref",
  "secret_manager_config",
  "secret_environment_variables",
  "password_version",
  "automount_service_account_token",
  "token_uri",
];

/** Remembered secrets shorter than this are not scrubbed from the whole comment (it would garble "8080", "true"). */
export const MIN_SCRUB_LENGTH = 6;

/** A value mask, as in the policy file. */
export type ValueMask = { readonly regexp: string } | { readonly env: string };

export interface MaskOptions {
  /** More key-name patterns (regular expression sources), added to {@link SECRET_KEY_PATTERN}. */
  readonly keys?: readonly string[];
  /** More keys that are not secrets. */
  readonly notSecretKeys?: readonly string[];
  readonly values?: readonly ValueMask[];
  /** Where `{ env }` masks read their literal. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The masking rules of one run, and the secrets seen so far (for the final scrub). */
export interface Masker {
  /** Whether a key's value is secret by its name. */
  isSecretKey(key: string): boolean;
  /** Whether an env entry of this name holds a secret. */
  isSecretName(name: string): boolean;
  /** Remembers a hidden value (every string inside it) so that the final scrub removes it everywhere. */
  remember(value: unknown): void;
  /** Applies the value masks to a text that is about to be shown. */
  maskText(text: string): string;
  /** The final pass over the whole comment: value masks and every remembered secret. */
  scrub(text: string): string;
}

export function createMasker(options: MaskOptions = {}): Masker {
  const keyPatterns = [SECRET_KEY_PATTERN, ...(options.keys ?? []).map((k) => new RegExp(k, "i"))];
  const notSecret = new Set([...NOT_SECRET_KEYS, ...(options.notSecretKeys ?? [])].map((k) => k.toLowerCase()));
  const env = options.env ?? process.env;
  const patterns: RegExp[] = [];
  const literals = new Set<string>();
  for (const m of options.values ?? []) {
    if ("regexp" in m) patterns.push(new RegExp(m.regexp, "g"));
    else if (env[m.env]) literals.add(env[m.env] as string);
  }
  const isSecretName = (name: string) => !notSecret.has(name.toLowerCase()) && keyPatterns.some((p) => p.test(name));
  const maskText = (text: string) => patterns.reduce((t, p) => t.replace(p, MASK_MATCH), replaceLiterals(text, literals));
  return {
    isSecretKey: isSecretName,
    isSecretName,
    remember(value: unknown) {
      for (const s of stringsIn(value)) if (s.length >= MIN_SCRUB_LENGTH) literals.add(s);
    },
    maskText,
    scrub: maskText,
  };
}

/** Masks a whole value tree by key names and env-entry names (for values shown in one piece, e.g. JSON in a string). */
export function maskTree(value: unknown, masker: Masker): unknown {
  if (Array.isArray(value)) return value.map((v) => maskTree(typeof v === "string" ? maskEnvString(v, masker) : v, masker));
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (isSecretChild(obj, k, masker) && !isHarmless(v)) {
      masker.remember(v);
      out[k] = MASKED;
    } else out[k] = maskTree(v, masker);
  }
  return out;
}

/** Whether `obj[key]` is secret: by its key name, or as the `value` of an env entry with a secret `name`. */
export function isSecretChild(obj: Readonly<Record<string, unknown>> | undefined, key: string, masker: Masker): boolean {
  if (masker.isSecretKey(key)) return true;
  return key === "value" && typeof obj?.name === "string" && masker.isSecretName(obj.name);
}

/** `DB_PASSWORD=hunter2` (Docker's env list) with a secret name: the value part masked. */
export function maskEnvString(s: string, masker: Masker): string {
  const m = /^([A-Za-z_][A-Za-z0-9_.-]*)=([\s\S]*)$/.exec(s);
  if (!m || !masker.isSecretName(m[1]) || m[2] === "") return s;
  masker.remember(m[2]);
  return `${m[1]}=${MASKED}`;
}

/** Booleans and empty values cannot carry a secret; showing them keeps `automount_token: false` readable. */
export function isHarmless(v: unknown): boolean {
  return v === null || v === undefined || typeof v === "boolean" || v === "" || (Array.isArray(v) && v.length === 0);
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value === "number") return [String(value)];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

function replaceLiterals(text: string, literals: ReadonlySet<string>): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  for (const s of [...literals].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join(MASK_MATCH);
    // The comment shows strings JSON-quoted: catch the escaped form too (quotes, newlines in a secret).
    const quoted = JSON.stringify(s).slice(1, -1);
    if (quoted !== s && out.includes(quoted)) out = out.split(quoted).join(MASK_MATCH);
  }
  return out;
}
