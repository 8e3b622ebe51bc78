/**
 * What a release step changes, read from the synthesized stack before and after it: the resources whose bodies
 * differ (the `-target`s of a targeted apply), with their changed leaves, the order they go in, and what cannot be
 * applied by target. One function (`releaseTargets`) decides it, so what the release CLI shows is what it applies.
 */
import { diffValues, LeafChange } from "../../../src/preview/diff";
import { createMasker } from "../../../src/preview/mask";

type Body = Record<string, unknown>;
/** A synthesized stack (`cdk.tf.json`). */
export interface StackJson {
  readonly resource?: Record<string, Record<string, Body>>;
  readonly [block: string]: unknown;
}

export interface TargetChange {
  /** `kubernetes_config_map_v1.platform_k8s_router-config_4B1F2E6A` */
  readonly address: string;
  readonly action: "create" | "update" | "delete";
  /** The construct path (`staging/platform/k8s/router-config`). */
  readonly constructPath?: string;
  /** Changed leaves, for people (a multi-line string as a line diff). */
  readonly leaves: readonly LeafChange[];
}

export interface ReleaseTargets {
  /** Every resource whose body changes, by address. */
  readonly changes: readonly TargetChange[];
  /** The `-target`s of the first apply: changed resources another changed resource orders itself after (`depends_on`), i.e. capacity before traffic. */
  readonly first: readonly string[];
  /** Every target (the second apply; the first ones again are no-ops then). */
  readonly all: readonly string[];
  /** Resources whose only difference is ordering (`depends_on`) or what Terraform ignores (`lifecycle.ignore_changes`): no target. */
  readonly orderingOnly: readonly string[];
  /** Changes outside resources (outputs, providers, data sources, backend): a targeted apply cannot carry them. */
  readonly untargetable: readonly string[];
  /** Resources byte-identical before and after (their metadata aside). */
  readonly unchanged: number;
}

const META = new Set(["//", "depends_on", "lifecycle"]);

/** `spec[0].replicas` (ignore_changes syntax) -> `spec.replicas` (the synthesized JSON's path, blocks as objects). */
const ignoredPath = (p: string) => p.replace(/\[\d+\]/g, "");

function strip(body: Body): Body {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !META.has(k)));
}

/** `body` without the leaves `lifecycle.ignore_changes` names (Terraform keeps what is in the state there). */
function withoutIgnored(body: Body, ignored: readonly string[]): Body {
  const copy = structuredClone(strip(body));
  for (const path of ignored.map(ignoredPath)) {
    const keys = path.split(".");
    let node: unknown = copy;
    for (const k of keys.slice(0, -1)) node = typeof node === "object" && node !== null ? (node as Body)[k] : undefined;
    if (typeof node === "object" && node !== null) delete (node as Body)[keys[keys.length - 1]];
  }
  return copy;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** The addresses a resource's `depends_on` names (`type.name`, as cdktf writes them). */
const dependsOn = (body: Body | undefined): string[] => (Array.isArray(body?.depends_on) ? (body.depends_on as unknown[]).filter((d): d is string => typeof d === "string").map((d) => d.replace(/^\$\{(.*)\}$/, "$1")) : []);

/** The targets of a release step: everything that changes, in two applies, and what a targeted apply cannot do. */
export function releaseTargets(before: StackJson, after: StackJson): ReleaseTargets {
  const masker = createMasker();
  const changes: TargetChange[] = [];
  const orderingOnly: string[] = [];
  let unchanged = 0;
  const types = [...new Set([...Object.keys(before.resource ?? {}), ...Object.keys(after.resource ?? {})])].sort();
  for (const type of types) {
    const ids = [...new Set([...Object.keys(before.resource?.[type] ?? {}), ...Object.keys(after.resource?.[type] ?? {})])].sort();
    for (const id of ids) {
      const a = before.resource?.[type]?.[id];
      const b = after.resource?.[type]?.[id];
      const address = `${type}.${id}`;
      const constructPath = ((b ?? a)?.["//"] as { metadata?: { path?: string } } | undefined)?.metadata?.path;
      if (a && b && same(a, b)) {
        unchanged++;
        continue;
      }
      if (!a || !b) {
        changes.push({ address, action: a ? "delete" : "create", constructPath, leaves: diffValues({ before: a ? strip(a) : undefined, after: b ? strip(b) : undefined }, masker).changes });
        continue;
      }
      const ignored = ((b.lifecycle as { ignore_changes?: string[] } | undefined)?.ignore_changes ?? []).filter((p) => typeof p === "string");
      const [x, y] = [withoutIgnored(a, ignored), withoutIgnored(b, ignored)];
      if (same(x, y) && same(a.lifecycle, b.lifecycle)) {
        orderingOnly.push(address);
        continue;
      }
      changes.push({ address, action: "update", constructPath, leaves: diffValues({ before: x, after: y }, masker).changes });
    }
  }
  const all = changes.map((c) => c.address);
  // A target another target orders itself after (`depends_on`) goes first: capacity before traffic.
  const first = all.filter((addr) => changes.some((c) => c.address !== addr && c.action !== "delete" && dependsOn(resourceOf(after, c.address)).includes(addr)));
  const untargetable: string[] = [];
  for (const block of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (block === "resource" || block === "//") continue;
    if (!same(before[block], after[block])) untargetable.push(block);
  }
  return { changes, first, all, orderingOnly, untargetable, unchanged };
}

function resourceOf(json: StackJson, address: string): Body | undefined {
  const dot = address.indexOf(".");
  return json.resource?.[address.slice(0, dot)]?.[address.slice(dot + 1)];
}

/** The changes as a person reads them before anything is applied. */
export function formatTargets(t: ReleaseTargets): string[] {
  const out: string[] = [];
  for (const c of t.changes) {
    out.push(`${c.action === "create" ? "+" : c.action === "delete" ? "-" : "~"} ${c.address}${c.constructPath ? `  (${c.constructPath})` : ""}`);
    if (c.action !== "update") continue;
    for (const leaf of c.leaves) {
      if (leaf.lines) out.push(`    ${leaf.path}:`, ...leaf.lines.map((l) => `      ${l}`));
      else out.push(`    ${leaf.path}: ${leaf.before} → ${leaf.after}`);
    }
  }
  out.push(`${t.changes.length} resource(s) change; ${t.unchanged} unchanged${t.orderingOnly.length > 0 ? `; ${t.orderingOnly.length} differ only in ordering or ignored attributes (not targeted): ${t.orderingOnly.join(", ")}` : ""}`);
  return out;
}
