/**
 * One static HTML page per environment, and an index of them: inline CSS and SVG, no script, no external
 * request of any kind, so it opens offline and as a CI artifact.
 */
import { ReportModel } from "../model";
import { formatPercent } from "../routing";
import { esc } from "./escape";
import { accessSection, monitoringSection, planSection, portsSection, resourcesSection, trafficSection, warningsSection } from "./sections";
import { STYLE } from "./style";

/** `default-src 'none'`: the page may load nothing, not even by mistake; only its own inline style applies. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function shell(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(CONTENT_SECURITY_POLICY)}">
<meta name="color-scheme" content="light">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the report</a>
${body}
</body>
</html>
`;
}

const SECTIONS: readonly [string, string][] = [
  ["warnings", "Deploy readiness"],
  ["plan", "Pending changes"],
  ["traffic", "Traffic path"],
  ["ports", "Port plan"],
  ["access", "Access"],
  ["resources", "What the stack creates"],
  ["alerts", "Alerts"],
];

export function summaryLine(m: ReportModel): string {
  const t = m.traffic;
  const phase = `phase ${t.phases.indexOf(t.phase) + 1}/${t.phases.length} ${t.phase}${t.phase === "weighted" ? ` ${formatPercent(t.weightPercent)} %` : ""}`;
  const placeholders = m.warnings.filter((w) => w.placeholder).length;
  return [phase, `${m.ports.rows.length} ports`, `${m.resources.total} resources`, `${m.warnings.length} warning${m.warnings.length === 1 ? "" : "s"}${placeholders > 0 ? ` (${placeholders} placeholder${placeholders === 1 ? "" : "s"})` : ""}`].join(" · ");
}

/** The whole page of one environment. */
export function reportPage(m: ReportModel): string {
  const toc = SECTIONS.filter(([id]) => id !== "plan" || m.plan).map(([id, title]) => `<li><a href="#${id}">${esc(title)}</a></li>`);
  const facts = m.facts.map((f) => `<div><dt>${esc(f.label)}</dt><dd>${esc(f.value)}</dd></div>`).join("");
  const stamp = `Generated ${esc(m.generated.at.slice(0, 16).replace("T", " "))} UTC${m.generated.commit ? ` at commit <code>${esc(m.generated.commit.slice(0, 12))}</code>` : ""} from the stack ${"<code>cdktf deploy " + esc(m.env) + "</code>"} deploys.`;
  const body = `<header class="top">
<p class="brand">Tandem environment report</p>
<h1><span class="env">${esc(m.env)}</span> <span class="summary">${esc(summaryLine(m))}</span></h1>
<dl class="facts">${facts}</dl>
<p class="stamp">${stamp}</p>
<nav aria-label="Sections"><ul>${toc.join("")}</ul></nav>
</header>
<main id="main">
${warningsSection(m.warnings)}
${planSection(m.plan)}
${trafficSection(m.traffic)}
${portsSection(m.ports)}
${accessSection(m.access)}
${resourcesSection(m.resources)}
${monitoringSection(m.monitoring)}
</main>
<footer><p>Static page: no script, no external request. Built by <code>npm run report</code> from the validated config and the synthesized stack; regenerate it after a change.</p></footer>`;
  return shell(`Tandem · ${m.env}`, body);
}

export interface IndexEntry {
  readonly env: string;
  readonly file: string;
  readonly summary: string;
}

/** The index of every environment's report. */
export function indexPage(entries: readonly IndexEntry[], generatedAt: string): string {
  const rows = entries.map((e) => `<tr><th scope="row"><a href="${esc(e.file)}">${esc(e.env)}</a></th><td>${esc(e.summary)}</td></tr>`).join("\n");
  const body = `<header class="top"><p class="brand">Tandem environment reports</p><h1>Environments</h1><p class="stamp">Generated ${esc(generatedAt.slice(0, 16).replace("T", " "))} UTC.</p></header>
<main id="main"><section aria-labelledby="envs-title"><h2 id="envs-title">One page per environment</h2>
<div class="scroll" role="region" tabindex="0" aria-labelledby="envs-caption"><table><caption id="envs-caption">Reports</caption><thead><tr><th scope="col">environment</th><th scope="col">summary</th></tr></thead><tbody>
${rows}
</tbody></table></div></section></main>`;
  return shell("Tandem · environments", body);
}
