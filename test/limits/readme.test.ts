/**
 * The README's Configuration section states defaults and bounds in prose; each one it states must
 * be the limits table's (src/limits/settings.ts), and each setting it names must exist.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPEND_HEADER_BYTES, ENTRY_WIRE_OVERHEAD_BYTES } from '../../src/config/limits.js';
import { configSettings, FRAME_HEADROOM_BYTES, LIMITS } from '../../src/limits/index.js';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

/** The text of the `## Configuration` section, whitespace collapsed. */
function configurationSection(): string {
  const start = README.indexOf('\n## Configuration\n');
  if (start < 0) throw new Error('README.md has no "## Configuration" section');
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end).replace(/\s+/g, ' ');
}

const UNITS: Record<string, number> = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, ms: 1, s: 1000, min: 60_000, h: 3_600_000, days: 86_400_000 };

/** `2 MiB` → 2097152, `10,000` → 10000, `24 h` → 86400000 (ms). */
function parseStated(text: string): number {
  const m = /^((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)(?: (KiB|MiB|GiB|ms|s|min|h|days))?$/.exec(text.trim());
  if (!m?.[1]) throw new Error(`cannot read a value from ${JSON.stringify(text)}`);
  return Number(m[1].replaceAll(',', '')) * (m[2] === undefined ? 1 : (UNITS[m[2]] ?? NaN));
}

/** A number (thousands separated by commas, or not) and its unit, if any. */
const VALUE = '((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]+)?(?: (?:KiB|MiB|GiB|ms|s|min|h|days)\\b)?)';

interface Stated {
  readonly path: string;
  readonly text: string;
}

/**
 * Every "`path` value", "`path` (value", "`path`, value" and "`path` and `sibling` (value" of the
 * section. A bare name (`cancelledMs`) is a sibling of the last dotted path before it.
 */
function statedDefaults(section: string): Stated[] {
  const out: Stated[] = [];
  const re = new RegExp(`\`([A-Za-z][A-Za-z.]*)\`(?: and \`([A-Za-z]+)\`)?,? \\(?${VALUE}`, 'g');
  let prefix = '';
  const qualify = (name: string): string => (name.includes('.') ? name : `${prefix}${name}`);
  // Walk all names in order, so bare names resolve against the dotted path before them.
  const names = /`([A-Za-z][A-Za-z.]*)`/g;
  const prefixAt = new Map<number, string>();
  for (let m = names.exec(section); m !== null; m = names.exec(section)) {
    const name = m[1] as string;
    if (name.includes('.')) prefix = name.slice(0, name.lastIndexOf('.') + 1);
    prefixAt.set(m.index, prefix);
  }
  for (let m = re.exec(section); m !== null; m = re.exec(section)) {
    prefix = prefixAt.get(m.index) ?? '';
    const text = m[3] as string;
    out.push({ path: qualify(m[1] as string), text });
    if (m[2] !== undefined) out.push({ path: qualify(m[2]), text });
  }
  return out;
}

describe("the README's Configuration section", () => {
  const section = configurationSection();
  const settings = configSettings();
  const stated = statedDefaults(section).filter((s) => settings.has(s.path));

  it('states defaults of many settings (the reader of this test sees which)', () => {
    const paths = new Set(stated.map((s) => s.path));
    for (const path of ['raft.tickMs', 'raft.heartbeatTicks', 'raft.maxAppendBytes', 'limits.maxPeerMessageBytes', 'jobs.retention.cancelledMs', 'jobs.retention.maxDead']) {
      expect(paths).toContain(path);
    }
    expect(paths.size).toBeGreaterThanOrEqual(18);
  });

  it('states the default of the table for every setting it gives a value', () => {
    const wrong = stated
      .map(({ path, text }) => ({ path, text, table: settings.get(path)?.default }))
      .filter(({ text, table }) => parseStated(text) !== table);
    expect(wrong).toEqual([]);
  });

  it('states the lower bound of the table where it says "at least"', () => {
    const re = /`([A-Za-z.]+)` \([^)]*?at least ([^)]+?)\)/g;
    let found = 0;
    for (let m = re.exec(section); m !== null; m = re.exec(section)) {
      const s = settings.get(m[1] as string);
      if (s?.kind !== 'number') continue;
      found++;
      expect({ path: m[1], min: parseStated(m[2] as string) }).toEqual({ path: m[1], min: s.min });
    }
    expect(found).toBeGreaterThanOrEqual(1);
  });

  it('names only settings that exist', () => {
    const names = [...section.matchAll(/`((?:raft|limits|jobs|server|dashboard)\.[A-Za-z.]+)`/g)].map((m) => m[1] as string);
    const unknown = names.filter((p) => !settings.has(p) && p !== 'jobs.retention.queues');
    expect(unknown).toEqual([]);
  });

  it('states the framing the byte chain allows for as the code counts it', () => {
    expect(section).toContain(`${ENTRY_WIRE_OVERHEAD_BYTES} bytes per entry of \`raft.maxAppendEntries\``);
    expect(section).toContain(`plus ${APPEND_HEADER_BYTES / 1024} KiB`);
    expect(section).toContain(`\`limits.maxPeerMessageBytes\` plus ${FRAME_HEADROOM_BYTES / 1024} KiB`);
    expect(LIMITS.maxEntryBytes.default).toBeNull();
    expect(section).toContain('`limits.maxEntryBytes` (default `raft.maxAppendBytes`');
  });
});

describe('reading values from prose', () => {
  it('reads units and separators, and refuses what it cannot read', () => {
    expect(parseStated('2 MiB')).toBe(2 * 1024 * 1024);
    expect(parseStated('10,000')).toBe(10_000);
    expect(parseStated('24 h')).toBe(86_400_000);
    expect(parseStated('7 days')).toBe(7 * 86_400_000);
    expect(parseStated('10 s')).toBe(10_000);
    expect(() => parseStated('lots')).toThrow();
  });

  it('finds dotted paths and bare siblings with their values', () => {
    const text = '`jobs.retention.succeededMs` and `cancelledMs` (24 h), `deadMs` (7 days); `raft.tickMs` 50, `raft.maxAppendBytes`, 2 MiB';
    expect(statedDefaults(text)).toEqual([
      { path: 'jobs.retention.succeededMs', text: '24 h' },
      { path: 'jobs.retention.cancelledMs', text: '24 h' },
      { path: 'jobs.retention.deadMs', text: '7 days' },
      { path: 'raft.tickMs', text: '50' },
      { path: 'raft.maxAppendBytes', text: '2 MiB' },
    ]);
  });
});
