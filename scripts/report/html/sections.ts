/** The report's sections, each a pure function of its part of the model, returning HTML. */
import { AccessModel, AccessCell, BlueGreenModel, MonitoringModel, PhaseStep, PlanModel, PortsModel, Protection, ReadinessWarning, ResourcesModel, TrafficModel } from "../model";
import { describe, formatPercent } from "../routing";
import { cell, code, esc, items, rawCell, rowHeader, section, table } from "./escape";
import { phaseLine, trafficSvg } from "./diagram";

// ---- traffic ---------------------------------------------------------------------------------------------------

/** The phases as steps, the current one marked in words and by `aria-current`. */
export function phaseSteps(t: TrafficModel): string {
  const i = t.phases.indexOf(t.phase);
  const steps = t.phases.map((p, n) => {
    const state = n < i ? "done" : n === i ? "current" : "todo";
    const words = state === "done" ? "done" : state === "current" ? "current phase" : "to come";
    const mark = state === "done" ? "✓" : state === "current" ? "▶" : "○";
    return `<li class="step ${state}"${state === "current" ? ' aria-current="step"' : ""}><span class="mark" aria-hidden="true">${mark}</span> <span class="n">${n + 1}.</span> <strong>${esc(p)}</strong> <span class="state">(${words})</span></li>`;
  });
  return `<ol class="phases" aria-label="Migration phases">${steps.join("")}</ol>`;
}

function stepTable(id: string, title: string, step: PhaseStep | undefined, current: string): string {
  if (!step) return `<p class="muted">${esc(title)}: none (${esc(current)} is the ${title.startsWith("Next") ? "last" : "first"} phase).</p>`;
  const rows = step.changes.map((c) => [rowHeader(c.path), cell(c.from), cell(c.to)]);
  const note = step.note ? `<p class="note">${esc(step.note)}.</p>` : "";
  if (rows.length === 0) return `<div><h3>${esc(title)}: ${esc(step.phase)}</h3><p>No path changes destination.</p>${note}</div>`;
  return `<div><h3>${esc(title)}: ${esc(step.phase)}</h3>${table(id, `${current} → ${step.phase}: paths that change destination (other hosts than the new host)`, ["path", "now", `in ${step.phase}`], rows)}${note}</div>`;
}

function blueGreenTable(list: readonly BlueGreenModel[]): string {
  if (list.length === 0) return "";
  const rows = list.flatMap((bg) =>
    bg.colors.map((c) => [
      rowHeader(`${bg.name} ${c.color}`),
      rawCell(`<span class="color-chip ${c.color}">${esc(c.color)}</span>${c.color === bg.activeColor ? ' <strong class="badge live">LIVE</strong>' : ' <span class="badge idle">idle</span>'}`),
      cell(c.image ?? "not deployed"),
      cell(c.replicas),
      cell(c.serving ? "yes" : "no"),
      cell(c.autoscaled ? "HPA" : "pinned"),
    ]),
  );
  const steps = list.map((bg) => `<li><strong>${esc(bg.name)}</strong> (canary ${esc(formatPercent(bg.effectiveCanaryPercent))} %; Services ${code(bg.services.shared)}, ${code(bg.services.active)}, ${code(bg.services.preview)}). Promote: ${esc(bg.promote)}. Roll back: ${esc(bg.rollback)}.</li>`);
  return `<h3>Blue-green services</h3>${table("bluegreen", "Blue-green services: each colour's image, pods and traffic", ["service colour", "colour", "image", "pods", "gets traffic", "scaling"], rows)}<ul>${steps.join("")}</ul>`;
}

export function trafficSection(t: TrafficModel): string {
  const routingRows = [
    [rowHeader(t.newHost), cell("every path"), cell("new (every phase)")],
    ...t.routing.map((r) => [rowHeader("every other host"), rawCell(code(r.path)), rawCell(`<span class="side ${r.side}">${esc(describe(r, t.weightPercent))}</span>`)]),
  ];
  const body = [
    phaseSteps(t),
    `<figure class="diagram-wrap"><div class="scroll" role="region" tabindex="0" aria-label="Traffic diagram">${trafficSvg(t, "wide")}${trafficSvg(t, "tall")}</div><figcaption>${esc(phaseLine(t))}. Dashed: legacy. Solid: new platform. Dotted: running, but no route to it.</figcaption></figure>`,
    table("routing", `Where requests go in the ${t.phase} phase (read from the router's nginx.conf)`, ["host", "path", "goes to"], routingRows),
    `<div class="two">${stepTable("previous-phase", "Previous phase", t.previous, t.phase)}${stepTable("next-phase", "Next phase", t.next, t.phase)}</div>`,
    blueGreenTable(t.blueGreen),
  ];
  return section("traffic", "Traffic path", body.join("\n"));
}

