/**
 * The traffic path as inline SVG: users → front door → router → legacy and the new platform's services. Two
 * layouts of the same boxes: `wide` (left to right, laptops and print) and `tall` (top to bottom, phones); the page
 * shows one at a time. Legacy and new differ by more than colour: legacy boxes and edges are dashed and say
 * "legacy", new ones are solid and say "new"; services without a route are dotted and say so.
 */
import { TrafficModel, TrafficTarget } from "../model";
import { formatPercent } from "../routing";
import { esc } from "./escape";

export type Orientation = "wide" | "tall";

interface Box {
  readonly id: string;
  readonly kind: "chain" | "legacy" | "new" | "unrouted";
  readonly tag: string;
  /** The title, wrapped to the box (15 px bold). */
  readonly title: readonly string[];
  readonly lines: readonly string[];
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const TITLE = 18;
const LINE = 17;
const PAD = 10;
const CHAR = 7.1;

/** Words wrapped to lines of at most `max` characters; a longer word is cut with an ellipsis. */
export function wrap(text: string, max: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const w of text.split(/\s+/).filter(Boolean).flatMap((word) => breakWord(word, max))) {
    if (line === "") line = w;
    else if (line.length + 1 + w.length <= max) line = `${line} ${w}`;
    else {
      out.push(line);
      line = w;
    }
  }
  if (line) out.push(line);
  return out;
}

