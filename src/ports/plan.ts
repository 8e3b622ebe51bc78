/**
 * The port plan: which port each new-platform service gets, such that no legacy port is ever touched.
 * Pure logic, no cdktf.
 *
 * Allocation rule (deterministic and stable, no state file):
 * - A pinned service gets its pin, after checks (legacy, avoid list, 1024-65535, its block under `blocks`).
 * - An unpinned service gets `range.start + (fnv1a(name) mod range size)`, stepping forward (within its range,
 *   wrapping) only past ports that are reserved by legacy or on the avoid list. Those two sets belong to the
 *   environment, not to any service, so a service's port is a function of its own name and category, the
 *   strategy, the legacy ports and the avoid list, and of nothing else.
 * - Hence adding, removing, reordering or re-pinning *other* services never moves a service. When two services
 *   claim one port (two pins, a pin on another's derived port, or two names hashing to the same slot) nothing
 *   is moved to make room, because whichever moved would then depend on the other: the plan fails naming both
 *   and lists free ports to pin one of them to.
 * - A range with more claimants than usable ports fails as "full", naming every claimant.
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
 * Seed 000's families around NetBox's ports (web 8000, PostgreSQL 5432, Redis 6379): the web family at legacy
 * web + 100 (8100-8199), stores at legacy + 1 (PostgreSQL 5433-5439, Redis 6380-6389), the other families in
 * their own hundreds (8200, 8300), dev tools at 3100 (Vite 3000 + 100), monitoring at 9191 (clear of 9090).
 * Under `offset` these are where *derived* ports come from; a pin may sit outside them (seed 000 pins
 * Grafana to 3200), but never on a legacy or avoided port.
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
  /** A fixed port; it must still pass every rule (legacy, avoid list, range, block). @default - derived from the name */
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
  /** Pinned, or derived from the name within a range. */
  readonly pinned: boolean;
  /** Why this port, for people reading the plan. */
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
  /** `service "<name>"`, `legacy <use>` or `the avoid list`, for people; the service to change comes first. */
  readonly claimants: readonly string[];
  /** The services among the claimants, in the same order: the first is the one to change. */
  readonly services: readonly string[];
  readonly rule: string;
}

/** Thrown by {@link planPorts}; lists every conflict. */
export class PortConflictError extends Error {
  constructor(readonly conflicts: readonly PortConflict[]) {
    super(`Port plan conflicts:\n${conflicts.map((c) => `  - ${describeConflict(c)}`).join("\n")}`);
    this.name = "PortConflictError";
  }
}

/** `port 8000: service "web" and legacy web: reserved by the legacy system`. */
export function describeConflict(c: PortConflict): string {
  return `port ${c.port}: ${c.claimants.join(" and ")}: ${c.rule}`;
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

interface Claim {
  readonly service: string;
  readonly category: PortCategory;
  readonly port: number;
  readonly pinned: boolean;
  readonly range: PortRange;
  readonly skipped: readonly number[];
}

const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);
const label = (service: string) => `service "${service}"`;
const rangeText = (r: PortRange) => `${r.start}-${r.end}`;

/**
 * Allocates a port to every service (see the rule at the top of this file).
 * @throws PortConflictError listing every conflict, each naming its claimants and the rule.
 */
export function planPorts(input: PortPlanInput): PortPlan {
  const result = computePortPlan(input);
  if (!result.plan) throw new PortConflictError(result.conflicts);
  return result.plan;
}

