/**
 * Preflight for the Docker target: `npm run ports:check -- dev` binds every host port the plan publishes
 * and lists the ones already taken (and by whom, when the OS says). Exits 1 if any is taken.
 */
import { App, TerraformStack } from "cdktf";
import * as os from "node:os";
import { ParallelPlatform } from "../src/platform";
import { platformProps } from "../stacks/platform-props";
import { cliEnvironment } from "./lib/environment";
import { checkHostPorts, HostPort } from "../src/ports";

async function main(argv: string[]): Promise<number> {
  const config = cliEnvironment(argv[0] ?? "dev", "npm run ports:check -- <env>");
  if (typeof config === "number") return config;
  if (config.target !== "docker") {
    console.error(`${config.name} runs on Kubernetes: its ports are Service ports inside the cluster, not host ports; nothing to check on this machine.`);
    return 2;
  }
  const platform = new ParallelPlatform(new TerraformStack(new App({ outdir: os.tmpdir() }), config.name), "platform", platformProps(config));
  const ports: HostPort[] = platform.portPlan.assignments.map((a) => ({
    service: a.service,
    port: a.port,
    host: platform.hostAddress(a.service),
  }));
  const results = await checkHostPorts(ports);
  for (const r of results) console.log(`${r.free ? "free " : "TAKEN"}  ${r.host}:${r.port}  ${r.service}${r.free ? "" : `  (${r.error}${r.holder ? `, held by ${r.holder}` : ""})`}`);
  const taken = results.filter((r) => !r.free);
  console.log(taken.length === 0 ? `\nAll ${results.length} host ports of ${config.name} are free.` : `\n${taken.length} of ${results.length} host ports of ${config.name} are taken: ${taken.map((t) => t.port).join(", ")}.`);
  return taken.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
