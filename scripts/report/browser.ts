/**
 * `npm run test:report`: every environment's report in a real browser (Debian's Chromium driven by playwright-core;
 * no browser is downloaded). Per environment: the page builds; it loads from file:// with no console error and no
 * network request; its port table holds every port `npm run ports -- <env>` prints; its access matrix holds every
 * role and area of the config; the visible diagram names the phase and every route at laptop and phone widths;
 * axe-core finds no serious or critical violation at either width; a full-page screenshot is written and is not
 * blank (pixel variance). Without Chromium every step is SKIPPED with the reason and the run exits 0.
 * Ends with `report: N passed, N failed, N skipped`.
 *
 * TANDEM_CHROMIUM: the browser binary (default /usr/bin/chromium). TANDEM_REPORT_OUT: where pages and screenshots
 * go (default reports/browser-test).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PNG } from "pngjs";
import type { BrowserContext, Page } from "playwright-core";
import { environments } from "../../environments";
import { ACCESS_AREAS } from "../../src/access";
import { DEFAULT_POLICY } from "../../src/preview";
import { buildReport } from "./build";
import { cliEnvironment, cliStack } from "../lib/environment";
import { failed, formatResults, passed, skipped, StepResult } from "../terraform/lib/report";
import { indexPage, summaryLine } from "./html/page";

const root = path.resolve(__dirname, "../..");
const CHROMIUM = process.env.TANDEM_CHROMIUM ?? "/usr/bin/chromium";
const OUT = path.resolve(root, process.env.TANDEM_REPORT_OUT ?? "reports/browser-test");
const STEPS = ["build", "load", "ports", "access", "diagram", "axe", "screenshot"] as const;
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const LAPTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** The ports `npm run ports -- <env>` prints, by service (its table: service, category, port, target, why). */
export function portsPrinted(stdout: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const m = /^(\S+)\s{2,}(\S+)\s{2,}(\d+)\s{2,}/.exec(line);
    if (m && m[1] !== "service") out.set(m[1], Number(m[3]));
  }
  return out;
}

/** Mean and standard deviation of a PNG's luminance, and the share of its most common grey level. */
export function pixelStats(png: Buffer): { width: number; height: number; stddev: number; dominant: number } {
  const img = PNG.sync.read(png);
  const histogram = new Array<number>(256).fill(0);
  let sum = 0;
  let sq = 0;
  const n = img.width * img.height;
  for (let i = 0; i < img.data.length; i += 4) {
    const y = Math.round(0.2126 * img.data[i] + 0.7152 * img.data[i + 1] + 0.0722 * img.data[i + 2]);
    histogram[y]++;
    sum += y;
    sq += y * y;
  }
  const mean = sum / n;
  return { width: img.width, height: img.height, stddev: Math.sqrt(Math.max(0, sq / n - mean * mean)), dominant: Math.max(...histogram) / n };
}

interface Loaded {
  readonly page: Page;
  readonly consoleErrors: string[];
  readonly requests: string[];
}

