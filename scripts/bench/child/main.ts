/**
 * A bench client or worker in its own process (see ../protocol.ts for what it says and hears):
 *
 *   node --import tsx scripts/bench/child/main.ts '{"role":"submit","target":{...},"queue":"q"}'
 */
import { createInterface } from 'node:readline';
import type { BenchPayload, ChildCommand, ChildEvent, ChildInit, OpenCommand, RunCommand } from '../protocol.js';
import { wallMs } from '../protocol.js';
import type { Adapter, Submitter } from './adapter.js';

const PROGRESS_INTERVAL_MS = 100;

function emit(event: ChildEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function adapterFor(init: ChildInit): Promise<Adapter> {
  const t = init.target;
  if (t.kind === 'raftjobs') return (await import('./raftjobs.js')).raftjobsAdapter(t.nodes, init.retryMaxMs, t.tls);
  return (await import('./bullmq.js')).bullmqAdapter(t.host, t.port);
}

function payloads(n: number): BenchPayload[] {
  const t = wallMs();
  return Array.from({ length: n }, () => ({ t }));
}

/** Closed loop: `inflight` loops share a budget of `total` jobs. */
async function run(s: Submitter, c: RunCommand): Promise<void> {
  let left = c.total;
  let calls = 0;
  let errors = 0;
  let firstError: string | null = null;
  const latencies: number[] = [];
  const startMs = wallMs();
  const loop = async (): Promise<void> => {
    while (left > 0) {
      const n = Math.min(c.batch, left);
      left -= n;
      const batch = payloads(n);
      const started = batch[0]?.t ?? wallMs();
      try {
        await s.submit(batch);
        calls++;
        if (c.recordLatency) latencies.push(wallMs() - started);
      } catch (err) {
        errors++;
        firstError ??= errorText(err);
      }
      if (c.gapMs !== undefined && c.gapMs > 0) await new Promise((r) => setTimeout(r, c.gapMs));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, c.inflight) }, loop));
  emit({ ev: 'run', jobs: c.total, calls, errors, firstError, startMs, endMs: wallMs(), latenciesMs: latencies });
}

/** Open loop: calls start on a fixed schedule whatever the answers, until `stop`. */
function open(s: Submitter, c: OpenCommand, stopped: Promise<void>): Promise<void> {
  const timeline: number[] = [];
  const inflight = new Set<Promise<void>>();
  let errors = 0;
  let firstError: string | null = null;
  const begin = wallMs();
  let started = 0;
  const tick = (): void => {
    const due = Math.floor(((wallMs() - begin) * c.ratePerSec) / 1000) + 1;
    while (started < due) {
      started++;
      const slot = timeline.length;
      const batch = payloads(c.batch);
      timeline.push(batch[0]?.t ?? wallMs(), -1);
      const p: Promise<void> = s.submit(batch).then(
        () => void (timeline[slot + 1] = wallMs()),
        (err: unknown) => {
          errors++;
          firstError ??= errorText(err);
        },
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
  };
  const timer = setInterval(tick, Math.max(1, Math.floor(1000 / c.ratePerSec / 2)));
  tick();
  return stopped.then(async () => {
    clearInterval(timer);
    await Promise.allSettled([...inflight]);
    emit({ ev: 'open', calls: started, errors, firstError, timeline });
  });
}

async function main(): Promise<void> {
  const init = JSON.parse(process.argv[2] ?? '{}') as ChildInit;
  const adapter = await adapterFor(init);
  const commands = createInterface({ input: process.stdin });
  let stop: () => void = () => undefined;
  let exit: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  let work: Promise<void> = Promise.resolve();
  // The bench went away: stop too.
  commands.once('close', () => {
    stop();
    exit();
  });

  if (init.role === 'submit') {
    const s = await adapter.submitter(init.queue, init.groups);
    commands.on('line', (line) => {
      const c = JSON.parse(line) as ChildCommand;
      if (c.cmd === 'run') work = work.then(() => run(s, c));
      else if (c.cmd === 'open') work = work.then(() => open(s, c, new Promise<void>((resolve) => (stop = resolve))));
      else if (c.cmd === 'stop') stop();
      else if (c.cmd === 'exit') exit();
    });
    emit({ ev: 'ready' });
    await exited;
    await work;
    await s.close();
  } else {
    let completed = 0;
    let lastCompleteMs = 0;
    let handlerStarts = 0;
    let pickups: number[] = [];
    const w = await adapter.worker(init.queue, init.concurrency ?? 1, {
      onStart: (p) => {
        handlerStarts++;
        pickups.push(wallMs() - p.t);
      },
      onComplete: () => {
        completed++;
        lastCompleteMs = wallMs();
      },
    });
    let last = -1;
    const progress = setInterval(() => {
      if (completed === last) return;
      last = completed;
      emit({ ev: 'progress', completed, lastCompleteMs, handlerStarts });
    }, PROGRESS_INTERVAL_MS);
    commands.on('line', (line) => {
      const c = JSON.parse(line) as ChildCommand;
      if (c.cmd === 'reset') pickups = [];
      else if (c.cmd === 'report') emit({ ev: 'report', completed, lastCompleteMs, handlerStarts, pickupsMs: pickups });
      else if (c.cmd === 'exit') exit();
    });
    emit({ ev: 'ready' });
    await exited;
    clearInterval(progress);
    await w.close();
  }
  commands.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    emit({ ev: 'fatal', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  },
);