// ---- ports -----------------------------------------------------------------------------------------------------

export function portsSection(p: PortsModel): string {
  const kind = p.strategy === "blocks" ? "block" : "family";
  const rows = p.rows.map((r) => [
    rowHeader(r.service),
    cell(r.category),
    rawCell(`<strong>${esc(r.port)}</strong>`, "num"),
    cell(r.target),
    cell(r.why),
    rawCell(r.notes.length > 0 ? `<span class="flag warn">⚠ ${esc(r.notes.join("; "))}</span>` : '<span class="muted">none</span>'),
  ]);
  const ranges = p.ranges.map((r) => {
    const used = r.services.map((s) => `${s.service} ${s.port}`);
    const fixed = [...r.legacy.map((l) => `legacy ${l.use} ${l.port}`), ...r.avoided.map((a) => `avoided ${a}`)];
    const size = r.end - r.start + 1;
    const pct = Math.round(((size - r.free) / size) * 100);
    return [
      rowHeader(r.categories.join(", ")),
      cell(`${r.start}-${r.end}`),
      rawCell(items(used, "empty")),
      rawCell(items(fixed, "none")),
      rawCell(`<span class="free"><span class="bar" aria-hidden="true"><span style="width:${pct}%"></span></span> ${esc(r.free)} of ${esc(size)} free</span>`),
    ];
  });
  const legacy = p.legacy.map((l) => [rowHeader(`legacy ${l.use}`), rawCell(`<strong>${esc(l.port)}</strong>`, "num"), cell(l.note)]);
  const avoid = p.avoid.length > 0 ? `<p>Avoided (never allocated): ${p.avoid.map((a) => code(String(a))).join(", ")}.</p>` : "";
  const conflicts = '<p class="ok">✓ No conflict: synth refuses two claimants on one port, a legacy or avoided port, or a port outside its block, naming both.</p>';
  return section(
    "ports",
    "Port plan",
    [
      `<p>Strategy <strong>${esc(p.strategy)}</strong>: ${p.strategy === "blocks" ? "seed 001's blocks of 100 in 30000-30999" : "seed 000's families next to the legacy ports"}. The same plan as ${code("npm run ports")}.</p>`,
      `<div class="two">${table("legacy-ports", "Legacy ports (reserved, never touched)", ["use", "port", "note"], legacy)}<div>${avoid}${conflicts}</div></div>`,
      table("port-plan", "Every service's port", ["service", "category", "port", "target", "why", "near-collisions"], rows, "ports"),
      table("port-ranges", `Free room per ${kind}`, ["categories", "range", "services", "legacy / avoided", "free"], ranges),
    ].join("\n"),
  );
}

// ---- access ----------------------------------------------------------------------------------------------------

const LEVEL_MARK: Record<string, string> = { none: "—", read: "R", "read-write": "RW" };

function accessCell(c: AccessCell): string {
  const grants = [...c.iam.map((r) => `IAM ${r}`), ...c.kubernetes.map((k) => `RBAC ${k}`)];
  return `<span class="level ${esc(c.level)}"><span class="mark" aria-hidden="true">${esc(LEVEL_MARK[c.level] ?? "?")}</span> ${esc(c.level)}</span>${c.level === "none" ? "" : items(grants, "nothing granted")}`;
}

