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
