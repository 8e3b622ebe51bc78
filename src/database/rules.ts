import { Problem, unless } from "../validation/problem";
import { duplicates, email, hhmm, intRange, known, rfc1035 } from "../validation/rules";
import type { CloudSqlDbOptions, MaintenanceWindow } from "./cloud-sql-db";

/** A weekly maintenance window (Cloud SQL, Memorystore). */
export function weeklyWindowProblems(w: MaintenanceWindow | undefined): Problem[] {
  return intRange(["maintenanceWindow", "hourUtc"], w?.hourUtc, 0, 23, "an hour of the day, UTC");
}

/** Why a Cloud SQL tier is not a machine Cloud SQL can run, or undefined. */
export function tierProblem(tier: string): string | undefined {
  if (!/^db-(custom-\d+-\d+|f1-micro|g1-small|perf-optimized-N-\d+)$/.test(tier)) return "must be a Cloud SQL tier such as db-custom-4-16384";
  const m = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (!m) return undefined;
  const cpus = Number(m[1]);
  const memoryMb = Number(m[2]);
  // Cloud SQL custom machine rules: 1 or an even number of vCPUs up to 96, 0.9-6.5 GB per vCPU, memory a multiple of 256 MB.
  const broken: string[] = [];
  if (cpus !== 1 && (cpus % 2 !== 0 || cpus > 96)) broken.push("vCPUs must be 1 or an even number up to 96");
  if (memoryMb % 256 !== 0) broken.push("memory must be a multiple of 256 MB");
  if (memoryMb < cpus * 922 || memoryMb > cpus * 6656) broken.push(`memory must be 0.9-6.5 GB per vCPU (${cpus * 922}-${cpus * 6656} MB for ${cpus} vCPUs)`);
  return broken.length > 0 ? `is not a possible Cloud SQL machine: ${broken.join("; ")}` : undefined;
}

const PG_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export function cloudSqlDbProblems(o: CloudSqlDbOptions): Problem[] {
  const tier = known(o.tier) ? tierProblem(o.tier) : undefined;
  const users = Object.entries(o.users ?? {});
  return [
    // The replica is <name>-replica; Cloud SQL instance ids are at most 98 characters with the project.
    ...rfc1035(["name"], o.name, 60, "Cloud SQL instance name"),
    ...(tier ? [{ path: ["tier"], value: o.tier, rule: tier }] : []),
    ...intRange(["diskSizeGb"], o.diskSizeGb, 10, 65536, "Cloud SQL limits"),
    ...hhmm(["backupStartTimeUtc"], o.backupStartTimeUtc),
    ...intRange(["backupRetentionDays"], o.backupRetentionDays, 1, 365),
    ...intRange(["transactionLogRetentionDays"], o.transactionLogRetentionDays, 1, 7, "Cloud SQL Enterprise keeps 1-7 days"),
    ...weeklyWindowProblems(o.maintenanceWindow),
    ...unless((o.databases ?? []).length > 0, ["databases"], o.databases, "must name at least one database"),
    ...(o.databases ?? []).flatMap((d, i) => unless(PG_NAME.test(d), ["databases", i], d, "must be a lower-case PostgreSQL name (a-z, 0-9, _)")),
    ...duplicates(o.databases ?? []).map((d) => ({ path: ["databases"], value: d, rule: "must not name a database twice" })),
    ...users.flatMap(([name, spec]) => [
      ...unless(PG_NAME.test(name), ["users", name], name, "user names must be lower-case PostgreSQL role names"),
      ...(spec.type === "built-in"
        ? intRange(["users", name, "passwordVersion"], spec.passwordVersion, 1, Number.MAX_SAFE_INTEGER)
        : [
            ...email(["users", name, "serviceAccountEmail"], spec.serviceAccountEmail, "a service account e-mail"),
            ...unless(!known(spec.serviceAccountEmail) || spec.serviceAccountEmail.endsWith(".gserviceaccount.com"), ["users", name, "serviceAccountEmail"], spec.serviceAccountEmail, "must end with .gserviceaccount.com"),
          ]),
    ]),
    ...intRange(["maxConnections"], o.maxConnections, 25, 262143, "PostgreSQL max_connections on Cloud SQL"),
  ];
}
