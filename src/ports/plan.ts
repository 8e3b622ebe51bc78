/**
 * The port plan: which port each new-platform service gets, such that no legacy port is ever touched.
 * Pure logic, no cdktf.
 *
 * Allocation rule (deterministic and stable):
 * - A pinned service gets its pin, after checks.
 * - An unpinned service gets `range.start + (fnv1a(name) mod range size)`, skipping forward (within its
 *   range, wrapping) only past ports that are reserved by legacy, on the avoid list or pinned by config.
 *   Those three sets are fixed inputs, so a service's port depends only on its own name and category and
 *   on them: adding, removing or reordering *other unpinned* services never moves it.
 * - If two services land on the same port, nothing is moved silently: the plan fails naming both and
 *   suggests pinning one of them to a free port.
 */

/** Service categories (seed 001's blocks). */
export const PORT_CATEGORIES = ["public", "frontend", "backend", "database", "cache", "queue", "monitoring", "dev", "integration"] as const;
export type PortCategory = (typeof PORT_CATEGORIES)[number];

/** `offset` (seed 000: counterparts next to the legacy ports) or `blocks` (seed 001: 30000-30999 by category). */
export type PortStrategy = "offset" | "blocks";

/** An inclusive port range. */
export interface PortRange {
  readonly start: number;
  readonly end: number;
}

/** Seed 001: 30000-30999 in ten blocks of 100; 309xx stays reserved. Fits Kubernetes NodePorts (30000-32767). */
export const BLOCKS: Record<PortCategory, PortRange> = {
  public: { start: 30000, end: 30099 },
  frontend: { start: 30100, end: 30199 },
  backend: { start: 30200, end: 30299 },
  database: { start: 30300, end: 30399 },
  cache: { start: 30400, end: 30499 },
  queue: { start: 30500, end: 30599 },
  monitoring: { start: 30600, end: 30699 },
  dev: { start: 30700, end: 30799 },
  integration: { start: 30800, end: 30899 },
};

/**
 * Seed 000: the web family sits at legacy web + 100 (8100-8199), stores at legacy + 1 (PostgreSQL 5433-5439,
 * Redis 6380-6389), and the other families in their own hundreds (8200, 8300, 8400), dev tools at 3100,
 * monitoring at 9191 (clear of Prometheus' 9090).
 */
export const OFFSET_FAMILIES: Record<PortCategory, PortRange> = {
  public: { start: 8100, end: 8199 },
  frontend: { start: 8100, end: 8199 },
  backend: { start: 8100, end: 8199 },
  integration: { start: 8200, end: 8299 },
  queue: { start: 8300, end: 8399 },
  database: { start: 5433, end: 5439 },
  cache: { start: 6380, end: 6389 },
  dev: { start: 3100, end: 3199 },
  monitoring: { start: 9191, end: 9199 },
};

/** One service asking for a port. */
export interface PortRequest {
  readonly category: PortCategory;
  /** A fixed port; it must still pass every rule (legacy, avoid list, range, block). */
  readonly port?: number;
}

export interface PortPlanInput {
  readonly strategy: PortStrategy;
  /** Legacy ports, keyed by what uses them (`web`, `postgres`, ...): never allocated. */
  readonly reserved: Readonly<Record<string, number>>;
  /** Services keyed by name. */
  readonly services: Readonly<Record<string, PortRequest>>;
  /** Ports never to use (e.g. 9090, a Prometheus default on many hosts). @default [] */
  readonly avoid?: readonly number[];
}

export interface PortAssignment {
  readonly service: string;
  readonly category: PortCategory;
  readonly port: number;
  /** Why this port: pinned, or derived from the name within a range. */
  readonly why: string;
}

export interface PortPlan {
  readonly strategy: PortStrategy;
  /** Sorted by port. */
  readonly assignments: readonly PortAssignment[];
}

/** One rule broken, naming every claimant. */
export interface PortConflict {
  readonly port: number;
  readonly claimants: readonly string[];
  readonly rule: string;
}

/** Thrown by {@link planPorts}; lists every conflict. */
export class PortConflictError extends Error {
  constructor(readonly conflicts: readonly PortConflict[]) {
    super(`Port plan conflicts:\n${conflicts.map((c) => `  - port ${c.port}: ${c.claimants.join(" and ")}: ${c.rule}`).join("\n")}`);
    this.name = "PortConflictError";
  }
}

