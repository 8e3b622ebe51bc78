/**
 * A small evaluator for the part of the Cloud Logging query language our log-based metrics use, so a test can run a
 * metric's own filter string over log entries: comparisons `path = "value"`, `!=`, `:` (has, substring, case-
 * insensitive), `=~` / `!~` (RE2-like regular expressions, here JavaScript's), joined by `AND`, `OR`, `NOT` and
 * parentheses, where (as in the Logging language) NOT binds tightest, then OR, then AND; juxtaposition is AND. Paths
 * are dotted (`jsonPayload.kind`, `resource.labels.namespace_name`), a segment may be quoted. Also `EXTRACT(path)`,
 * what label and value extractors read. Anything else is refused, so an unsupported filter fails the test loudly.
 */
export type LogEntry = Readonly<Record<string, unknown>>;

type Token = { kind: "word" | "string" | "op" | "(" | ")"; text: string };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const c = filter[i];
    if (/\s/.test(c)) i++;
    else if (c === "(" || c === ")") tokens.push({ kind: c, text: c }), i++;
    else if (c === '"') {
      let text = "";
      for (i++; i < filter.length && filter[i] !== '"'; i++) text += filter[i] === "\\" ? filter[++i] : filter[i];
      if (filter[i] !== '"') throw new Error(`unterminated string in filter: ${filter}`);
      tokens.push({ kind: "string", text }), i++;
    } else if (/[=!:<>]/.test(c)) {
      const two = filter.slice(i, i + 2);
      const op = ["!=", "=~", "!~", ">=", "<="].includes(two) ? two : c;
      if (["<", ">", ">=", "<="].includes(op)) throw new Error(`operator ${op} is not supported by this evaluator`);
      tokens.push({ kind: "op", text: op }), (i += op.length);
    } else {
      let text = "";
      while (i < filter.length && !/[\s()=!:<>"]/.test(filter[i])) text += filter[i++];
      // A quoted path segment: jsonPayload."k8s-pod/app".
      while (filter[i] === '"' && text.endsWith(".")) {
        let seg = "";
        for (i++; i < filter.length && filter[i] !== '"'; i++) seg += filter[i];
        text += `"${seg}"`;
        i++;
        while (i < filter.length && !/[\s()=!:<>"]/.test(filter[i])) text += filter[i++];
      }
      tokens.push({ kind: "word", text });
    }
  }
  return tokens;
}

function pathSegments(path: string): string[] {
  return [...path.matchAll(/"([^"]*)"|([^.]+)/g)].map((m) => m[1] ?? m[2]);
}

/** The value at a dotted path (undefined when absent). */
export function valueAt(entry: LogEntry, path: string): unknown {
  let cur: unknown = entry;
  for (const seg of pathSegments(path)) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

const asText = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === "object" ? JSON.stringify(v) : String(v));

function compare(entry: LogEntry, path: string, op: string, value: string): boolean {
  const actual = asText(valueAt(entry, path));
  switch (op) {
    case "=":
      return actual === value;
    case "!=":
      return actual !== value;
    case ":":
      return actual !== undefined && actual.toLowerCase().includes(value.toLowerCase());
    case "=~":
      return actual !== undefined && new RegExp(value).test(actual);
    case "!~":
      return actual === undefined || !new RegExp(value).test(actual);
    default:
      throw new Error(`operator ${op} is not supported by this evaluator`);
  }
}

/** Parses a filter into a predicate over log entries. */
export function parseLoggingFilter(filter: string): (entry: LogEntry) => boolean {
  const tokens = tokenize(filter);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (w: string) => peek()?.kind === "word" && peek().text === w;
  type P = (e: LogEntry) => boolean;
  const andExpr = (): P => {
    const parts = [orExpr()];
    while (pos < tokens.length && peek().kind !== ")") {
      if (isWord("AND")) pos++;
      parts.push(orExpr());
    }
    return (e) => parts.every((p) => p(e));
  };
  const orExpr = (): P => {
    const parts = [unary()];
    while (isWord("OR")) {
      pos++;
      parts.push(unary());
    }
    return (e) => parts.some((p) => p(e));
  };
  const unary = (): P => {
    if (isWord("NOT")) {
      pos++;
      const inner = unary();
      return (e) => !inner(e);
    }
    if (peek()?.kind === "(") {
      pos++;
      const inner = andExpr();
      if (peek()?.kind !== ")") throw new Error(`missing ) in filter: ${filter}`);
      pos++;
      return inner;
    }
    const path = tokens[pos++];
    const op = tokens[pos++];
    const value = tokens[pos++];
    if (path?.kind !== "word" || op?.kind !== "op" || !value || (value.kind !== "string" && value.kind !== "word")) throw new Error(`cannot read a comparison at token ${pos} of: ${filter}`);
    return (e) => compare(e, path.text, op.text, value.text);
  };
  const predicate = andExpr();
  if (pos !== tokens.length) throw new Error(`unexpected ${peek().text} in filter: ${filter}`);
  return predicate;
}

/** What an extractor (`EXTRACT(jsonPayload.side)`) gives for an entry: the field's value as text. */
export function runExtractor(extractor: string, entry: LogEntry): string | undefined {
  const m = /^EXTRACT\(([^()]+)\)$/.exec(extractor.trim());
  if (!m) throw new Error(`extractor ${extractor} is not supported by this evaluator (only EXTRACT(field))`);
  return asText(valueAt(entry, m[1]));
}
