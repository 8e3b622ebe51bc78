/**
 * Preflight for the Docker target: `npm run ports:check -- dev` binds every host port the plan publishes
 * and lists the ones already taken (and by whom, when the OS says). Exits 1 if any is taken.
 */
import { App, TerraformStack } from "cdktf";
import * as os from "node:os";
import { environments } from "../environments";
import { ConfigError, loadEnvironment } from "../src/config";
import { ParallelPlatform } from "../src/platform";
import { checkHostPorts, HostPort } from "../src/ports";

async function main(argv: string[]): Promise<number> {
  const env = argv[0] ?? "dev";
  if (!(env in environments)) {
    console.error(`usage: npm run ports:check -- <${Object.keys(environments).join("|")}>`);
    return 2;
  }
  let config;
  try {
    config = loadEnvironment(env, environments[env as keyof typeof environments]);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  if (config.target !== "docker") {
    console.error(`${env} runs on Kubernetes: its ports are Service ports inside the cluster, not host ports; nothing to check on this machine.`);
    return 2;
  }
  const platform = new ParallelPlatform(new TerraformStack(new App({ outdir: os.tmpdir() }), env), "platform", {
    name: config.platform.name,
    legacy: config.legacy,
    services: config.platform.services,
    ports: config.platform.ports,
    router: config.platform.router,
    target: { kind: "docker" },
  });
  const ports: HostPort[] = platform.portPlan.assignments.map((a) => ({
    service: a.service,
    port: a.port,
    host: platform.hostAddress(a.service),
  }));
  const results = await checkHostPorts(ports);
  for (const r of results) console.log(`${r.free ? "free " : "TAKEN"}  ${r.host}:${r.port}  ${r.service}${r.free ? "" : `  (${r.error}${r.holder ? `, held by ${r.holder}` : ""})`}`);
  const taken = results.filter((r) => !r.free);
  console.log(taken.length === 0 ? `\nAll ${results.length} host ports of ${env} are free.` : `\n${taken.length} of ${results.length} host ports of ${env} are taken: ${taken.map((t) => t.port).join(", ")}.`);
  return taken.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
