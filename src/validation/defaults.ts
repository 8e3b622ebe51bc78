/**
 * Applies a construct's documented defaults to its props: a prop left out, or given as `undefined`, takes the
 * default. Each construct declares its defaults once, next to its props (`XXX_DEFAULTS`), and both the construct and
 * its rules read the merged result.
 */
export function withDefaults<D extends object, P extends object>(defaults: D, props: P): Omit<P, keyof D> & { [K in keyof D]: K extends keyof P ? Exclude<P[K], undefined> | D[K] : D[K] } {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(props)) if (v !== undefined) out[k] = v;
  return out as Omit<P, keyof D> & { [K in keyof D]: K extends keyof P ? Exclude<P[K], undefined> | D[K] : D[K] };
}
