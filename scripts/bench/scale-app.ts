/**
 * Bench-only app: one stack with N BlueGreenServices, or a port plan of N services.
 * Usage: node --import tsx scripts/bench/scale-app.ts <blue-green|ports> <N>   (prints {"appMs": ...})
 */
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { App, TerraformStack } from "cdktf";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BlueGreenService } from "../../src/deploy";
import { PORT_CATEGORIES, planPorts, PortRequest } from "../../src/ports";

// Same settings as main.ts and synthesizeAtomically: no source-mapped token traces, no construct traces.
process.setSourceMapsEnabled(false);
const [kind, nText] = process.argv.slice(2);
const n = Number(nText);
const start = performance.now();
if (kind === "blue-green") {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-scale-"));
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "scale");
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
  app.synth();
  fs.rmSync(outdir, { recursive: true, force: true });
} else {
  // Pinned ports, so that no two derived ports collide whatever N is.
  const services: Record<string, PortRequest> = {};
  for (let i = 0; i < n; i++) {
    const category = PORT_CATEGORIES[i % PORT_CATEGORIES.length];
    services[`svc-${i}`] = { category, port: 30000 + PORT_CATEGORIES.indexOf(category) * 100 + Math.floor(i / PORT_CATEGORIES.length) };
  }
  planPorts({ strategy: "blocks", reserved: {}, services });
}
process.stdout.write(JSON.stringify({ appMs: Math.round(performance.now() - start) }));
