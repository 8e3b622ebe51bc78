import { BLOCKS, fnv1a, formatPortPlan, PORT_CATEGORIES, PortCategory, PortConflictError, planPorts, PortPlanInput, PortRequest } from "../../src/ports";

const SEED_000_LEGACY = { web: 8000, postgres: 5432, redis: 6379 };

function conflicts(input: PortPlanInput): string {
  try {
    planPorts(input);
  } catch (e) {
    expect(e).toBeInstanceOf(PortConflictError);
    return (e as Error).message;
  }
  throw new Error("expected a conflict");
}

/** A small seeded PRNG (mulberry32) so the property test is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("planPorts", () => {
  test("seed 000's pinned plan passes and never touches a legacy port", () => {
    const plan = planPorts({
      strategy: "offset",
      reserved: SEED_000_LEGACY,
      avoid: [9090],
      services: {
        web: { category: "frontend", port: 8100 },
        "api-gateway": { category: "backend", port: 8101 },
        graphql: { category: "backend", port: 8102 },
        websocket: { category: "backend", port: 8103 },
        prometheus: { category: "monitoring", port: 9191 },
        "postgres-new": { category: "database", port: 5433 },
        "redis-new": { category: "cache", port: 6380 },
      },
    });
    expect(plan.assignments.map((a) => a.port)).toEqual([5433, 6380, 8100, 8101, 8102, 8103, 9191]);
    for (const a of plan.assignments) expect(Object.values(SEED_000_LEGACY)).not.toContain(a.port);
  });

  test("blocks: an unpinned service lands in its category's block", () => {
    const services: Record<string, PortRequest> = {};
    for (const c of PORT_CATEGORIES) services[`svc-${c}`] = { category: c };
    const plan = planPorts({ strategy: "blocks", reserved: {}, services });
    for (const a of plan.assignments) {
      expect(a.port).toBeGreaterThanOrEqual(BLOCKS[a.category].start);
      expect(a.port).toBeLessThanOrEqual(BLOCKS[a.category].end);
      expect(a.why).toMatch(/derived from the name/);
    }
  });

  test("a derived port skips reserved, avoided and pinned ports", () => {
    const name = "api";
    const natural = BLOCKS.backend.start + (fnv1a(name) % 100);
    const plan = planPorts({ strategy: "blocks", reserved: { legacy: natural }, avoid: [natural + 1], services: { [name]: { category: "backend" }, pinned: { category: "backend", port: natural + 2 } } });
    expect(plan.assignments.find((a) => a.service === name)?.port).toBe(natural + 3 > BLOCKS.backend.end ? BLOCKS.backend.start + (natural + 3 - BLOCKS.backend.end - 1) : natural + 3);
  });

  test.each([
    ["a legacy port", { web: { category: "frontend" as PortCategory, port: 8000 } }, /port 8000: service "web" and legacy web: reserved by the legacy system/],
    ["two services", { a: { category: "backend" as PortCategory, port: 8101 }, b: { category: "backend" as PortCategory, port: 8101 } }, /port 8101: service "a" and service "b": claimed twice/],
    ["the avoid list", { prom: { category: "monitoring" as PortCategory, port: 9090 } }, /port 9090: service "prom" and the avoid list: on the avoid list/],
    ["a privileged port", { web: { category: "public" as PortCategory, port: 80 } }, /port 80: service "web": below 1024/],
    ["a port above 65535", { web: { category: "public" as PortCategory, port: 70000 } }, /port 70000: service "web": above 65535/],
  ])("conflict: %s", (_kind, services, message) => {
    expect(conflicts({ strategy: "offset", reserved: SEED_000_LEGACY, avoid: [9090], services })).toMatch(message);
  });

  test("conflict: a pinned port outside its category's block", () => {
    expect(conflicts({ strategy: "blocks", reserved: {}, services: { db: { category: "database", port: 30150 } } })).toMatch(/port 30150: service "db": outside the database block 30300-30399/);
  });

  test("conflict: a full block names the service that did not fit", () => {
    const services: Record<string, PortRequest> = {};
    for (let p = 5433; p <= 5439; p++) services[`pg${p}`] = { category: "database", port: p };
    services.extra = { category: "database" };
    expect(conflicts({ strategy: "offset", reserved: {}, services })).toMatch(/service "extra": the database range 5433-5439 is full/);
  });

  test("conflict: two derived ports on the same number name both and suggest free ports", () => {
    // Find two names that hash to the same slot of a 100-port block.
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const name = `svc-${i}`;
      const slot = fnv1a(name) % 100;
      if (seen.has(slot)) pair = [seen.get(slot)!, name];
      else seen.set(slot, name);
    }
    const message = conflicts({ strategy: "blocks", reserved: {}, services: { [pair[0]]: { category: "backend" }, [pair[1]]: { category: "backend" } } });
    expect(message).toMatch(new RegExp(`service "(${pair[0]}|${pair[1]})" and service "(${pair[0]}|${pair[1]})": both derive this port; pin one of them \\(free in 30200-30299: \\d+`));
  });

  test("every conflict is reported at once", () => {
    const message = conflicts({ strategy: "offset", reserved: SEED_000_LEGACY, avoid: [9090], services: { a: { category: "public", port: 8000 }, b: { category: "monitoring", port: 9090 } } });
    expect(message.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(2);
  });

  test("stable: adding, removing or reordering other services never moves a service's port (2,000 random sets)", () => {
    const random = prng(42);
    const pool = Array.from({ length: 60 }, (_, i) => ({ name: `service-${i.toString(36)}-${Math.floor(random() * 1e6)}`, category: PORT_CATEGORIES[i % PORT_CATEGORIES.length] }));
    const pins: Record<string, number> = { [pool[0].name]: BLOCKS[pool[0].category].start + 7 };
    let compared = 0;
    for (let round = 0; round < 2000; round++) {
      const pick = () => pool.filter(() => random() < 0.25);
      const base = pick();
      const extra = pick();
      const toServices = (list: typeof pool, shuffle: boolean) => {
        const entries = list.map((s) => [s.name, { category: s.category, port: pins[s.name] }] as const);
        if (shuffle) entries.sort(() => random() - 0.5);
        return Object.fromEntries(entries) as Record<string, PortRequest>;
      };
      let small: Map<string, number>;
      let large: Map<string, number>;
      try {
        small = new Map(planPorts({ strategy: "blocks", reserved: { legacy: 30250 }, avoid: [30090], services: toServices(base, false) }).assignments.map((a) => [a.service, a.port]));
        large = new Map(planPorts({ strategy: "blocks", reserved: { legacy: 30250 }, avoid: [30090], services: toServices([...base, ...extra], true) }).assignments.map((a) => [a.service, a.port]));
      } catch (e) {
        // A derived-port collision fails loudly instead of moving anyone; that is allowed, not a move.
        expect(e).toBeInstanceOf(PortConflictError);
        continue;
      }
      for (const [service, port] of small) {
        expect({ service, port: large.get(service) }).toEqual({ service, port });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  test("formats a table with service, category, port, target and why", () => {
    const plan = planPorts({ strategy: "offset", reserved: {}, services: { web: { category: "frontend", port: 8100 } } });
    const text = formatPortPlan(plan, () => "127.0.0.1:8100");
    expect(text.split("\n")[0]).toMatch(/^service\s+category\s+port\s+target\s+why$/);
    expect(text).toMatch(/web\s+frontend\s+8100\s+127\.0\.0\.1:8100\s+pinned in config/);
    expect(formatPortPlan(plan, () => "t", true)).toContain("| web | frontend | 8100 | t | pinned in config |");
  });
});
