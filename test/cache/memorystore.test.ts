import { TerraformStack } from "cdktf";
import { Memorystore, MemorystoreProps } from "../../src/cache";
import { googleStack, onlyResource, synth } from "../helpers";
import { testNetwork } from "../network/fixtures";

function redis(stack: TerraformStack, overrides: Partial<MemorystoreProps> = {}): Memorystore {
  const network = testNetwork(stack);
  return new Memorystore(stack, "cache", {
    project: "p-test",
    region: "europe-west1",
    name: "redis",
    network,
    privateServiceRange: network.privateServiceRanges.redis.name,
    tier: "STANDARD_HA",
    memorySizeGb: 8,
    readReplicas: 1,
    maintenanceWindow: { day: "SUNDAY", hourUtc: 5 },
    ...overrides,
  });
}

describe("Memorystore", () => {
  test("Redis 7 with AUTH, TLS in transit, RDB every 12 h, private service access", () => {
    const { stack } = googleStack();
    const cache = redis(stack);
    expect(onlyResource(synth(stack), "google_redis_instance")).toMatchObject({
      redis_version: "REDIS_7_2",
      auth_enabled: true,
      transit_encryption_mode: "SERVER_AUTHENTICATION",
      connect_mode: "PRIVATE_SERVICE_ACCESS",
      reserved_ip_range: "vpc-psa-redis",
      persistence_config: { persistence_mode: "RDB", rdb_snapshot_period: "TWELVE_HOURS" },
      maintenance_policy: { weekly_maintenance_window: [{ day: "SUNDAY", start_time: { hours: 5 } }] },
    });
    expect(cache.port).toBe(6378);
  });

  test.each([
    ["STANDARD_HA", 1, "READ_REPLICAS_ENABLED", 1],
    ["STANDARD_HA", 0, "READ_REPLICAS_DISABLED", 1],
    ["BASIC", 0, "READ_REPLICAS_DISABLED", undefined],
  ] as const)("tier %s with %d read replicas", (tier, readReplicas, mode, replicaCount) => {
    const { stack } = googleStack();
    redis(stack, { tier, readReplicas });
    const instance = onlyResource(synth(stack), "google_redis_instance");
    expect(instance).toMatchObject({ tier, read_replicas_mode: mode });
    expect(instance.replica_count).toBe(replicaCount);
  });

  test.each([
    [{ tier: "BASIC" as const, readReplicas: 1 }, /readReplicas = 1: read replicas need tier STANDARD_HA/],
    [{ memorySizeGb: 2, readReplicas: 1 }, /memorySizeGb = 2: read replicas need at least 5 GB of memory/],
    [{ memorySizeGb: 0 }, /memorySizeGb = 0: must be a whole number 1-300/],
    [{ readReplicas: 6 }, /readReplicas = 6: must be a whole number 0-5/],
    [{ name: "a-redis-name-that-is-longer-than-forty-chars" }, /name = "a-redis-name-that-is-longer-than-forty-chars": must be a lower-case RFC 1035 Memorystore instance name.*at most 40/],
  ])("bad props %j throw", (overrides, message) => {
    const { stack } = googleStack();
    expect(() => redis(stack, overrides)).toThrow(message);
  });
});
