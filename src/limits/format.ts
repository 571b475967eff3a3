import type { Setting, SettingUnit } from './settings.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

function grouped(n: number): string {
  return Number.isInteger(n) && Math.abs(n) >= 10_000 ? n.toLocaleString('en-US') : String(n);
}

/**
 * A value as the docs write it: bytes in the largest binary unit that divides them (`2 MiB`),
 * whole hours or days of ms as such (`24 h`, `7 days`), whole seconds as `10 s`, other numbers with
 * thousands separators from 10,000 on (`500,000`).
 */
export function formatValue(value: number | boolean | null, unit?: SettingUnit): string {
  if (value === null) return '(derived)';
  if (typeof value === 'boolean') return String(value);
  if (unit === 'bytes' && value > 0) {
    for (const [size, name] of [[GiB, 'GiB'], [MiB, 'MiB'], [KiB, 'KiB']] as const) {
      if (value % size === 0) return `${grouped(value / size)} ${name}`;
    }
  }
  if (unit === 'ms' && value > 0) {
    const day = 24 * 60 * 60 * 1000;
    if (value % day === 0) return value === day ? '24 h' : `${grouped(value / day)} days`;
    if (value % (60 * 60 * 1000) === 0) return `${value / (60 * 60 * 1000)} h`;
    if (value % (60 * 1000) === 0) return `${value / (60 * 1000)} min`;
    if (value % 1000 === 0) return `${value / 1000} s`;
    return `${value} ms`;
  }
  return grouped(value);
}

/** `min..max` of a number setting, formatted as `formatValue` does; '' for a boolean one. */
export function formatRange(s: Setting): string {
  return s.kind === 'boolean' ? '' : `${formatValue(s.min, s.unit)} – ${formatValue(s.max, s.unit)}`;
}

/** Escapes `|` so a doc line stays in its table cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/**
 * The reference of every setting, as Markdown: one table of the settings of the config file (path,
 * environment variable, default, range, unit, doc) and one of the defaults code takes when its
 * caller does not say. docs/limits.md is this output (`npm run limits-doc` writes it).
 */
export function renderReference(settings: Readonly<Record<string, Setting>>): string {
  const rows = Object.entries(settings);
  const value = (s: Setting): string => (s.kind === 'boolean' ? String(s.default) : formatValue(s.default, s.unit));
  const unit = (s: Setting): string => (s.kind === 'boolean' ? 'on/off' : s.unit);
  const lines = [
    '# Settings, defaults and bounds',
    '',
    '<!-- Generated from src/limits/settings.ts by `npm run limits-doc`; edit the table, not this file. -->',
    '',
    'Ranges are inclusive. `(derived)`: the default is another setting, as its line says.',
    '',
    '## Cluster config',
    '',
    '| Config path | Environment variable | Default | Range | Unit | |',
    '|---|---|---|---|---|---|',
    ...rows
      .filter(([, s]) => s.config !== undefined)
      .map(([, s]) => `| \`${s.config ?? ''}\` | ${s.env === undefined ? '' : `\`${s.env}\``} | ${value(s)} | ${formatRange(s)} | ${unit(s)} | ${cell(s.doc)} |`),
    '',
    '## Defaults of code',
    '',
    'Options of the job state machine, the node driver and the peer transport that the config does not set; a caller may pass its own within the range.',
    '',
    '| Name | Default | Range | Unit | |',
    '|---|---|---|---|---|',
    ...rows.filter(([, s]) => s.config === undefined).map(([name, s]) => `| \`${name}\` | ${value(s)} | ${formatRange(s)} | ${unit(s)} | ${cell(s.doc)} |`),
    '',
  ];
  return lines.join('\n');
}
