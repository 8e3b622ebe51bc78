/**
 * The port plan beside the legacy ports: the platform's own plan (`ParallelPlatform.portPlan`), its target column
 * as `npm run ports` prints it (`formatPlan`), and the ranges of the strategy (`rangeFor`, the allocator's own).
 */
import { PORT_CATEGORIES, PortCategory, PortPlan, PortStrategy, rangeFor } from "../../src/ports";
import { PortRangeModel, PortRow, PortsModel } from "./model";

/** service → target, from the markdown table `formatPlan(true)` prints (`| service | category | port | target | why |`). */
export function targetsFromTable(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of markdown.split("\n").slice(2)) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length >= 6 && cells[1]) out.set(cells[1], cells[4]);
  }
  return out;
}

export interface PortsInput {
  readonly plan: PortPlan;
  /** service → target, as `npm run ports` prints it. */
  readonly targets: ReadonlyMap<string, string>;
  /** Legacy ports by use. */
  readonly reserved: Readonly<Record<string, number>>;
  readonly avoid: readonly number[];
}

/** The ranges of a strategy, categories sharing one range merged (offset's web family serves three). */
export function strategyRanges(strategy: PortStrategy): { categories: PortCategory[]; start: number; end: number }[] {
  const out: { categories: PortCategory[]; start: number; end: number }[] = [];
  for (const category of PORT_CATEGORIES) {
    const r = rangeFor(strategy, category);
    const same = out.find((o) => o.start === r.start && o.end === r.end);
    if (same) same.categories.push(category);
    else out.push({ categories: [category], start: r.start, end: r.end });
  }
  return out.sort((a, b) => a.start - b.start);
}

export function portsModel(input: PortsInput): PortsModel {
  const { plan, reserved, avoid } = input;
  const legacyAt = new Map(Object.entries(reserved).map(([use, port]) => [port, use]));
  const rows: PortRow[] = plan.assignments.map((a) => ({
    service: a.service,
    category: a.category,
    port: a.port,
    target: input.targets.get(a.service) ?? "",
    why: a.why,
    pinned: a.pinned,
    notes: nearNotes(a.port, a.why, legacyAt, avoid),
  }));
  const kind = plan.strategy === "blocks" ? "block" : "family";
  const ranges: PortRangeModel[] = strategyRanges(plan.strategy).map((r) => {
    const inside = (p: number) => p >= r.start && p <= r.end;
    const services = plan.assignments.filter((a) => inside(a.port)).map((a) => ({ service: a.service, port: a.port }));
    const legacy = Object.entries(reserved)
      .filter(([, p]) => inside(p))
      .map(([use, port]) => ({ use, port }));
    const avoided = avoid.filter(inside);
    const fixed = new Set([...legacy.map((l) => l.port), ...avoided]);
    const taken = new Set([...services.map((s) => s.port), ...fixed]);
    return {
      label: `${r.categories.join(", ")} ${kind} ${r.start}-${r.end}`,
      categories: r.categories,
      start: r.start,
      end: r.end,
      services,
      legacy,
      avoided,
      free: r.end - r.start + 1 - taken.size,
    };
  });
  const legacy = Object.entries(reserved).map(([use, port]) => ({ use, port, note: legacyNote(port, plan) }));
  return { strategy: plan.strategy, rows, ranges, legacy, avoid: [...avoid] };
}

/** A legacy or avoided port right next to this one, or a derived port that stepped past one. */
function nearNotes(port: number, why: string, legacyAt: ReadonlyMap<number, string>, avoid: readonly number[]): string[] {
  const notes: string[] = [];
  for (const p of [port - 1, port + 1]) {
    if (legacyAt.has(p)) notes.push(`next to legacy ${legacyAt.get(p)} ${p}`);
    if (avoid.includes(p)) notes.push(`next to avoided ${p}`);
  }
  const stepped = /stepped past (.+)$/.exec(why);
  if (stepped) notes.push(`its name's slot was taken: stepped past ${stepped[1]}`);
  return notes;
}

/** The nearest new-platform port to a legacy one (the offset strategy's counterparts sit next to them). */
function legacyNote(port: number, plan: PortPlan): string {
  if (plan.assignments.length === 0) return "reserved: never allocated";
  const nearest = [...plan.assignments].sort((a, b) => Math.abs(a.port - port) - Math.abs(b.port - port) || a.port - b.port)[0];
  const d = nearest.port - port;
  if (Math.abs(d) > 200) return "reserved: never allocated; no new-platform port within 200 of it";
  return `reserved: never allocated; nearest new port ${nearest.port} (${nearest.service}, ${d > 0 ? "+" : ""}${d})`;
}
