/**
 * Rules shared by several concerns, each defined once. They return problems (see problem.ts) and skip values that
 * are unresolved Terraform tokens (known only at apply time).
 */
import { Token } from "cdktf";
import { Problem, ProblemPath, unless } from "./problem";

/** A value Tandem can check now (not a Terraform token). */
export function known(value: unknown): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}

/** A whole number in [min, max]. */
export function intRange(path: ProblemPath, value: number | undefined, min: number, max: number, why = ""): Problem[] {
  if (!known(value)) return [];
  return unless(Number.isInteger(value) && value! >= min && value! <= max, path, value, `must be a whole number ${range(min, max)}${why ? ` (${why})` : ""}`);
}

/** A number in [min, max]. */
export function numberRange(path: ProblemPath, value: number | undefined, min: number, max: number, why = ""): Problem[] {
  if (!known(value)) return [];
  return unless(Number.isFinite(value) && value! >= min && value! <= max, path, value, `must be ${range(min, max)}${why ? ` (${why})` : ""}`);
}

function range(min: number, max: number): string {
  return max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}-${max}`;
}

/** Lower-case RFC 1035 label, as GCP resources and Kubernetes objects take it. */
export function rfc1035(path: ProblemPath, value: string | undefined, maxLength = 63, what = "name"): Problem[] {
  if (!known(value)) return [];
  const pattern = new RegExp(`^[a-z]([-a-z0-9]{0,${maxLength - 2}}[a-z0-9])?$`);
  return unless(pattern.test(value!), path, value, `must be a lower-case RFC 1035 ${what}: a-z, 0-9 and '-', starting with a letter, not ending with '-', at most ${maxLength} characters`);
}

/** 24-hour `HH:MM`, UTC. */
export function hhmm(path: ProblemPath, value: string | undefined): Problem[] {
  if (!known(value)) return [];
  return unless(/^([01]\d|2[0-3]):[0-5]\d$/.test(value!), path, value, "must be a 24-hour UTC time HH:MM");
}

/** An e-mail address (the part Google IAM and notification channels accept). */
export function email(path: ProblemPath, value: string | undefined, what = "an e-mail address"): Problem[] {
  if (!known(value)) return [];
  return unless(/^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/.test(value!), path, value, `must be ${what}`);
}

/** GCP labels: keys and values as Google accepts them. */
export function gcpLabels(path: ProblemPath, labels: Readonly<Record<string, string>> | undefined): Problem[] {
  const out: Problem[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    out.push(...unless(/^[a-z][a-z0-9_-]{0,62}$/.test(k), [...path, k], k, "label keys must be lower-case, start with a letter, at most 63 characters"));
    out.push(...unless(/^[a-z0-9_-]{0,63}$/.test(v), [...path, k], v, "label values must be lower-case letters, digits, '_' or '-', at most 63 characters"));
  }
  return out;
}

/**
 * An image reference that pins a release: a tag or a digest, never `:latest`. A registry's port is not a tag
 * (`registry.internal:5000/platform/api` runs as `:latest`).
 */
export function pinnedImage(path: ProblemPath, image: string | undefined): Problem[] {
  if (!known(image)) return [];
  const problem = imageProblem(image!);
  return problem ? [{ path, value: image, rule: problem, fix: 'pin a tag (":1.4.0") or a digest ("@sha256:...")' }] : [];
}

/** Why an image reference does not pin a release, or undefined. */
export function imageProblem(image: string): string | undefined {
  if (/\s/.test(image) || image === "") return "must be an image reference without spaces";
  if (image.includes("@")) return /@sha256:[0-9a-f]{64}$/.test(image) ? undefined : "has a malformed digest (@sha256: and 64 hex digits)";
  // The tag is what follows the last ':' after the last '/'; a ':' before a '/' is a registry port.
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return "names no tag or digest (a registry port is not a tag), so it would run as :latest";
  const tag = lastSegment.slice(colon + 1);
  if (tag === "latest") return "must pin a release, not :latest";
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return `has an invalid tag "${tag}"`;
  return undefined;
}

/** A TCP port a service may publish (no privileged ports). */
export function publishedPort(path: ProblemPath, port: number | undefined): Problem[] {
  return intRange(path, port, 1024, 65535, "no privileged ports");
}

/** A port a process listens on. */
export function listenPort(path: ProblemPath, port: number | undefined): Problem[] {
  return intRange(path, port, 1, 65535);
}

/** Names that appear twice in a list, for "must not repeat" rules. */
export function duplicates<T>(items: readonly T[]): T[] {
  const seen = new Set<T>();
  const twice = new Set<T>();
  for (const i of items) (seen.has(i) ? twice : seen).add(i);
  return [...twice];
}
