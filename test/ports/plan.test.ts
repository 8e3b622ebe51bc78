import { BLOCKS, fnv1a, formatPortPlan, OFFSET_FAMILIES, PORT_CATEGORIES, PortCategory, PortConflictError, planPorts, PortPlanInput, PortRequest, portOf } from "../../src/ports";

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

/** Two distinct names whose derived slots in a range of `size` ports coincide. */
function collidingNames(size: number, prefix = "svc"): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const name = `${prefix}-${i}`;
    const slot = fnv1a(name) % size;
    if (seen.has(slot)) return [seen.get(slot)!, name];
    seen.set(slot, name);
  }
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
        grafana: { category: "monitoring", port: 3200 },
        "postgres-new": { category: "database", port: 5433 },
        "redis-new": { category: "cache", port: 6380 },
      },
    });
    expect(plan.assignments.map((a) => a.port)).toEqual([3200, 5433, 6380, 8100, 8101, 8102, 8103, 9191]);
    for (const a of plan.assignments) expect(Object.values(SEED_000_LEGACY)).not.toContain(a.port);
  });

  test("offset: an unpinned service lands in its category's family next to the legacy ports", () => {
    const services: Record<string, PortRequest> = {};
    for (const c of PORT_CATEGORIES) services[`svc-${c}`] = { category: c };
    const plan = planPorts({ strategy: "offset", reserved: SEED_000_LEGACY, avoid: [9090], services });
    for (const a of plan.assignments) {
      expect(a.port).toBeGreaterThanOrEqual(OFFSET_FAMILIES[a.category].start);
      expect(a.port).toBeLessThanOrEqual(OFFSET_FAMILIES[a.category].end);
    }
  });

  test("blocks: an unpinned service lands in its category's block", () => {
    const services: Record<string, PortRequest> = {};
    for (const c of PORT_CATEGORIES) services[`svc-${c}`] = { category: c };
    const plan = planPorts({ strategy: "blocks", reserved: {}, services });
    for (const a of plan.assignments) {
      expect(a.port).toBeGreaterThanOrEqual(BLOCKS[a.category].start);
      expect(a.port).toBeLessThanOrEqual(BLOCKS[a.category].end);
      expect(a).toMatchObject({ pinned: false, why: expect.stringMatching(/^derived from the name in the \w+ block 30\d00-30\d99$/) });
    }
  });

  test("a derived port steps past legacy and avoided ports, and says so", () => {
    const name = "api";
    const natural = BLOCKS.backend.start + (fnv1a(name) % 100);
    const next = (p: number, k: number) => BLOCKS.backend.start + ((p - BLOCKS.backend.start + k) % 100);
    const plan = planPorts({ strategy: "blocks", reserved: { web: natural }, avoid: [next(natural, 1)], services: { [name]: { category: "backend" } } });
    expect(plan.assignments[0]).toMatchObject({ port: next(natural, 2), why: `derived from the name in the backend block 30200-30299, stepped past ${natural} legacy web, ${next(natural, 1)} avoided` });
  });

  test("portOf finds a service's port and names the known services otherwise", () => {
    const plan = planPorts({ strategy: "offset", reserved: {}, services: { web: { category: "frontend", port: 8100 } } });
    expect(portOf(plan, "web")).toBe(8100);
    expect(() => portOf(plan, "api")).toThrow(/no service "api" \(it has web\)/);
  });

  test.each([
    ["a legacy port", { web: { category: "frontend" as PortCategory, port: 8000 } }, /port 8000: service "web" and legacy web: reserved by the legacy system/],
    ["two services", { a: { category: "backend" as PortCategory, port: 8101 }, b: { category: "backend" as PortCategory, port: 8101 } }, /port 8101: service "a" and service "b": claimed twice; pin one of them to another port \(free: 8100, 8102, 8103\)/],
    ["the avoid list", { prom: { category: "monitoring" as PortCategory, port: 9090 } }, /port 9090: service "prom" and the avoid list: on the avoid list/],
    ["a privileged port", { web: { category: "public" as PortCategory, port: 80 } }, /port 80: service "web": below 1024/],
    ["a port above 65535", { web: { category: "public" as PortCategory, port: 70000 } }, /port 70000: service "web": above 65535/],
    ["an unknown category", { web: { category: "gateway" as PortCategory } }, /service "web": unknown category "gateway"/],
  ])("conflict: %s", (_kind, services, message) => {
    expect(conflicts({ strategy: "offset", reserved: SEED_000_LEGACY, avoid: [9090], services })).toMatch(message);
  });

  test("conflict: a pinned port outside its category's block", () => {
    expect(conflicts({ strategy: "blocks", reserved: {}, services: { db: { category: "database", port: 30150 } } })).toMatch(/port 30150: service "db": outside the database block 30300-30399/);
  });

  test("conflict: a full range names every claimant", () => {
    const services: Record<string, PortRequest> = {};
    for (let p = 5433; p <= 5439; p++) services[`pg${p}`] = { category: "database", port: p };
    services.extra = { category: "database" };
    const message = conflicts({ strategy: "offset", reserved: {}, services });
    expect(message).toMatch(/port 5433: service "extra" and service "pg5433" and .* and service "pg5439": the range 5433-5439 is full: 8 services for 7 usable ports/);
    expect(message.split("\n")).toHaveLength(2); // one conflict, not one per colliding pair
  });

  test("conflict: a range whose every port is legacy or avoided is full", () => {
    const avoid = [5434, 5435, 5436, 5437, 5438, 5439];
    expect(conflicts({ strategy: "offset", reserved: { pg: 5433 }, avoid, services: { db: { category: "database" } } })).toMatch(
      /service "db": the database range 5433-5439 is full: every port in it is reserved by legacy or on the avoid list/,
    );
  });

  test("conflict: two derived ports on the same number name both and suggest free ports to pin", () => {
    const [a, b] = collidingNames(100);
    const message = conflicts({ strategy: "blocks", reserved: {}, services: { [a]: { category: "backend" }, [b]: { category: "backend" } } });
    expect(message).toMatch(new RegExp(`service "${a}" and service "${b}": both derive this port from their names; pin one of them \\(free: 30200, 30201, 30202\\)`));
  });

  test("conflict: a pin on another service's derived port fails instead of moving the derived service", () => {
    const natural = BLOCKS.backend.start + (fnv1a("api") % 100);
    const message = conflicts({ strategy: "blocks", reserved: {}, services: { api: { category: "backend" }, admin: { category: "backend", port: natural } } });
    expect(message).toMatch(new RegExp(`port ${natural}: service "api" and service "admin": service "api" derives this port from its name and service "admin" pins it; pin the derived one elsewhere \\(free: \\d+`));
  });

  test("every conflict is reported at once", () => {
    const message = conflicts({ strategy: "offset", reserved: SEED_000_LEGACY, avoid: [9090], services: { a: { category: "public", port: 8000 }, b: { category: "monitoring", port: 9090 } } });
    expect(message.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(2);
  });

  test.each(["blocks", "offset"] as const)("%s is stable: adding, removing, reordering or re-pinning other services never moves a service (3,000 random sets)", (strategy) => {
    const random = prng(strategy === "blocks" ? 42 : 7);
    // Fixed per environment: the legacy ports and the avoid list.
    const reserved = strategy === "blocks" ? { web: 30250, admin: 30110 } : SEED_000_LEGACY;
    const avoid = strategy === "blocks" ? [30090, 30420] : [9090, 8150];
    const pool = Array.from({ length: 80 }, (_, i) => {
      const category = PORT_CATEGORIES[i % PORT_CATEGORIES.length];
      const range = strategy === "blocks" ? BLOCKS[category] : OFFSET_FAMILIES[category];
      return { name: `service-${i.toString(36)}-${Math.floor(random() * 1e6)}`, category, range };
    });
    const randomPin = (s: (typeof pool)[number]) => (random() < 0.3 ? s.range.start + Math.floor(random() * (s.range.end - s.range.start + 1)) : undefined);
    const plan = (list: { name: string; category: PortCategory; port?: number }[]) =>
      new Map(planPorts({ strategy, reserved, avoid, services: Object.fromEntries(list.map((s) => [s.name, { category: s.category, port: s.port }])) }).assignments.map((a) => [a.service, a.port]));

    let compared = 0;
    let failed = 0;
    for (let round = 0; round < 3000; round++) {
      // `kept` services appear in both plans with the same request; the others differ, appear or disappear.
      const kept = pool.filter(() => random() < 0.04).map((s) => ({ ...s, port: randomPin(s) }));
      const othersBefore = pool.filter((s) => !kept.some((k) => k.name === s.name) && random() < 0.04).map((s) => ({ ...s, port: randomPin(s) }));
      const othersAfter = pool.filter((s) => !kept.some((k) => k.name === s.name) && random() < 0.04).map((s) => ({ ...s, port: randomPin(s) }));
      const after = [...kept, ...othersAfter].sort(() => random() - 0.5);
      let before: Map<string, number>;
      let later: Map<string, number>;
      try {
        before = plan([...kept, ...othersBefore]);
        later = plan(after);
      } catch (e) {
        // A collision fails loudly instead of moving anyone: allowed, and not a move.
        expect(e).toBeInstanceOf(PortConflictError);
        failed++;
        continue;
      }
      for (const s of kept) {
        expect({ service: s.name, port: later.get(s.name) }).toEqual({ service: s.name, port: before.get(s.name) });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
    expect(failed).toBeLessThan(3000);
  });

  test("a derived port depends only on the name, category, strategy, legacy ports and avoid list", () => {
    const alone = planPorts({ strategy: "blocks", reserved: {}, services: { api: { category: "backend" } } }).assignments[0].port;
    const crowded = planPorts({ strategy: "blocks", reserved: {}, services: { web: { category: "frontend" }, api: { category: "backend" }, db: { category: "database", port: 30300 } } });
    expect(portOf(crowded, "api")).toBe(alone);
  });

  test("formats a table with service, category, port, target and why", () => {
    const plan = planPorts({ strategy: "offset", reserved: {}, services: { web: { category: "frontend", port: 8100 }, grafana: { category: "monitoring", port: 3200 } } });
    const text = formatPortPlan(plan, (a) => `127.0.0.1:${a.port}`);
    expect(text.split("\n")[0]).toMatch(/^service\s+category\s+port\s+target\s+why$/);
    expect(text).toMatch(/web\s+frontend\s+8100\s+127\.0\.0\.1:8100\s+pinned in config, in the frontend range 8100-8199/);
    expect(text).toMatch(/grafana\s+monitoring\s+3200\s+127\.0\.0\.1:3200\s+pinned in config \(outside the monitoring range 9191-9199\)/);
    expect(formatPortPlan(plan, () => "t", true)).toContain("| web | frontend | 8100 | t | pinned in config, in the frontend range 8100-8199 |");
  });
});
