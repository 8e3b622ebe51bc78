/**
 * The page's only stylesheet, inline. Every colour pair meets WCAG AA contrast, and nothing is told by colour alone:
 * legacy/new, levels, protection and severities each carry a word and a mark (dashed/solid, R/RW, ✓/✗, P0/P1).
 */
export const STYLE = `
:root { --text: #1a1d21; --muted: #545d69; --line: #c9d1d9; --bg-soft: #f6f8fa; --link: #0a58ca;
  --legacy: #6b3e00; --legacy-bg: #fff3df; --legacy-line: #8a5300;
  --new: #0b3d91; --new-bg: #e8f0fe; --new-line: #1f5fbf;
  --ok: #17603a; --bad: #9f1d14; --bad-bg: #fdecea; --warn: #6b4400; --warn-bg: #fff5d6; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--text); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--link); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
code { background: var(--bg-soft); padding: 0 0.25em; border-radius: 3px; overflow-wrap: anywhere; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 0.5em; }
.skip:focus { left: 0.5em; z-index: 10; }
header.top, main, footer { max-width: 1240px; margin: 0 auto; padding: 0 1rem; }
header.top { padding-top: 1rem; border-bottom: 1px solid var(--line); }
.brand { margin: 0; color: var(--muted); font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.06em; }
h1 { margin: 0.2rem 0 0.6rem; font-size: 1.7rem; line-height: 1.25; }
h1 .env { font-weight: 800; }
h1 .summary { display: block; font-size: 1rem; font-weight: 500; color: var(--muted); }
h2 { font-size: 1.35rem; margin: 2rem 0 0.6rem; padding-top: 0.6rem; border-top: 2px solid var(--text); }
h3 { font-size: 1.1rem; margin: 1.4rem 0 0.4rem; }
h4 { font-size: 1rem; margin: 1rem 0 0.3rem; }
.facts { display: flex; flex-wrap: wrap; gap: 0.3rem 1.6rem; margin: 0 0 0.6rem; }
.facts div { min-width: 8rem; }
.facts dt { font-size: 0.78rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.stamp { color: var(--muted); font-size: 0.88rem; margin: 0 0 0.5rem; }
nav ul { display: flex; flex-wrap: wrap; gap: 0.2rem 1rem; list-style: none; padding: 0; margin: 0 0 0.8rem; }
footer { color: var(--muted); font-size: 0.85rem; padding-bottom: 2rem; margin-top: 2rem; border-top: 1px solid var(--line); }
.muted, .detail { color: var(--muted); }
.detail { font-size: 0.85em; }
.note { color: var(--muted); font-size: 0.9rem; }
.scroll { overflow-x: auto; max-width: 100%; }
.scroll:focus { outline: 2px solid var(--link); outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; margin: 0.3rem 0 1rem; font-size: 0.92rem; }
caption { text-align: left; font-weight: 700; padding: 0.3rem 0; }
th, td { border: 1px solid var(--line); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: var(--bg-soft); font-size: 0.85rem; }
tbody th { font-weight: 600; }
td.pre { white-space: pre-line; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.plain li + li { margin-top: 0.1rem; }
.two { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr)); gap: 0 1.5rem; align-items: start; }
.ok { color: var(--ok); font-weight: 600; }
.flag { display: inline-block; white-space: nowrap; padding: 0.05rem 0.4rem; border-radius: 4px; font-weight: 600; }
.flag.warn { color: var(--warn); background: var(--warn-bg); border: 1px solid #c99a00; }
.flag.bad { color: var(--bad); background: var(--bad-bg); border: 1px solid var(--bad); }
.flag.info { color: var(--new); background: var(--new-bg); border: 1px solid var(--new-line); }
.badge { display: inline-block; font-size: 0.75rem; font-weight: 700; padding: 0 0.35rem; border-radius: 3px; border: 1px solid currentColor; }
.badge.live { color: var(--ok); }
.badge.idle { color: var(--muted); }
.badge.admin { color: var(--bad); }
.members { font-size: 0.82em; color: var(--muted); font-weight: 400; overflow-wrap: anywhere; }
.color-chip { display: inline-block; padding: 0 0.45rem; border-radius: 3px; font-weight: 700; color: #fff; }
.color-chip.blue { background: #1f5fbf; }
.color-chip.green { background: #17603a; }
.side { font-weight: 600; padding: 0 0.3rem; border-radius: 3px; }
.side.legacy { color: var(--legacy); background: var(--legacy-bg); border: 1px dashed var(--legacy-line); }
.side.new { color: var(--new); background: var(--new-bg); border: 1px solid var(--new-line); }
.side.split { color: #4a1d75; background: repeating-linear-gradient(135deg, #f3ebfb 0 6px, #fff 6px 12px); border: 1px solid #6b2fa3; }
ol.phases { display: flex; flex-wrap: wrap; gap: 0.4rem; list-style: none; padding: 0; margin: 0.4rem 0 0.8rem; }
ol.phases .step { border: 1px solid var(--line); border-radius: 999px; padding: 0.15rem 0.8rem; }
ol.phases .step.done { color: var(--ok); border-color: var(--ok); }
ol.phases .step.current { color: #fff; background: var(--text); border-color: var(--text); }
ol.phases .step.todo { color: var(--muted); border-style: dashed; }
ol.phases .state { font-size: 0.82em; }
figure.diagram-wrap { margin: 0.5rem 0 1rem; }
figcaption { color: var(--muted); font-size: 0.88rem; }
svg.diagram { display: block; max-width: 100%; height: auto; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
svg.diagram-tall { display: none; }
@media (max-width: 760px) { svg.diagram-wide { display: none; } svg.diagram-tall { display: block; } }
.diagram-heading { font-size: 17px; font-weight: 700; fill: var(--text); }
.box rect { stroke-width: 2; }
.box.chain rect { fill: var(--bg-soft); stroke: #57606a; }
.box.legacy rect { fill: var(--legacy-bg); stroke: var(--legacy-line); stroke-dasharray: 8 5; }
.box.new rect { fill: var(--new-bg); stroke: var(--new-line); }
.box.unrouted rect { fill: #fff; stroke: #57606a; stroke-dasharray: 2 4; }
.box-tag { font-size: 11px; font-weight: 700; letter-spacing: 0.06em; fill: var(--muted); }
.box.legacy .box-tag { fill: var(--legacy); }
.box.new .box-tag { fill: var(--new); }
.box-title { font-size: 15px; font-weight: 700; fill: var(--text); }
.box-line { font-size: 12.5px; fill: var(--text); }
.edge { fill: none; stroke-width: 2.5; }
.edge.chain { stroke: #57606a; }
.edge.legacy { stroke: var(--legacy-line); stroke-dasharray: 8 5; }
.edge.new { stroke: var(--new-line); }
.arrowhead.chain { fill: #57606a; }
.arrowhead.legacy { fill: var(--legacy-line); }
.arrowhead.new { fill: var(--new-line); }
.level { display: inline-block; font-weight: 700; padding: 0 0.35rem; border-radius: 3px; white-space: nowrap; }
.level .mark { display: inline-block; min-width: 1.7em; text-align: center; font-family: ui-monospace, Menlo, Consolas, monospace; }
.level.none { color: var(--muted); background: #f1f3f5; border: 1px dashed #8c959f; }
.level.read { color: #14532d; background: #e2f3e8; border: 1px solid #2f7d4f; }
.level.read-write { color: #fff; background: #1d6b40; border: 1px solid #1d6b40; }
td.level-cell ul { margin-top: 0.25rem; font-size: 0.82em; }
td.level-cell.none { background: #fafbfc; }
.legend .level { margin-right: 0.6rem; }
.prot { font-weight: 700; white-space: nowrap; }
.prot.on { color: var(--ok); }
.prot.off { color: var(--bad); }
.prot.na { color: var(--muted); font-weight: 400; }
td.prot-cell.off { background: var(--bad-bg); }
.guard { font-weight: 700; }
.guard.data-loss { color: var(--bad); }
.sev { display: inline-block; font-weight: 800; color: #fff; padding: 0 0.45rem; border-radius: 3px; }
.sev.P0 { background: var(--bad); }
.sev.P1 { background: #8a5300; }
.action.block { color: var(--bad); font-weight: 700; }
.kind { font-weight: 700; }
.free { white-space: nowrap; }
.bar { display: inline-block; width: 4rem; height: 0.6rem; border: 1px solid #57606a; vertical-align: middle; background: #fff; }
.bar span { display: block; height: 100%; background: #57606a; }
pre.comment { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg-soft); padding: 0.6rem; border: 1px solid var(--line); font-size: 0.8rem; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  h1 { font-size: 1.4rem; }
  th, td { padding: 0.3rem 0.35rem; }
}
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 10pt; }
  .skip, nav { display: none; }
  header.top, main, footer { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  svg.diagram-wide { display: block; } svg.diagram-tall { display: none; }
  h2 { break-after: avoid; }
  tr, figure, .box { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
