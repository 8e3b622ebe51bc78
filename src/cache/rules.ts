import { weeklyWindowProblems } from "../database/rules";
import { Problem, unless } from "../validation/problem";
import { intRange, rfc1035 } from "../validation/rules";
import type { MemorystoreOptions } from "./memorystore";

/** Memorystore's limit for instance names. */
export const MEMORYSTORE_NAME_MAX = 40;

export function memorystoreProblems(o: MemorystoreOptions): Problem[] {
  const replicas = o.readReplicas ?? 0;
  return [
    ...rfc1035(["name"], o.name, MEMORYSTORE_NAME_MAX, "Memorystore instance name"),
    ...intRange(["memorySizeGb"], o.memorySizeGb, 1, 300, "Memorystore limits"),
    ...intRange(["readReplicas"], o.readReplicas, 0, 5, "Memorystore limits"),
    ...unless(!(replicas > 0 && o.tier !== "STANDARD_HA"), ["readReplicas"], o.readReplicas, "read replicas need tier STANDARD_HA"),
    ...unless(!(replicas > 0 && o.memorySizeGb < 5), ["memorySizeGb"], o.memorySizeGb, "read replicas need at least 5 GB of memory (Memorystore rule)"),
    ...weeklyWindowProblems(o.maintenanceWindow),
  ];
}
