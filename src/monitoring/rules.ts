import { Problem, unless } from "../validation/problem";
import { email, known, numberRange, rfc1035 } from "../validation/rules";
import type { MonitoringOptions } from "./monitoring";

/** A host name (an uptime check's target). */
export function hostNameProblems(path: (string | number)[], host: string | undefined): Problem[] {
  if (!known(host)) return [];
  return unless(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(host!), path, host, "must be a host name such as app.example.com (no scheme, no path)");
}

export function monitoringProblems(o: MonitoringOptions): Problem[] {
  const channels = Object.keys(o.notificationChannels ?? {});
  const refs = (field: "p0Channels" | "p1Channels") =>
    (o[field] ?? []).flatMap((name, i) => unless(channels.includes(name), [field, i], name, `names no channel of notificationChannels (known: ${channels.join(", ") || "none"})`));
  const t = o.thresholds ?? {};
  return [
    ...unless(channels.length > 0, ["notificationChannels"], o.notificationChannels, "must define at least one notification channel"),
    ...Object.entries(o.notificationChannels ?? {}).flatMap(([name, spec]) => [
      ...rfc1035(["notificationChannels", name], name, 63, "channel name"),
      ...(spec.type === "email"
        ? email(["notificationChannels", name, "address"], spec.address)
        : unless(/^projects\/[^/]+\/topics\/[^/]+$/.test(spec.topic), ["notificationChannels", name, "topic"], spec.topic, "must be projects/<project>/topics/<topic>")),
    ]),
    ...unless((o.p0Channels ?? []).length > 0, ["p0Channels"], o.p0Channels, "must name at least one channel: P0 alerts page someone"),
    ...refs("p0Channels"),
    ...refs("p1Channels"),
    ...Object.entries(o.uptimeChecks ?? {}).flatMap(([name, check]) => [
      ...rfc1035(["uptimeChecks", name], name, 63, "uptime check name"),
      ...hostNameProblems(["uptimeChecks", name, "host"], check.host),
      ...unless(check.path === undefined || /^\/[A-Za-z0-9._~/-]*$/.test(check.path), ["uptimeChecks", name, "path"], check.path, "must start with '/' and use only letters, digits and . _ ~ - /"),
    ]),
    ...numberRange(["thresholds", "errorRatePercent"], t.errorRatePercent, 0.01, 99.99, "a share of requests"),
    ...numberRange(["thresholds", "latencyP95Ms"], t.latencyP95Ms, 1, 600000),
    ...numberRange(["thresholds", "cpuPercent"], t.cpuPercent, 1, 100),
    ...numberRange(["thresholds", "memoryPercent"], t.memoryPercent, 1, 100),
    ...numberRange(["thresholds", "dbConnectionsPercent"], t.dbConnectionsPercent, 1, 100),
  ];
}
