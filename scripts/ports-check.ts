/**
 * Preflight for the Docker target: `npm run ports:check -- dev` binds every host port the plan publishes
 * and lists the ones already taken (and by whom, when the OS says).
 * Exit codes: 0 all free, 1 some taken (or an invalid config), 2 usage or not a Docker environment.
 */
import { checkHostPorts, HostPort } from "../src/ports";
import { cliEnvironment, cliStack } from "./lib/environment";

export async function portsCheck(argv: readonly string[]): Promise<number> {
  const config = cliEnvironment(argv.find((a) => !a.startsWith("--")) ?? "dev", "npm run ports:check -- <env>");
  if (typeof config === "number") return config;
  if (config.target !== "docker") {
    console.error(`${config.name} runs on Kubernetes: its ports are Service ports inside the cluster, not host ports; nothing to check on this machine.`);
    return 2;
  }
  const stack = cliStack(config);
  if (typeof stack === "number") return stack;
  const platform = stack.platform;
  const ports: HostPort[] = platform.portPlan.assignments.map((a) => ({ service: a.service, port: a.port, host: platform.hostAddress(a.service) }));
  const results = await checkHostPorts(ports);
  for (const r of results) console.log(`${r.free ? "free " : "TAKEN"}  ${r.host}:${r.port}  ${r.service}${r.free ? "" : `  (${r.error}${r.holder ? `, held by ${r.holder}` : ""})`}`);
  const taken = results.filter((r) => !r.free);
  console.log(
    taken.length === 0
      ? `\nAll ${results.length} host ports of ${config.name} are free.`
      : `\n${taken.length} of ${results.length} host ports of ${config.name} are taken: ${taken.map((t) => t.port).join(", ")}. Stop what holds them, or pin the services to other ports in environments/${config.name}.ts.`,
  );
  return taken.length === 0 ? 0 : 1;
}

if (require.main === module) {
  portsCheck(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
