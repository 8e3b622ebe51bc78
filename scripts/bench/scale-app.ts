/**
 * Bench-only app whose size grows with N.
 *   blue-green  one stack of N BlueGreenServices on Kubernetes (the cloud environments' workload construct)
 *   platform    one stack with a ParallelPlatform (Docker target, as dev) of N services: port plan, containers, router
 *   ports       the port plan alone for N services (pure allocation, no cdktf)
 *   org         an organisation of N environments (configs generated from staging and production in turn, each
 *               renamed, its public hosts under its own name), validated and synthesized in one app by
 *               runEnvironments, as main.ts does: N environment stacks and their N bootstrap stacks
 * Usage: node scripts/run-ts.cjs scripts/bench/scale-app.ts <blue-green|platform|ports|org> <N>
 * Prints {"loadMs", "buildMs", "synthMs", "appMs"}: config validation (org only), construct tree, app.synth()
 * (for org: synthesizeAtomically, files written), and all of them (imports excluded).
 */
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { App, TerraformStack } from "cdktf";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { environments } from "../../environments";
import { runEnvironments } from "../../src/app";
import { BlueGreenService } from "../../src/deploy";
import { ParallelPlatform, PlatformService } from "../../src/platform";
import { BLOCKS, PORT_CATEGORIES, planPorts, PortRequest } from "../../src/ports";
import { addEnvironmentStacks } from "../../stacks";

// Same settings as main.ts and synthesizeAtomically: no source-mapped token traces, no construct traces.
process.setSourceMapsEnabled(false);
const [kind, nText] = process.argv.slice(2);
const n = Number(nText);
if (!["blue-green", "platform", "ports", "org"].includes(kind) || !Number.isInteger(n) || n < 1) {
  console.error("usage: scale-app.ts <blue-green|platform|ports|org> <N>");
  process.exit(2);
}

/** Service i's category and pinned port: spread over the categories, distinct, inside each category's block. */
function pinned(i: number): PortRequest & { port: number } {
  const category = PORT_CATEGORIES[i % PORT_CATEGORIES.length];
  return { category, port: BLOCKS[category].start + 1 + Math.floor(i / PORT_CATEGORIES.length) };
}

/** Environment i of a generated organisation: staging's or production's config, its name replaced everywhere. */
function orgEnvironment(i: number): [string, unknown] {
  const base = i % 2 === 0 ? "staging" : "production";
  const name = `org-${String(i).padStart(3, "0")}`;
  // Environments share no project, state or public host (checked across environments): each gets its own names.
  return [name, JSON.parse(JSON.stringify(environments[base]).replaceAll(base, name).replaceAll("example.com", `${name}.example.com`)) as unknown];
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-scale-"));
const start = performance.now();
let loaded = start;
let built = start;
if (kind === "org") {
  const raw = Object.fromEntries(Array.from({ length: n }, (_, i) => orgEnvironment(i)));
  const lines: string[] = [];
  const code = runEnvironments(
    raw,
    (app, configs) => {
      loaded = performance.now();
      addEnvironmentStacks(app, configs);
      built = performance.now();
    },
    { outdir: path.join(outdir, "cdktf.out"), log: (l) => lines.push(l), error: (l) => lines.push(l) },
  );
  if (code !== 0) throw new Error(`the generated organisation did not synthesize (exit ${code}):\n${lines.join("\n").slice(0, 3000)}`);
  const stacks = fs.readdirSync(path.join(outdir, "cdktf.out", "stacks"));
  // Each cloud environment is its stack and its bootstrap stack (`<env>-bootstrap`).
  if (stacks.length !== 2 * n) throw new Error(`expected ${2 * n} stacks (${n} environments and their bootstrap stacks), got ${stacks.length}`);
} else if (kind === "ports") {
  const services: Record<string, PortRequest> = {};
  for (let i = 0; i < n; i++) services[`svc-${i}`] = pinned(i);
  planPorts({ strategy: "blocks", reserved: {}, services });
  built = performance.now();
} else {
  loaded = start;
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "scale");
  if (kind === "blue-green") {
    new KubernetesProvider(stack, "k8s", {});
    new GoogleProvider(stack, "google", { project: "bench-project" });
    for (let i = 0; i < n; i++) {
      new BlueGreenService(stack, `svc-${i}`, {
        name: `svc-${i}`,
        namespace: "new-platform",
        project: "bench-project",
        blue: { image: `example/svc-${i}:1.0.0` },
        green: { image: `example/svc-${i}:1.1.0` },
        activeColor: i % 2 === 0 ? "blue" : "green",
        containerPort: 8080,
        allowFrom: [{ podLabels: { "app.kubernetes.io/name": "tandem-router" } }],
      });
    }
  } else {
    new DockerProvider(stack, "docker", {});
    const services: Record<string, PlatformService> = {};
    for (let i = 0; i < n; i++) {
      services[`svc-${i}`] = { image: `example/svc-${i}:1.0.0`, containerPort: 8080, entry: i === 0, routePath: i % 10 === 1 ? `/svc-${i}/` : undefined, ...pinned(i) };
    }
    new ParallelPlatform(stack, "platform", {
      name: "bench",
      legacy: { name: "legacy", baseUrl: "http://legacy.example.test:8000", reservedPorts: { web: 8000 }, dockerNetwork: "legacy_default", upstream: "legacy-web:8000" },
      services,
      ports: { strategy: "blocks" },
      router: { domain: "example.test", phase: "path", port: BLOCKS.public.start },
      target: { kind: "docker" },
    });
  }
  built = performance.now();
  app.synth();
}
const end = performance.now();
fs.rmSync(outdir, { recursive: true, force: true });
const tenth = (x: number) => Math.round(x * 10) / 10;
process.stdout.write(JSON.stringify({ loadMs: tenth(loaded - start), buildMs: tenth(built - loaded), synthMs: tenth(end - built), appMs: tenth(end - start) }));
