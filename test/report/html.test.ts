import { wrap, layout, trafficSvg } from "../../scripts/report/html/diagram";
import { esc, table, cell, rowHeader } from "../../scripts/report/html/escape";
import { indexPage, reportPage } from "../../scripts/report/html/page";
import { accessSection, planSection, portsSection, resourcesSection, warningsSection } from "../../scripts/report/html/sections";
import { sampleModel } from "./fixtures";

const EVIL = `<script>alert("x")</script>&'`;

describe("the report page", () => {
  const html = reportPage(sampleModel());

  test("is one self-contained document: no script, no external reference, a CSP that loads nothing", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\((?!#)/i);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  test("escapes every value that reaches it", () => {
    const page = reportPage(sampleModel(EVIL));
    expect(page).not.toContain(EVIL);
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain(esc(EVIL));
  });

  test("a table of contents links every section, the plan only when there is one", () => {
    for (const id of ["warnings", "traffic", "ports", "access", "resources", "alerts"]) {
      expect(html).toContain(`href="#${id}"`);
      expect(html).toContain(`<section id="${id}"`);
    }
    expect(html).not.toContain('href="#plan"');
  });

  test("tables are semantic: a caption, column headers with scope, row headers, in a focusable named scroll region", () => {
    const t = table("t1", "Caption here", ["a", "b"], [[rowHeader("r"), cell("v")]]);
    expect(t).toContain('<caption id="t1-caption">Caption here</caption>');
    expect(t).toContain('<th scope="col">a</th>');
    expect(t).toContain('<th scope="row">r</th>');
    expect(t).toMatch(/<div class="scroll" role="region" tabindex="0" aria-labelledby="t1-caption">/);
  });

  test("the phase is said in words and marked for assistive technology, not by colour alone", () => {
    expect(html).toContain('<li class="step current" aria-current="step">');
    expect(html).toContain("(current phase)");
    expect(html).toContain("Phase 3 of 4: weighted (25 % of other clients to new)");
  });

  test("access levels carry their word and a mark; each cell lists the IAM roles and RBAC it becomes", () => {
    const a = accessSection(sampleModel().access);
    expect(a).toContain('<span class="level read-write"><span class="mark" aria-hidden="true">RW</span> read-write</span>');
    expect(a).toContain('<span class="level none"><span class="mark" aria-hidden="true">—</span> none</span>');
    expect(a).toContain("<li>IAM roles/x.plain</li>");
    expect(a).toContain("<li>RBAC tandem-read in ns-plain</li>");
    expect(a).toContain("cluster-admin (ClusterRoleBinding tandem-system-admin)");
    expect(a).toContain("roles/cloudsql.client*");
    expect(accessSection(undefined)).toMatch(/one Docker host: no IAM and no RBAC/);
  });

  test("protections say on, off or n/a in words with a mark", () => {
    const r = resourcesSection(sampleModel().resources);
    expect(r).toContain('<span class="prot on"><span aria-hidden="true">✓</span> on</span>');
    expect(r).toContain('<span class="prot off"><span aria-hidden="true">✗</span> off</span>');
    expect(r).toContain('<span class="prot na"><span aria-hidden="true">–</span> n/a</span>');
    expect(r).toContain("1 × google_sql_database_instance");
  });

  test("ports: every service with port, target and why; near-collisions flagged; free room per block", () => {
    const p = portsSection(sampleModel().ports);
    expect(p).toContain("<strong>30201</strong>");
    expect(p).toContain("ClusterIP :30201");
    expect(p).toContain("⚠ next to avoided 30200");
    expect(p).toContain("98 of 100 free");
    expect(p).toContain("legacy web");
  });

  test("warnings: placeholders marked; none is said so", () => {
    expect(warningsSection(sampleModel().warnings)).toContain("⚠ placeholder");
    expect(warningsSection([])).toContain("No warnings");
  });

  test("plan: counts, the guard's verdict, every change and the PR comment; a refused plan says so", () => {
    const plan = planSection({
      file: "plan.json",
      counts: { create: 1, update: 2, replace: 0, destroy: 1, import: 0, move: 0, forget: 0, outputs: 0, drift: 0 },
      intent: ["router weighted 25 % → cutover"],
      changes: [{ kind: "destroy", address: "google_sql_database_instance.db", construct: "database", notes: [], attributes: [] }],
      findings: [{ level: "data-loss", action: "block", kind: "destroy", address: "google_sql_database_instance.db", reason: "deletes it" }],
      blocked: true,
      hash: "abcdef012345",
      comment: "## Tandem plan preview",
    });
    expect(plan).toContain("⛔ Blocked");
    expect(plan).toContain("/tandem ack abcdef012345");
    expect(plan).toContain("router weighted 25 % → cutover");
    expect(plan).toContain("## Tandem plan preview");
    expect(planSection({ file: "p.json", refused: "p.json: not a plan", counts: {}, intent: [], changes: [], findings: [], blocked: false, comment: "" })).toContain("The plan was refused: p.json: not a plan");
    expect(planSection(undefined)).toBe("");
  });

  test("the index links each environment's page", () => {
    const index = indexPage([{ env: "staging", file: "staging.html", summary: "phase 3/4" }], "2025-05-01T12:00:00.000Z");
    expect(index).toContain('<a href="staging.html">staging</a>');
    expect(index).not.toMatch(/<script/i);
  });
});

describe("the traffic diagram", () => {
  const t = sampleModel().traffic;

  test("is an accessible SVG: a title and a description naming the phase and every route", () => {
    for (const o of ["wide", "tall"] as const) {
      const svg = trafficSvg(t, o);
      expect(svg).toMatch(new RegExp(`<svg class="diagram diagram-${o}"[^>]* role="img" aria-labelledby="d-${o}-title d-${o}-desc"`));
      expect(svg).toContain("Phase 3 of 4: weighted");
      for (const r of t.routing) expect(svg).toContain(r.path);
      expect(svg).toMatch(/LEGACY/);
      expect(svg).toMatch(/NEW · NO ROUTE/);
    }
  });

  test("both layouts keep every box inside the canvas, and only routed targets get an edge from the router", () => {
    for (const o of ["wide", "tall"] as const) {
      const l = layout(t, o);
      for (const b of l.boxes) {
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.x + b.w).toBeLessThanOrEqual(l.width);
        expect(b.y + b.h).toBeLessThanOrEqual(l.height);
      }
      // users → front door → router, then one edge per routed target.
      expect(l.edges).toHaveLength(2 + t.targets.filter((x) => x.routed).length);
      expect(l.edges.filter((e) => e.kind === "legacy")).toHaveLength(1);
    }
  });

  test("wrap keeps lines within the box, breaking long names after punctuation", () => {
    expect(wrap("one two three four", 9)).toEqual(["one two", "three", "four"]);
    expect(wrap("nginxinc/nginx-unprivileged:1.27.3-alpine", 20)).toEqual(["nginxinc/nginx-", "unprivileged:1.27.3-", "alpine"]);
    for (const line of wrap("a".repeat(50), 20)) expect(line.length).toBeLessThanOrEqual(20);
  });
});
