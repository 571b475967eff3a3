/**
 * The dispatcher's throughput with flow control on and off, on one cluster in one run: the same
 * end-to-end workload with jobs spread over 100 group keys, into three queues that differ only in
 * their policy, interleaved (off, on, held, off, on, held) so machine noise hits all three alike:
 * - off: no policy (the keys still get fair round-robin service);
 * - on: every limit set and none reached (queue and per-key concurrency, queue and per-key
 *   rates), so each lease pays for the checks and nothing is held back;
 * - held: a per-key limit of 1 over 100 keys with more worker slots than that, so the dispatcher
 *   keeps meeting keys at their limit and setting them aside.
 */
import { Client } from '../../src/client/index.js';
import { runE2e, type E2eConfig, type E2eResult } from './workloads.js';
import type { Probe } from './metrics.js';
import type { Target } from './protocol.js';

export const FLOW_GROUPS = 100;

export type FlowVariant = 'off' | 'on' | 'held';

const POLICIES: Record<FlowVariant, Parameters<Client['queues']['set']>[1] | null> = {
  off: null,
  on: {
    concurrency: 1_000_000,
    groupConcurrency: 100_000,
    rate: { limit: 1_000_000, periodMs: 1000, burst: 1_000_000 },
    groupRate: { limit: 1_000_000, periodMs: 1000, burst: 100_000 },
  },
  held: { groupConcurrency: 1 },
};

export interface FlowResult {
  readonly config: E2eConfig;
  readonly groups: number;
  /** Median jobs/s of each variant's runs. */
  readonly jobsPerSec: Record<FlowVariant, number>;
  readonly runs: Record<FlowVariant, E2eResult[]>;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export async function runFlow(target: Target, cfg: E2eConfig, rounds: number, log: (line: string) => void, probe?: Probe, serverPids: () => number[] = () => []): Promise<FlowResult> {
  if (target.kind !== 'raftjobs') throw new Error('flow: raftjobs only');
  const client = new Client({ nodes: target.nodes, deadlineMs: 30_000 });
  const variants: FlowVariant[] = ['off', 'on', 'held'];
  const runs: Record<FlowVariant, E2eResult[]> = { off: [], on: [], held: [] };
  try {
    for (const v of variants) {
      const policy = POLICIES[v];
      if (policy !== null) await client.queues.set(`flow-${v}`, policy);
    }
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) {
        const r = await runE2e(target, cfg, `flow-${v}`, probe, serverPids, FLOW_GROUPS);
        runs[v].push(r);
        log(`flow ${v} (${cfg.name}, ${FLOW_GROUPS} keys) round ${round + 1}: ${r.jobsPerSec.toFixed(0)} jobs/s, server CPU ${r.cpuMsPerJob.server.toFixed(3)} ms/job`);
      }
    }
  } finally {
    client.close();
  }
  return { config: cfg, groups: FLOW_GROUPS, runs, jobsPerSec: { off: median(runs.off.map((r) => r.jobsPerSec)), on: median(runs.on.map((r) => r.jobsPerSec)), held: median(runs.held.map((r) => r.jobsPerSec)) } };
}
