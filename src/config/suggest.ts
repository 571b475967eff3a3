import type { z } from 'zod';

/** Edit distance (insert, delete, substitute, swap of neighbours), compared case-insensitively. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(s.length, t.length);
}

/**
 * The known name closest to `name`, when it is close enough to be a slip (at most a third of the
 * name's letters off, and at least one): `tickMss` → `tickMs`, `adress` → `address`. Null otherwise.
 */
export function closestName(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(name.length / 3));
  for (const k of known) {
    const dist = distance(name, k);
    if (dist <= bestDistance && (best === null || dist < bestDistance)) {
      best = k;
      bestDistance = dist;
    }
  }
  return best;
}

/** Wrappers whose inner schema is the one that describes the value's shape. */
const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'pipe']);

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  for (;;) {
    const def = s._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (!WRAPPERS.has(def.type)) return s;
    const inner = def.innerType ?? def.in;
    if (inner === undefined) return s;
    s = inner;
  }
}

/**
 * The field names an object schema allows at `path` (array indexes and record keys step into the
 * element and value schemas), or an empty list when `path` does not lead to an object schema.
 */
export function knownFields(root: z.core.$ZodType, path: readonly (string | number)[]): string[] {
  let s: z.core.$ZodType | undefined = unwrap(root);
  for (const key of path) {
    if (s === undefined) return [];
    const def = s._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; valueType?: z.core.$ZodType };
    if (def.type === 'object' && typeof key === 'string') s = def.shape?.[key];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return [];
    if (s !== undefined) s = unwrap(s);
  }
  const def = s?._zod.def as { type: string; shape?: Record<string, z.core.$ZodType> } | undefined;
  return def?.type === 'object' && def.shape !== undefined ? Object.keys(def.shape) : [];
}