export function accessSection(a: AccessModel | undefined): string {
  if (!a) return section("access", "Access", "<p>This environment is one Docker host: no IAM and no RBAC, so no access table applies.</p>");
  const rows = a.roles.map((r) => [
    rawCell(`${esc(r.role)}<br><span class="members">${r.members.map(esc).join("<br>")}</span>${r.cluster.length > 0 ? `<br><span class="badge admin">${esc(r.cluster.join(", "))}</span>` : ""}`),
    ...a.areas.map((area) => rawCell(accessCell(r.cells[area]), `level-cell ${r.cells[area].level}`)),
  ]);
  // The role column is the row header.
  const matrix = table("access-matrix", "Access matrix: roles × areas, and the grants each cell becomes", ["role", ...a.areas], rows.map((r) => [{ ...r[0], header: true }, ...r.slice(1)]), "matrix");
  const legend = `<p class="legend"><span class="level none"><span class="mark" aria-hidden="true">—</span> none</span> <span class="level read"><span class="mark" aria-hidden="true">R</span> read</span> <span class="level read-write"><span class="mark" aria-hidden="true">RW</span> read-write</span> (a trailing * on an IAM role: limited by an IAM condition).</p>`;
  const iam = table(
    "project-iam",
    "Project IAM, role → members (additive google_project_iam_member)",
    ["IAM role", "members"],
    a.projectIam.map((g) => [rowHeader(`${g.role}${g.conditioned ? "*" : ""}`), rawCell(items(g.members))]),
  );
  const roles = table(
    "k8s-roles",
    "Kubernetes Roles (never Secrets, never a wildcard)",
    ["Role", "namespace", "rules"],
    a.kubernetesRoles.map((r) => [rowHeader(r.name), cell(r.namespace), rawCell(items(r.rules))]),
  );
  const notes = [a.conditionNote ? `<p>* ${esc(a.conditionNote)}.</p>` : "", ...a.warnings.map((w) => `<p class="flag warn">⚠ ${esc(w)}</p>`)].join("");
  return section("access", "Access", [legend, matrix, notes, `<h3>Project IAM and Kubernetes Roles</h3>${iam}${roles}`].join("\n"));
}

// ---- resources -------------------------------------------------------------------------------------------------

function stateClass(state: Protection["state"]): string {
  return state === "n/a" ? "na" : state;
}

function protectionCell(p: Protection): string {
  const mark = p.state === "on" ? "✓" : p.state === "off" ? "✗" : "–";
  return `<span class="prot ${stateClass(p.state)}"><span aria-hidden="true">${mark}</span> ${esc(p.state)}</span>${p.detail ? `<br><span class="detail">${esc(p.detail)}</span>` : ""}`;
}

export function resourcesSection(r: ResourcesModel): string {
  const groups = r.groups.map((g) => [rowHeader(g.construct), rawCell(`<strong>${esc(g.total)}</strong>`, "num"), rawCell(items(g.types.map((t) => `${t.count} × ${t.type}`)))]);
  const stateful = r.stateful.map((s) => [
    rawCell(`${esc(s.name)}<br><span class="detail">${esc(s.type)} · ${esc(s.construct)}</span>`),
    rawCell(`<span class="guard ${s.level}">${esc(s.level === "data-loss" ? "data loss" : s.level)}</span><br><span class="detail">${esc(s.why)}</span>`),
    ...s.protections.map((p) => rawCell(protectionCell(p), `prot-cell ${stateClass(p.state)}`)),
  ]);
  return section(
    "resources",
    "What the stack creates",
    [
      `<p><strong>${esc(r.total)}</strong> resources, ${esc(r.dataSources)} data sources, ${esc(r.outputs)} outputs, from the synthesized stack (the JSON ${code("cdktf deploy")} applies).</p>`,
      table("stateful", "Stateful and critical resources (what the destroy guard watches) and their protection", ["resource", "if destroyed", "deletion protection", "backups", "PITR", "HA"], stateful.map((row) => [{ ...row[0], header: true }, ...row.slice(1)]), "stateful"),
      table("constructs", "Resources by construct", ["construct", "resources", "by type"], groups),
    ].join("\n"),
  );
}

// ---- monitoring ------------------------------------------------------------------------------------------------

