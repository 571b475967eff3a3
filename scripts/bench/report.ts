import { fmt } from './stats.js';

/** One line of the results table: a raftjobs figure and, when compared, BullMQ's; or plain text. */
export interface Row {
  readonly label: string;
  readonly rj?: number;
  readonly bq?: number | undefined;
  readonly text?: string;
  /** Decimals shown. */
  readonly digits?: number;
}

/** The table as text lines; with `compare`, BullMQ's column and the ratio raftjobs/BullMQ. */
export function renderTable(rows: readonly Row[], compare: boolean): string[] {
  const header = compare ? ['workload', 'raftjobs', 'bullmq', 'raftjobs/bullmq'] : ['workload', 'raftjobs'];
  const cells = rows.map((r) => {
    const a = r.text ?? fmt(r.rj, r.digits ?? 1);
    if (!compare) return [r.label, a];
    const ratio = r.rj !== undefined && r.bq !== undefined && Number.isFinite(r.rj) && Number.isFinite(r.bq) && r.bq !== 0 ? fmt(r.rj / r.bq, 2) : '-';
    return [r.label, a, r.text !== undefined ? '' : fmt(r.bq, r.digits ?? 1), r.text !== undefined ? '' : ratio];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string => c.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
}
