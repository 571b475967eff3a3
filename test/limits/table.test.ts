/**
 * The limits table (src/limits/settings.ts) is consistent with itself and with the config layer:
 * every default lies within its bounds, every config path is a field of the schema that takes its
 * default and bounds from the table, every environment variable overrides the path the table says,
 * and no number or flag of the config file escapes the table.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, CONFIG_ENV, validateConfig } from '../../src/config/index.js';
import { ConfigFileSchema } from '../../src/config/schema.js';
import { configSettings, formatValue, LIMITS, type LimitName, type Setting } from '../../src/limits/index.js';
import { baseConfig } from '../config/helpers.js';

const entries = Object.entries(LIMITS) as [LimitName, Setting][];

/** `raw` with `value` at the dotted `path`. */
function withValue(raw: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  const out: Record<string, unknown> = structuredClone(raw);
  let at = out;
  for (const key of keys.slice(0, -1)) {
    at[key] = { ...(at[key] as Record<string, unknown> | undefined) };
    at = at[key] as Record<string, unknown>;
  }
  at[keys[keys.length - 1] as string] = value;
  return out;
}

function get(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

/** The schema's own problems at `path` (cross-field rules are not the schema's). */
function schemaIssuesAt(raw: unknown, path: string): string[] {
  const parsed = ConfigFileSchema.safeParse(raw);
  if (parsed.success) return [];
  return parsed.error.issues.filter((i) => i.path.join('.') === path).map((i) => i.message);
}

/** Dotted paths of every number and boolean leaf of `value`. */
function leaves(value: unknown, prefix = ''): string[] {
  if (typeof value === 'number' || typeof value === 'boolean') return [prefix];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix === '' ? k : `${prefix}.${k}`));
}

describe('the limits table', () => {
  it.each(entries)('%s: its default lies within min..max, and only factors and fractions are not integers', (_name, s) => {
    expect(s.doc.length).toBeGreaterThan(10);
    if (s.kind === 'boolean') return;
    expect(s.min).toBeLessThanOrEqual(s.max);
    const whole = s.unit !== 'factor' && s.unit !== 'fraction';
    if (whole) {
      expect(Number.isSafeInteger(s.min) && Number.isSafeInteger(s.max)).toBe(true);
    }
    if (s.default === null) {
      // Only a derived default, and only for a field the config can set.
      expect(s.config).toBeDefined();
      return;
    }
    expect(s.default).toBeGreaterThanOrEqual(s.min);
    expect(s.default).toBeLessThanOrEqual(s.max);
    if (whole) expect(Number.isSafeInteger(s.default)).toBe(true);
  });

  it('names each config path and each environment variable once', () => {
    const paths = entries.flatMap(([, s]) => (s.config === undefined ? [] : [s.config]));
    const envs = entries.flatMap(([, s]) => (s.env === undefined ? [] : [s.env]));
    expect(new Set(paths).size).toBe(paths.length);
    expect(new Set(envs).size).toBe(envs.length);
    // An environment variable only overrides a config field.
    for (const [name, s] of entries) if (s.env !== undefined) expect(s.config, name).toBeDefined();
  });
});

describe('config paths of the table', () => {
  const settings = [...configSettings()];

  it('cover every number and flag of the config file, and nothing else', () => {
    const parsed = ConfigFileSchema.parse(baseConfig());
    const fileLeaves = leaves(parsed).filter((p) => p !== 'clusterId' && p !== 'dataDir' && !p.startsWith('nodes'));
    // maxEntryBytes has no default, so it is no leaf of the parsed defaults.
    expect(new Set([...fileLeaves, 'limits.maxEntryBytes'])).toEqual(new Set(settings.map(([path]) => path)));
    expect(new Set(leaves(CONFIG_DEFAULTS))).toEqual(new Set(fileLeaves));
  });

  it.each(settings)('%s: the schema fills in the default of the table', (path, s) => {
    const loaded = validateConfig(baseConfig(), { env: {} });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const expected = s.default ?? LIMITS.maxAppendBytes.default; // limits.maxEntryBytes: raft.maxAppendBytes
    expect(get(loaded.config, path)).toBe(expected);
    if (s.default !== null) expect(get(CONFIG_DEFAULTS, path)).toBe(s.default);
  });

  it.each(settings)('%s: the schema accepts min and max of the table and refuses just outside them', (path, s) => {
    if (s.kind === 'boolean') {
      expect(schemaIssuesAt(withValue(baseConfig(), path, !s.default), path)).toEqual([]);
      expect(schemaIssuesAt(withValue(baseConfig(), path, 'yes'), path)).not.toEqual([]);
      return;
    }
    expect(schemaIssuesAt(withValue(baseConfig(), path, s.min), path)).toEqual([]);
    expect(schemaIssuesAt(withValue(baseConfig(), path, s.max), path)).toEqual([]);
    expect(schemaIssuesAt(withValue(baseConfig(), path, s.min - 1), path)).toEqual([expect.stringContaining(String(s.min))]);
    expect(schemaIssuesAt(withValue(baseConfig(), path, s.max + 1), path)).toEqual([expect.stringContaining(String(s.max))]);
  });

  it.each(settings)('%s: its environment variable overrides that path', (path, s) => {
    expect(s.env).toBeDefined();
    const env = s.env as keyof typeof CONFIG_ENV;
    expect(CONFIG_ENV[env]?.path.join('.')).toBe(path);
    // Set through the environment, the table's bounds are the schema's.
    if (s.kind === 'number') {
      const r = validateConfig(baseConfig(), { env: { [env]: String(s.max + 1) } });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problems).toContain(`${path} (from ${env}): must be at most ${s.max}, got ${s.max + 1}`);
    }
  });

  it('every config environment variable but the cluster id and data directory is in the table', () => {
    const tableEnvs = new Set(settings.map(([, s]) => s.env));
    const others = Object.keys(CONFIG_ENV).filter((name) => !tableEnvs.has(name));
    expect(others.sort()).toEqual(['RAFTJOBS_CLUSTER_ID', 'RAFTJOBS_DATA_DIR']);
  });
});

describe('formatValue', () => {
  it('writes values as the docs do', () => {
    expect(formatValue(2 * 1024 * 1024, 'bytes')).toBe('2 MiB');
    expect(formatValue(4 * 1024, 'bytes')).toBe('4 KiB');
    expect(formatValue(1000, 'bytes')).toBe('1000');
    expect(formatValue(24 * 3600 * 1000, 'ms')).toBe('24 h');
    expect(formatValue(7 * 24 * 3600 * 1000, 'ms')).toBe('7 days');
    expect(formatValue(10_000, 'ms')).toBe('10 s');
    expect(formatValue(50, 'ms')).toBe('50 ms');
    expect(formatValue(500_000, 'keys')).toBe('500,000');
    expect(formatValue(null)).toBe('(derived)');
    expect(formatValue(true)).toBe('true');
  });
});