export function monitoringSection(m: MonitoringModel | undefined): string {
  if (!m) return section("alerts", "Alerts and uptime checks", "<p>No Monitoring construct in this environment (dev runs on one Docker host; Docker's health checks watch the containers).</p>");
  const alerts = m.alerts.map((a) => [
    rawCell(`<span class="sev ${a.severity}">${esc(a.severity)}</span>`),
    rowHeader(a.title),
    cell(a.threshold),
    rawCell(`<span class="detail">${esc(a.condition)}</span>`),
    rawCell(items(a.channels)),
  ]);
  const uptime = m.uptime.map((u) => [rowHeader(u.name), rawCell(`<span class="side ${u.side === "legacy" ? "legacy" : "new"}">${esc(u.side)}</span>`), rawCell(code(u.url)), cell(u.period), cell(u.alert ?? "none")]);
  const channels = m.channels.map((c) => [rowHeader(c.name), cell(c.target)]);
  return section(
    "alerts",
    "Alerts and uptime checks",
    [
      table("alert-policies", "Alert policies (P0 pages, P1 tickets)", ["severity", "alert", "threshold", "condition", "channels"], alerts),
      `<div class="two">${table("uptime-checks", "Uptime checks", ["check", "side", "URL", "every", "alert"], uptime)}${table("channels", "Notification channels", ["channel", "target"], channels)}</div>`,
    ].join("\n"),
  );
}

// ---- plan ------------------------------------------------------------------------------------------------------

export function planSection(p: PlanModel | undefined): string {
  if (!p) return "";
  if (p.refused) return section("plan", "Pending changes", `<p class="flag bad" role="alert">✗ The plan was refused: ${esc(p.refused)}</p>`);
  const c = p.counts;
  const counts = table("plan-counts", `Plan ${p.file}`, ["add", "change", "replace", "destroy", "also"], [
    [cell(c.create ?? 0, "num"), cell(c.update ?? 0, "num"), cell(c.replace ?? 0, "num"), cell(c.destroy ?? 0, "num"), cell(["import", "move", "forget", "outputs", "drift"].filter((k) => (c[k] ?? 0) > 0).map((k) => `${c[k]} ${k}`).join(", ") || "–")],
  ]);
  const verdict = p.findings.length === 0 ? '<p class="ok">✓ The destroy guard finds nothing.</p>' : p.blocked ? `<p class="flag bad" role="alert">⛔ Blocked: acknowledge with ${code(`/tandem ack ${p.hash ?? ""}`)} if intended.</p>` : '<p class="flag warn">⚠ Guarded changes (not blocking in this stack).</p>';
  const findings = p.findings.length === 0 ? "" : table("guard-findings", "Destroy guard findings", ["level", "action", "change", "resource", "why"], p.findings.map((f) => [cell(f.level), rawCell(`<span class="action ${f.action}">${esc(f.action)}</span>`), cell(f.kind), rawCell(code(f.address)), cell(f.reason)]));
  const changes = table(
    "plan-changes",
    "Every change, most important first",
    ["change", "resource", "construct", "notes", "attributes"],
    p.changes.map((x) => [
      rawCell(`<span class="kind ${esc(x.kind)}">${esc(x.kind)}</span>`),
      rawCell(code(x.address)),
      cell(x.construct ?? "–"),
      rawCell(items(x.notes)),
      rawCell(items(x.attributes.map((a) => `${a.path}: ${a.before} → ${a.after}`))),
    ]),
  );
  const intent = p.intent.length > 0 ? `<p><strong>Intent:</strong> ${p.intent.map(esc).join("; ")}</p>` : "";
  const comment = `<details><summary>The PR comment for this plan</summary><pre class="comment">${esc(p.comment)}</pre></details>`;
  return section("plan", "Pending changes", [intent, counts, verdict, findings, changes, comment].join("\n"));
}

// ---- warnings --------------------------------------------------------------------------------------------------

export function warningsSection(w: readonly ReadinessWarning[]): string {
  if (w.length === 0) return section("warnings", "Deploy readiness", '<p class="ok">✓ No warnings: nothing to replace or review before a deploy.</p>');
  const rows = w.map((x) => [rawCell(x.placeholder ? '<span class="flag warn">⚠ placeholder</span>' : '<span class="flag info">ℹ advice</span>'), rowHeader(x.construct), cell(x.message, "pre")]);
  return section("warnings", "Deploy readiness", table("readiness", `${w.length} warning${w.length === 1 ? "" : "s"} from synth (construct warnings)`, ["kind", "construct", "warning"], rows));
}
