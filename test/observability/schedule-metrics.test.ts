/**
 * Schedule metrics (issue 16): the events the state machine reports as it fires and skips slots,
 * through `reportFlow`, into a node's registry, as Prometheus exports them. The commands are
 * applied by the real reducer, so the figures are the ones a node counts as it applies the log.
 */
import { describe, expect, it } from 'vitest';
import { applyBatch, createState, type Command, type JobEvent } from '../../src/jobs/index.js';
import { reportFlow } from '../../src/node/index.js';
import { NodeMetricsRegistry } from '../../src/observability/index.js';

const T0 = 1_700_000_000_000;

/** Prometheus text lines of the schedule metrics, buckets left out but `+Inf`. */
async function scheduleLines(m: NodeMetricsRegistry): Promise<string[]> {
  const text = await m.registry.metrics();
  return text.split('\n').filter((l) => l.startsWith('raftjobs_schedule') && (!l.includes('_bucket') || l.includes('+Inf')));
}

describe('schedule metrics', () => {
  it('counts fires per schedule (slot or manual) and skipped slots, and observes the lag by queue', async () => {
    const state = createState();
    const metrics = new NodeMetricsRegistry({ nodeId: 'n1', clusterId: 'c', processMetrics: false });
    let index = 0;
    const apply = (time: number, commands: Command[]): void => {
      const events: JobEvent[] = [];
      applyBatch(state, { time, commands }, ++index, events);
      reportFlow(events, metrics);
    };
    const template = { queue: 'reports', payload: new Uint8Array() };
    apply(T0, [
      { type: 'scheduleSet', mode: 'create', schedule: { id: 'every', intervalMs: 1000, template, catchUp: { mode: 'all', windowMs: 60_000 } } },
      { type: 'scheduleSet', mode: 'create', schedule: { id: 'late', intervalMs: 1000, template: { ...template, queue: 'other' } } },
    ]);
    // Two slots of `every` fired 250 and 1250 ms late; `late` fires its latest slot and skips two.
    apply(T0 + 2250, [
      { type: 'scheduleFire', id: 'every', through: T0 + 2250, slots: [T0 + 1000, T0 + 2000], skipped: 0 },
      { type: 'scheduleFire', id: 'late', through: T0 + 2250, slots: [T0 + 2000], skipped: 1 },
      { type: 'scheduleTrigger', id: 'every' },
    ]);
    apply(T0 + 4100, [{ type: 'scheduleFire', id: 'late', through: T0 + 4100, slots: [T0 + 4000], skipped: 1 }]);
    // A refused fire (slots already handled) counts nothing.
    apply(T0 + 4200, [{ type: 'scheduleFire', id: 'every', through: T0 + 2250, slots: [T0 + 2000], skipped: 0 }]);

    expect(await scheduleLines(metrics)).toEqual([
      'raftjobs_schedule_fires_total{schedule="every",trigger="slot"} 2',
      'raftjobs_schedule_fires_total{schedule="late",trigger="slot"} 2',
      'raftjobs_schedule_fires_total{schedule="every",trigger="manual"} 1',
      'raftjobs_schedule_skipped_slots_total{schedule="late"} 2',
      'raftjobs_schedule_lag_seconds_bucket{le="+Inf",queue="reports"} 2',
      'raftjobs_schedule_lag_seconds_sum{queue="reports"} 1.5',
      'raftjobs_schedule_lag_seconds_count{queue="reports"} 2',
      'raftjobs_schedule_lag_seconds_bucket{le="+Inf",queue="other"} 2',
      'raftjobs_schedule_lag_seconds_sum{queue="other"} 0.35',
      'raftjobs_schedule_lag_seconds_count{queue="other"} 2',
    ]);
    // The job counters see the same jobs: 4 slot jobs and 1 trigger, all submitted.
    expect((await metrics.registry.metrics()).split('\n').filter((l) => l.startsWith('raftjobs_jobs_submitted_total'))).toEqual([
      'raftjobs_jobs_submitted_total{queue="reports"} 3',
      'raftjobs_jobs_submitted_total{queue="other"} 2',
    ]);
  });
});