/** The plan, or every conflict as data (the same rule as {@link planPorts}, without throwing). */
export function computePortPlan(input: PortPlanInput): { readonly plan?: PortPlan; readonly conflicts: readonly PortConflict[] } {
  if (input.strategy !== "offset" && input.strategy !== "blocks") throw new Error(`port strategy is "${String(input.strategy)}"; use "offset" or "blocks".`);
  const conflicts: PortConflict[] = [];
  const avoid = new Set(input.avoid ?? []);
  const legacyByPort = new Map<number, string>();
  for (const [use, port] of Object.entries(input.reserved).sort(byName)) if (!legacyByPort.has(port)) legacyByPort.set(port, `legacy ${use}`);
  // Ports no service may take, whatever the other services are: the only ports a derived port steps past.
  const fixed = (port: number) => legacyByPort.has(port) || avoid.has(port);

  const claims: Claim[] = [];
  for (const [service, req] of Object.entries(input.services).sort(byName)) {
    const claimant = label(service);
    if (!(PORT_CATEGORIES as readonly string[]).includes(req.category)) {
      conflicts.push({ port: req.port ?? 0, claimants: [claimant], services: [service], rule: `unknown category "${String(req.category)}" (use one of ${PORT_CATEGORIES.join(", ")})` });
      continue;
    }
    const range = rangeFor(input.strategy, req.category);
    if (req.port !== undefined) {
      const port = req.port;
      if (!Number.isInteger(port) || port < 1024 || port > 65535) {
        conflicts.push({ port, claimants: [claimant], services: [service], rule: port > 65535 ? "above 65535, not a TCP port" : "below 1024 (privileged) or not a whole number" });
        continue;
      }
      let ok = true;
      if (legacyByPort.has(port)) {
        conflicts.push({ port, claimants: [claimant, legacyByPort.get(port)!], services: [service], rule: "reserved by the legacy system" });
        ok = false;
      }
      if (avoid.has(port)) {
        conflicts.push({ port, claimants: [claimant, "the avoid list"], services: [service], rule: "on the avoid list" });
        ok = false;
      }
      if (input.strategy === "blocks" && (port < range.start || port > range.end)) {
        conflicts.push({ port, claimants: [claimant], services: [service], rule: `outside the ${req.category} block ${rangeText(range)}` });
        ok = false;
      }
      if (ok) claims.push({ service, category: req.category, port, pinned: true, range, skipped: [] });
      continue;
    }
    const size = range.end - range.start + 1;
    const first = fnv1a(service) % size;
    const skipped: number[] = [];
    let port: number | undefined;
    for (let i = 0; i < size && port === undefined; i++) {
      const candidate = range.start + ((first + i) % size);
      if (fixed(candidate)) skipped.push(candidate);
      else port = candidate;
    }
    if (port === undefined) {
      conflicts.push({ port: range.start, claimants: [claimant], services: [service], rule: `the ${req.category} range ${rangeText(range)} is full: every port in it is reserved by legacy or on the avoid list` });
      continue;
    }
    claims.push({ service, category: req.category, port, pinned: false, range, skipped });
  }

  // A range with more claimants than usable ports: say so once, instead of one collision per pair.
  const fullRanges = new Set<string>();
  for (const range of uniqueRanges(claims)) {
    const inRange = claims.filter((c) => c.port >= range.start && c.port <= range.end);
    let usable = 0;
    for (let p = range.start; p <= range.end; p++) if (!fixed(p)) usable++;
    if (inRange.length > usable) {
      fullRanges.add(rangeText(range));
      conflicts.push({ port: range.start, claimants: inRange.map((c) => label(c.service)), services: inRange.map((c) => c.service), rule: `the range ${rangeText(range)} is full: ${inRange.length} services for ${usable} usable ports` });
    }
  }

  const byPort = new Map<number, Claim[]>();
  for (const c of claims) byPort.set(c.port, [...(byPort.get(c.port) ?? []), c]);
  const taken = (p: number) => fixed(p) || byPort.has(p);
  for (const [port, group] of byPort) {
    if (group.length < 2 || fullRanges.has(rangeText(group[0].range))) continue;
    const pins = group.filter((c) => c.pinned);
    const derived = group.filter((c) => !c.pinned);
    // The service to change comes first: a derived one (pin it elsewhere), else the later pin.
    const ordered = [...derived, ...pins];
    const free = freePorts(derived[0]?.range ?? pins[pins.length - 1].range, taken, 3);
    const hint = free.length > 0 ? ` (free: ${free.join(", ")})` : "";
    let rule: string;
    if (derived.length === 0) rule = `claimed twice; pin one of them to another port${hint}`;
    else if (pins.length === 0) rule = `both derive this port from their names; pin one of them${hint}`;
    else rule = `${derived.map((c) => label(c.service)).join(", ")} derives this port from its name and ${pins.map((c) => label(c.service)).join(", ")} pins it; pin the derived one elsewhere${hint} or change the pin`;
    const claimed = derived.length === 0 ? pins : ordered;
    conflicts.push({ port, claimants: claimed.map((c) => label(c.service)), services: claimed.map((c) => c.service), rule });
  }

  if (conflicts.length > 0) return { conflicts };
  const assignments: PortAssignment[] = claims.map((c) => ({ service: c.service, category: c.category, port: c.port, pinned: c.pinned, why: why(c, input.strategy, legacyByPort) }));
  assignments.sort((a, b) => a.port - b.port || (a.service < b.service ? -1 : 1));
  return { plan: { strategy: input.strategy, assignments }, conflicts: [] };
}

/** The port a service got. @throws when the plan has no such service */
export function portOf(plan: PortPlan, service: string): number {
  const a = plan.assignments.find((x) => x.service === service);
  if (!a) throw new Error(`the port plan has no service "${service}" (it has ${plan.assignments.map((x) => x.service).join(", ")})`);
  return a.port;
}

function why(c: Claim, strategy: PortStrategy, legacy: Map<number, string>): string {
  const where = `${c.category} ${strategy === "blocks" ? "block" : "range"} ${rangeText(c.range)}`;
  if (c.pinned) return c.port >= c.range.start && c.port <= c.range.end ? `pinned in config, in the ${where}` : `pinned in config (outside the ${where})`;
  const skipped = c.skipped.map((p) => `${p} ${legacy.get(p) ?? "avoided"}`);
  return `derived from the name in the ${where}${skipped.length > 0 ? `, stepped past ${skipped.join(", ")}` : ""}`;
}

function uniqueRanges(claims: readonly Claim[]): PortRange[] {
  const seen = new Map<string, PortRange>();
  for (const c of claims) seen.set(rangeText(c.range), c.range);
  return [...seen.values()];
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
