/**
 * A chaos-run worker in its own process, so the runner can kill it mid-job with SIGKILL.
 * Every handler start and every outcome the cluster acknowledged is appended (synchronously, so
 * a kill loses nothing already written) to a JSON-lines history file.
 *
 * The handler does what the job's payload asks (see `jobs.ts`): a poison job makes the process
 * SIGKILL itself inside the handler; an oversized job returns a result of the payload's
 * `resultBytes`. On SIGUSR2 the process SIGKILLs itself inside a running handler (at once if one
 * is running, else as the next one starts): the runner's "restart under the same id" fault, which
 * must land mid-handler. Each self-kill is recorded first as a `crash` line.
 *
 *   node --import tsx scripts/chaos/worker-process.ts --nodes a,b,c --queue chaos --id w1 --log FILE
 *     [--ca FILE --cert FILE --key FILE] [--token-file FILE]
 *
 * On a secured run it dials with TLS and calls with a token, read from those flags as `raftjobs
 * work` reads them (the `RAFTJOBS_TLS_*` and `RAFTJOBS_TOKEN` variables are not consulted, so a
 * plaintext run stays plaintext whatever the shell exports).
 */
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tlsFromFlags, tokenFrom } from '../../src/cli/cluster-flags.js';
import { Worker } from '../../src/client/index.js';
import { SeededRandom } from '../../src/sim/index.js';
import { readChaosPayload } from './jobs.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string' },
    queue: { type: 'string', default: 'chaos' },
    id: { type: 'string' },
    log: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    'min-ms': { type: 'string', default: '5' },
    'max-ms': { type: 'string', default: '200' },
    'lease-ttl-ms': { type: 'string', default: '3000' },
    seed: { type: 'string', default: '1' },
    ca: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'token-file': { type: 'string' },
  },
  strict: true,
});
const nodes = (values.nodes ?? '').split(',').filter(Boolean);
const log = values.log;
const id = values.id;
if (nodes.length === 0 || !log || !id) {
  process.stderr.write('worker-process: --nodes, --id and --log are required\n');
  process.exit(2);
}
const minMs = Number(values['min-ms']);
const maxMs = Number(values['max-ms']);
const rng = new SeededRandom(Number(values.seed));
const tls = tlsFromFlags('worker-process', values, null, {});
const token = tokenFrom('worker-process', values, {});
const record = (entry: Record<string, unknown>): void => appendFileSync(log, JSON.stringify(entry) + '\n');

/** Handlers started and not yet returned. */
const running = new Set<string>();
let crashAtNextStart = false;
/** Records why, then SIGKILLs this process (no shutdown, no goodbye: as a crash or `kill -9`). */
const crash = (why: 'poison' | 'restart', jobId: string | null): never => {
  record({ e: 'crash', why, jobId, running: [...running], worker: id, at: Date.now() });
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL sent to self');
};
process.on('SIGUSR2', () => {
  const inHandler = [...running][0];
  if (inHandler !== undefined) crash('restart', inHandler);
  crashAtNextStart = true;
});

const worker = new Worker({
  nodes,
  ...(tls === undefined ? {} : { tls }),
  ...(token === undefined ? {} : { token }),
  queues: [values.queue],
  concurrency: Number(values.concurrency),
  workerId: id,
  leaseTtlMs: Number(values['lease-ttl-ms']),
  async handler(job) {
    const ask = readChaosPayload(job.payload);
    record({ e: 'start', jobId: job.id, attempt: job.attempt, maxAttempts: job.maxAttempts, token: job.token, kind: ask.kind, worker: id, at: Date.now() });
    running.add(job.id);
    try {
      if (crashAtNextStart) crash('restart', job.id);
      if (ask.kind === 'poison') crash('poison', job.id);
      const ms = minMs + rng.int(Math.max(1, maxMs - minMs));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        job.signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });
      if (ask.kind === 'oversized') return Buffer.alloc(ask.resultBytes, 0x78);
      return { worker: id, token: job.token };
    } finally {
      running.delete(job.id);
    }
  },
  onOutcome(o) {
    record({ e: 'outcome', jobId: o.jobId, token: o.token, kind: o.kind, accepted: o.accepted, code: o.code, at: Date.now() });
  },
});
await worker.start();
process.stdout.write('worker ready\n');
const stop = (): void => {
  void worker.close({ timeoutMs: 2000 }).then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
