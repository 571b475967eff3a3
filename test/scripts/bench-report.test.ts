import { describe, expect, it } from 'vitest';
import { ratio, renderTable, type Row } from '../../scripts/bench/report.js';

const rows: Row[] = [
  { label: 'e2e jobs/s', rj: 4000, tls: 3000, bq: 2000, digits: 0 },
  { label: 'submit p50 ms', rj: 2, tls: 3, digits: 2 },
  { label: '  leader', text: '100, 2/5, 1', tlsText: '90, 3/6, 1' },
];

/** The table's cells, split on the two-space column gaps. */
const cells = (lines: string[]): string[][] => lines.map((l) => l.trim().split(/ {2,}/));

describe('bench report', () => {
  it('with --tls-compare and --compare bullmq: raftjobs, TLS with TLS/plain, BullMQ with raftjobs/BullMQ', () => {
    const [header, rule, ...body] = renderTable(rows, { tls: true, bullmq: true });
    expect(cells([header ?? ''])[0]).toEqual(['workload', 'raftjobs', 'raftjobs tls', 'tls/plain', 'bullmq', 'raftjobs/bullmq']);
    expect(rule).toMatch(/^-+( {2}-+){5}$/);
    expect(cells(body)).toEqual([
      ['e2e jobs/s', '4,000', '3,000', '0.75', '2,000', '2'],
      ['submit p50 ms', '2', '3', '1.5', '-', '-'],
      ['leader', '100, 2/5, 1', '90, 3/6, 1'],
    ]);
  });

  it('plain: one raftjobs column, no TLS text', () => {
    const [header, , ...body] = renderTable(rows, { tls: false, bullmq: false });
    expect(cells([header ?? ''])[0]).toEqual(['workload', 'raftjobs']);
    expect(cells(body)).toEqual([
      ['e2e jobs/s', '4,000'],
      ['submit p50 ms', '2'],
      ['leader', '100, 2/5, 1'],
    ]);
  });

  it('a ratio needs two finite figures and a non-zero divisor', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(undefined, 4)).toBeNaN();
    expect(ratio(NaN, 4)).toBeNaN();
  });
});