/** The range a category allocates from under a strategy. */
export function rangeFor(strategy: PortStrategy, category: PortCategory): PortRange {
  return strategy === "blocks" ? BLOCKS[category] : OFFSET_FAMILIES[category];
}

/** 32-bit FNV-1a: tiny, stable across Node versions and platforms. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Allocates a port to every service.
 * @throws PortConflictError listing every conflict, each naming its claimants and the rule.
 */
export function planPorts(input: PortPlanInput): PortPlan {
  const conflicts: PortConflict[] = [];
  const avoid = new Set(input.avoid ?? []);
  const legacyByPort = new Map<number, string>();
  for (const [name, port] of Object.entries(input.reserved)) legacyByPort.set(port, `legacy ${name}`);

  const pinned = new Map<number, string>();
  for (const [service, req] of Object.entries(input.services)) {
    if (req.port === undefined) continue;
    const claimant = `service "${service}"`;
    const port = req.port;
    if (!Number.isInteger(port) || port < 1024 || port > 65535) {
      conflicts.push({ port, claimants: [claimant], rule: port > 65535 ? "above 65535, not a TCP port" : "below 1024 (privileged) or not a whole number" });
      continue;
    }
    if (legacyByPort.has(port)) conflicts.push({ port, claimants: [claimant, legacyByPort.get(port)!], rule: "reserved by the legacy system" });
    if (avoid.has(port)) conflicts.push({ port, claimants: [claimant, "the avoid list"], rule: "on the avoid list" });
    const block = BLOCKS[req.category];
    if (input.strategy === "blocks" && (port < block.start || port > block.end)) {
      conflicts.push({ port, claimants: [claimant], rule: `outside the ${req.category} block ${block.start}-${block.end}` });
    }
    if (pinned.has(port)) conflicts.push({ port, claimants: [pinned.get(port)!, claimant], rule: "claimed twice" });
    else pinned.set(port, claimant);
  }

  const assignments: PortAssignment[] = [];
  const taken = new Map<number, string>(pinned);
  const blocked = (port: number) => legacyByPort.has(port) || avoid.has(port) || pinned.has(port);
  for (const [service, req] of Object.entries(input.services).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (req.port !== undefined) {
      assignments.push({ service, category: req.category, port: req.port, why: "pinned in config" });
      continue;
    }
    const range = rangeFor(input.strategy, req.category);
    const size = range.end - range.start + 1;
    const first = fnv1a(service) % size;
    let port: number | undefined;
    for (let i = 0; i < size; i++) {
      const candidate = range.start + ((first + i) % size);
      if (!blocked(candidate)) {
        port = candidate;
        break;
      }
    }
    const claimant = `service "${service}"`;
    if (port === undefined) {
      conflicts.push({ port: range.start, claimants: [claimant], rule: `the ${req.category} range ${range.start}-${range.end} is full` });
      continue;
    }
    if (taken.has(port)) {
      const free = freePorts(range, (p) => blocked(p) || taken.has(p), 3);
      conflicts.push({
        port,
        claimants: [taken.get(port)!, claimant],
        rule: `both derive this port; pin one of them${free.length > 0 ? ` (free in ${range.start}-${range.end}: ${free.join(", ")})` : ""}`,
      });
      continue;
    }
    taken.set(port, claimant);
    assignments.push({ service, category: req.category, port, why: `derived from the name in the ${req.category} range ${range.start}-${range.end}` });
  }
  if (conflicts.length > 0) throw new PortConflictError(conflicts);
  assignments.sort((a, b) => a.port - b.port);
  return { strategy: input.strategy, assignments };
}

function freePorts(range: PortRange, used: (p: number) => boolean, max: number): number[] {
  const out: number[] = [];
  for (let p = range.start; p <= range.end && out.length < max; p++) if (!used(p)) out.push(p);
  return out;
}

/** The plan as a fixed-width or markdown table: service, category, port, target, why. */
export function formatPortPlan(plan: PortPlan, target: (a: PortAssignment) => string, markdown = false): string {
  const rows = plan.assignments.map((a) => [a.service, a.category, String(a.port), target(a), a.why]);
  const header = ["service", "category", "port", "target", "why"];
  if (markdown) {
    return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n") + "\n";
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}
