import { fmt } from './stats.js';

/**
 * One line of the results table: a raftjobs figure and, when compared, the same on a TLS cluster
 * and BullMQ's; or plain text, for raftjobs and the TLS cluster (no ratios).
 */
export interface Row {
  readonly label: string;
  readonly rj?: number;
  /** raftjobs on the mutual-TLS cluster of `--tls-compare`. */
  readonly tls?: number | undefined;
  readonly bq?: number | undefined;
  readonly text?: string;
  /** The TLS cluster's text, beside `text`. */
  readonly tlsText?: string | undefined;
  /** Decimals shown. */
  readonly digits?: number;
}

/** The comparison columns of the table. */
export interface Columns {
  /** raftjobs on TLS and the ratio TLS/plain. */
  readonly tls: boolean;
  /** BullMQ and the ratio raftjobs/BullMQ. */
  readonly bullmq: boolean;
}

/** `a / b`; NaN unless both are finite numbers and `b` is not 0. */
export function ratio(a: number | undefined, b: number | undefined): number {
  return a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}

/** The table as text lines, with the comparison columns `columns` asks for. */
export function renderTable(rows: readonly Row[], columns: Columns): string[] {
  const header = ['workload', 'raftjobs', ...(columns.tls ? ['raftjobs tls', 'tls/plain'] : []), ...(columns.bullmq ? ['bullmq', 'raftjobs/bullmq'] : [])];
  const cells = rows.map((r) => {
    const digits = r.digits ?? 1;
    const pair = (value: number | undefined, quotient: number, text = ''): string[] => (r.text !== undefined ? [text, ''] : [fmt(value, digits), fmt(quotient, 2)]);
    return [r.label, r.text ?? fmt(r.rj, digits), ...(columns.tls ? pair(r.tls, ratio(r.tls, r.rj), r.tlsText) : []), ...(columns.bullmq ? pair(r.bq, ratio(r.rj, r.bq)) : [])];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string => c.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
}