/** A word longer than a line, broken after `:`, `/`, `-` or `.` where it can be, else at the limit. */
function breakWord(word: string, max: number): string[] {
  const out: string[] = [];
  let rest = word;
  while (rest.length > max) {
    const head = rest.slice(0, max);
    const at = Math.max(head.lastIndexOf(":"), head.lastIndexOf("/"), head.lastIndexOf("-"), head.lastIndexOf("."));
    const cut = at >= max / 3 ? at + 1 : max;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  return [...out, rest];
}

const TITLE_CHAR = 9;

function boxHeight(title: readonly string[], lines: readonly string[]): number {
  return PAD + 12 + TITLE * title.length + lines.length * LINE + PAD;
}

function titleLines(title: string, w: number): string[] {
  return wrap(title, Math.floor((w - 2 * PAD) / TITLE_CHAR));
}

/** One line saying the phase, for the diagram's heading and its accessible name. */
export function phaseLine(t: TrafficModel): string {
  const i = t.phases.indexOf(t.phase) + 1;
  return `Phase ${i} of ${t.phases.length}: ${t.phase}${t.phase === "weighted" ? ` (${formatPercent(t.weightPercent)} % of other clients to new)` : ""}`;
}

function targetBox(target: TrafficTarget, x: number, y: number, w: number): Omit<Box, "y"> & { y: number } {
  const max = Math.floor((w - 2 * PAD) / CHAR);
  const lines = [...target.lines, `gets: ${target.share}`].flatMap((l) => wrap(l, max));
  const kind = !target.routed ? "unrouted" : target.side;
  const tag = kind === "legacy" ? "LEGACY" : kind === "unrouted" ? "NEW · NO ROUTE" : "NEW";
  const title = titleLines(target.title, w);
  return { id: target.id, kind, tag, title, lines, x, y, w, h: boxHeight(title, lines) };
}

function chainBoxes(t: TrafficModel, w: number): Omit<Box, "x" | "y">[] {
  const max = Math.floor((w - 2 * PAD) / CHAR);
  const mk = (id: string, tag: string, title: string, lines: readonly string[]) => {
    const wrapped = lines.flatMap((l) => wrap(l, max));
    const t = titleLines(title, w);
    return { id, kind: "chain" as const, tag, title: t, lines: wrapped, w, h: boxHeight(t, wrapped) };
  };
  const legacyHost = hostOf(t.legacy.baseUrl);
  return [
    mk("users", "CLIENTS", "Users", [legacyHost, t.newHost]),
    mk("front-door", "FRONT DOOR", t.frontDoor.title, t.frontDoor.lines),
    mk("router", "ROUTER", t.router.name, t.router.lines),
  ];
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

interface Layout {
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly Box[];
  readonly edges: readonly { readonly d: string; readonly kind: "chain" | "legacy" | "new" }[];
}

/** Box positions and edge paths for one orientation. */
export function layout(t: TrafficModel, orientation: Orientation): Layout {
  const top = orientation === "wide" ? 44 : 22 + 22 * wrap(phaseLine(t), 34).length;
  if (orientation === "wide") {
    const chainW = 210;
    const gap = 46;
    const targetX = 3 * chainW + 3 * gap + 70;
    const targetW = 330;
    let y = top;
    const targets = t.targets.map((target) => {
      const b = targetBox(target, targetX, y, targetW);
      y += b.h + 14;
      return b;
    });
    const targetsBottom = y - 14;
    const chain = chainBoxes(t, chainW);
    const chainH = Math.max(...chain.map((c) => c.h));
    const mid = Math.max(top + chainH / 2, (top + targetsBottom) / 2);
    const chainBoxesPlaced: Box[] = chain.map((c, i) => ({ ...c, x: 20 + i * (chainW + gap), y: mid - c.h / 2 }));
    const edges: Layout["edges"][number][] = [];
    for (let i = 0; i < chainBoxesPlaced.length - 1; i++) {
      const a = chainBoxesPlaced[i];
      const b = chainBoxesPlaced[i + 1];
      edges.push({ d: `M${a.x + a.w},${mid} L${b.x - 4},${mid}`, kind: "chain" });
    }
    const router = chainBoxesPlaced[2];
    for (const b of targets.filter((x) => x.kind !== "unrouted")) {
      const sx = router.x + router.w;
      const ty = b.y + b.h / 2;
      const cx = (sx + b.x) / 2;
      edges.push({ d: `M${sx},${mid} C${cx},${mid} ${cx},${ty} ${b.x - 4},${ty}`, kind: b.kind === "legacy" ? "legacy" : "new" });
    }
    const height = Math.max(targetsBottom, ...chainBoxesPlaced.map((c) => c.y + c.h)) + 20;
    return { width: targetX + targetW + 20, height, boxes: [...chainBoxesPlaced, ...targets], edges };
  }
  const width = 380;
  const chainW = width - 40;
  let y = top;
  const chain: Box[] = chainBoxes(t, chainW).map((c) => {
    const b = { ...c, x: 20, y };
    y += c.h + 30;
    return b;
  });
  const edges: Layout["edges"][number][] = [];
  for (let i = 0; i < chain.length - 1; i++) edges.push({ d: `M${width / 2},${chain[i].y + chain[i].h} L${width / 2},${chain[i + 1].y - 4}`, kind: "chain" });
  const router = chain[2];
  const targetX = 48;
  const targets: Box[] = t.targets.map((target) => {
    const b = targetBox(target, targetX, y, width - targetX - 20);
    y += b.h + 14;
    return b;
  });
  const bus = 30;
  for (const b of targets.filter((x) => x.kind !== "unrouted")) {
    const ty = b.y + Math.min(24, b.h / 2);
    edges.push({ d: `M${bus},${router.y + router.h} L${bus},${ty} L${b.x - 4},${ty}`, kind: b.kind === "legacy" ? "legacy" : "new" });
  }
  return { width, height: y + 6, boxes: [...chain, ...targets], edges };
}

/** The diagram as one `<svg>`; its ids carry the orientation, so both layouts can be on one page. */
export function trafficSvg(t: TrafficModel, orientation: Orientation): string {
  const p = `d-${orientation}`;
  const l = layout(t, orientation);
  const heading = orientation === "wide" ? [phaseLine(t)] : wrap(phaseLine(t), 34);
  const routes = t.routing.map((r) => `${r.path} to ${r.side === "split" ? "legacy or new by weight" : r.side === "legacy" ? "legacy" : r.service}`).join("; ");
  const desc = `Users reach ${t.frontDoor.title}, then the router ${t.router.name}. ${phaseLine(t)}. ${t.newHost} always goes to the new platform. Other hosts: ${routes}.`;
  const marker = (kind: string) =>
    `<marker id="${p}-arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead ${kind}"/></marker>`;
  const edges = l.edges.map((e) => `<path d="${e.d}" class="edge ${e.kind}" marker-end="url(#${p}-arrow-${e.kind})"/>`).join("\n");
  const boxes = l.boxes.map((b) => boxSvg(b)).join("\n");
  return `<svg class="diagram diagram-${orientation}" viewBox="0 0 ${l.width} ${Math.ceil(l.height)}" width="${l.width}" height="${Math.ceil(l.height)}" role="img" aria-labelledby="${p}-title ${p}-desc" xmlns="http://www.w3.org/2000/svg">
<title id="${p}-title">Traffic path of the ${esc(t.phase)} phase</title>
<desc id="${p}-desc">${esc(desc)}</desc>
<defs>${["chain", "legacy", "new"].map(marker).join("")}</defs>
${heading.map((h, i) => `<text x="20" y="${26 + i * 22}" class="diagram-heading">${esc(h)}</text>`).join("")}
${edges}
${boxes}
</svg>`;
}

function boxSvg(b: Box): string {
  const top = b.y + PAD + 12 + TITLE * b.title.length;
  const lines = b.lines.map((line, i) => `<text x="${b.x + PAD}" y="${top + i * LINE + 12}" class="box-line">${esc(line)}</text>`).join("");
  const title = b.title.map((t, i) => `<text x="${b.x + PAD}" y="${b.y + PAD + 12 + 14 + i * TITLE}" class="box-title">${esc(t)}</text>`).join("");
  return `<g class="box ${b.kind}" data-box="${esc(b.id)}">
<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="8"/>
<text x="${b.x + PAD}" y="${b.y + PAD + 9}" class="box-tag">${esc(b.tag)}</text>
${title}${lines}
</g>`;
}
