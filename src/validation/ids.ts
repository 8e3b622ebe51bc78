import { createHash } from "node:crypto";

/**
 * A Google service account id (6-30 characters, lower-case letters, digits and '-', starting with a letter and
 * ending with a letter or digit) made of a base and a suffix; shortened with a stable hash of the whole when too long,
 * so the id never changes between runs and two long names never collide.
 */
export function serviceAccountId(base: string, suffix: string): string {
  const full = `${base}-${suffix}`.replace(/[^a-z0-9-]/g, "-");
  if (full.length <= 30) return full.length >= 6 ? full.replace(/-+$/, "") : `${full}-sa`.slice(0, 30);
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 6);
  return `${full.slice(0, 23).replace(/-+$/, "")}-${hash}`;
}