/** Opens a file with every request that is not that file counted (and refused). */
async function open(context: BrowserContext, file: string, viewport: { width: number; height: number }): Promise<Loaded> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const url = `file://${file}`;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  page.on("request", (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.route("**/*", (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await page.goto(url, { waitUntil: "load" });
  return { page, consoleErrors, requests };
}

const AXE_SOURCE = () => fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly nodes: number;
}

async function axe(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the page's CSP (no script at all) stays in force for the page itself.
  await page.evaluate(AXE_SOURCE());
  // In-page code as text: this project's TypeScript has no DOM types, and none are needed for two lines.
  return page.evaluate<AxeViolation[]>(`axe.run({ resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))`);
}

async function visibleDiagramText(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => { const svg = [...document.querySelectorAll("svg.diagram")].find((s) => getComputedStyle(s).display !== "none"); return svg ? svg.textContent : ""; })()`);
}

/** Runs one step, timing it; a thrown error is a failure with its message. */
async function step(results: StepResult[], subject: string, name: string, f: () => Promise<string>): Promise<boolean> {
  const started = Date.now();
  try {
    const summary = await f();
    results.push(passed(subject, name, `${summary} (${Date.now() - started} ms)`));
    return true;
  } catch (e) {
    results.push(failed(subject, name, (e instanceof Error ? e.message : String(e)).split("\n")[0]));
    return false;
  }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

async function testEnvironment(context: BrowserContext, env: string, results: StepResult[]): Promise<string | undefined> {
  const file = path.join(OUT, `${env}.html`);
  let summary: string | undefined;
  const built = await step(results, env, "build", async () => {
    const b = buildReport(env, { policy: DEFAULT_POLICY, now: new Date() });
    if (typeof b === "number") throw new Error(`npm run report exits ${b}`);
    fs.writeFileSync(file, b.html);
    summary = summaryLine(b.model);
    return `${(Buffer.byteLength(b.html) / 1024).toFixed(1)} KiB`;
  });
  if (!built) {
    for (const s of STEPS.slice(1)) results.push(skipped(env, s, "the page did not build"));
    return undefined;
  }
  const config = cliEnvironment(env, "test:report <env>");
  if (typeof config === "number") throw new Error(`${env}: invalid config`);
  const stack = cliStack(config);
  if (typeof stack === "number") throw new Error(`${env}: the stack does not build`);

  const laptop = await open(context, file, LAPTOP);
  const page = laptop.page;
  await step(results, env, "load", async () => {
    check(laptop.consoleErrors.length === 0, `console errors: ${laptop.consoleErrors.join(" | ")}`);
    check(laptop.requests.length === 0, `network requests: ${laptop.requests.join(", ")}`);
    check((await page.title()) === `Tandem · ${env}`, `title is ${await page.title()}`);
    return "file://, no console error, no request";
  });

  await step(results, env, "ports", async () => {
    const r = spawnSync(process.execPath, ["scripts/run-ts.cjs", "scripts/ports.ts", env], { cwd: root, encoding: "utf8", timeout: 60_000 });
    check(r.status === 0, `npm run ports -- ${env} exits ${r.status}: ${r.stderr}`);
    const printed = portsPrinted(r.stdout);
    check(printed.size > 0, "npm run ports printed no port");
    const rows = await page.$$eval("#port-plan tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("th, td")].map((c) => (c.textContent ?? "").trim())));
    const shown = new Map(rows.map((c) => [c[0], Number(c[2])]));
    for (const [service, port] of printed) check(shown.get(service) === port, `${service} ${port} is not in the port table (it shows ${shown.get(service)})`);
    check(shown.size === printed.size, `the table has ${shown.size} services, npm run ports ${printed.size}`);
    return `${printed.size} ports, as npm run ports prints them`;
  });

  await step(results, env, "access", async () => {
    if (config.target !== "gcp") {
      check((await page.locator("#access").innerText()).includes("no access table applies"), "dev's page does not say that no access table applies");
      return "no access section in config (one Docker host); the page says so";
    }
    const headers = await page.$$eval("#access-matrix thead th", (ths) => ths.map((t) => (t.textContent ?? "").trim()));
    for (const area of ACCESS_AREAS) check(headers.includes(area), `area ${area} is not a column`);
    const rows = await page.$$eval("#access-matrix tbody tr", (trs) => trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? "").trim())));
    for (const [role, spec] of Object.entries(config.access.roles)) {
      const row = rows.find((r) => r[0].startsWith(role));
      check(row !== undefined, `role ${role} is not a row`);
      ACCESS_AREAS.forEach((area, i) => check(row![i + 1].includes(spec!.grants[area]), `${role} × ${area}: expected ${spec!.grants[area]}, the cell says "${row![i + 1].slice(0, 40)}"`));
    }
    return `${Object.keys(config.access.roles).length} roles × ${ACCESS_AREAS.length} areas at their levels`;
  });

  const phone = await open(context, file, PHONE);
  await step(results, env, "diagram", async () => {
    const router = stack.platform.plan.routerConfig;
    const paths = [...new Set([...(router.routes ?? []).map((r) => r.path), ...stack.platform.routerConfig.match(/location (\/\S*) \{/g)!.map((l) => l.split(" ")[1])])].filter((p) => !p.startsWith("/tandem/"));
    for (const [width, p] of [[LAPTOP.width, page], [PHONE.width, phone.page]] as const) {
      const text = await visibleDiagramText(p);
      check(text.includes(router.phase), `at ${width}px the diagram does not name the phase ${router.phase}`);
      for (const route of paths.filter((x) => x !== "/")) check(text.includes(route), `at ${width}px the diagram does not name the route ${route}`);
      check(text.includes("LEGACY") && text.includes("NEW"), `at ${width}px the diagram does not label legacy and new`);
    }
    return `phase ${router.phase} and ${paths.length - 1} routes at ${LAPTOP.width} and ${PHONE.width} px`;
  });

  await step(results, env, "axe", async () => {
    const found: string[] = [];
    const minor = new Set<string>();
    for (const [width, p] of [[LAPTOP.width, page], [PHONE.width, phone.page]] as const) {
      const violations = await axe(p);
      for (const v of violations.filter((x) => x.impact !== "serious" && x.impact !== "critical")) minor.add(`${v.id} (${v.impact})`);
      for (const v of violations.filter((x) => x.impact === "serious" || x.impact === "critical")) found.push(`${v.id} (${v.impact}, ${v.nodes} nodes) at ${width}px`);
    }
    check(found.length === 0, `axe: ${found.join("; ")}`);
    return `no serious or critical violation at either width${minor.size > 0 ? `; ${[...minor].join(", ")}` : ""}`;
  });

  await step(results, env, "screenshot", async () => {
    const shots: string[] = [];
    for (const [name, p] of [["laptop", page], ["phone", phone.page]] as const) {
      const png = await p.screenshot({ fullPage: true, path: path.join(OUT, `${env}-${name}.png`) });
      const stats = pixelStats(png);
      check(stats.stddev > 20 && stats.dominant < 0.97, `${name} screenshot looks blank (luminance stddev ${stats.stddev.toFixed(1)}, ${(stats.dominant * 100).toFixed(1)} % one grey level)`);
      shots.push(`${name} ${stats.width}x${stats.height} stddev ${stats.stddev.toFixed(0)}`);
    }
    return `${path.relative(root, path.join(OUT, `${env}-laptop.png`))}: ${shots.join(", ")}`;
  });
  await phone.page.close();
  await page.close();
  return summary;
}

async function main(): Promise<number> {
  const envs = Object.keys(environments);
  const results: StepResult[] = [];
  const started = Date.now();
  if (!fs.existsSync(CHROMIUM)) {
    const reason = `no Chromium at ${CHROMIUM} (apt-get install chromium; or set TANDEM_CHROMIUM)`;
    for (const env of envs) for (const s of STEPS) results.push(skipped(env, s, reason));
    results.push(skipped("index", "load", reason));
    console.log(formatResults("report", results));
    return 0;
  }
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const { chromium } = await import("playwright-core");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-chromium-"));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, offline: true });
    const entries: { env: string; file: string; summary: string }[] = [];
    for (const env of envs) {
      const summary = await testEnvironment(context, env, results);
      if (summary) entries.push({ env, file: `${env}.html`, summary });
    }
    const index = path.join(OUT, "index.html");
    fs.writeFileSync(index, indexPage(entries, new Date().toISOString()));
    await step(results, "index", "load", async () => {
      const loaded = await open(context!, index, LAPTOP);
      check(loaded.consoleErrors.length === 0 && loaded.requests.length === 0, `console errors ${loaded.consoleErrors.length}, requests ${loaded.requests.length}`);
      const links = await loaded.page.$$eval("a[href$='.html']", (as) => as.map((a) => a.getAttribute("href")));
      check(envs.every((e) => links.includes(`${e}.html`)), `links: ${links.join(", ")}`);
      await loaded.page.close();
      return `links ${links.length} pages`;
    });
  } catch (e) {
    results.push(failed("browser", "launch", (e instanceof Error ? e.message : String(e)).split("\n")[0]));
  } finally {
    await context?.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  // The table, where the pages are, and last the closing line CI reads (once).
  const lines = formatResults("report", results).split("\n");
  console.log([...lines.slice(0, -1), `pages and screenshots in ${path.relative(root, OUT)}; ${((Date.now() - started) / 1000).toFixed(1)} s`, lines[lines.length - 1]].join("\n"));
  return results.some((r) => r.status === "failed") ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
