/**
 * CPU cost of one commit round: a three-node cluster of real processes, one client submitting one
 * job at a time (so every submit is one log entry, one fsync per node, one round of appends and
 * acks), and the CPU each node spent per submit, read from /proc (Linux only): the main thread (the
 * JavaScript event loop) and all threads (plus LevelDB's and libuv's pools and V8's GC threads).
 * CPU time, not wall time, so it is steady on a shared machine; this is the fixed cost every log
 * entry pays, which decides throughput when little work is in flight.
 *
 *   node --import tsx scripts/bench/round-cost.ts [--rounds 4000] [--json]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client } from '../../src/client/index.js';
import { Cluster } from '../lib/index.js';

const TICKS_PER_SECOND = 100;

/** User + system CPU of one thread (or, with `tid` omitted, every thread) of `pid`, ms. */
function cpuMs(pid: number, tid?: number): number {
  const tids = tid === undefined ? readdirSync(`/proc/${pid}/task`).map(Number) : [tid];
  let ticks = 0;
  for (const t of tids) {
    const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '4000' }, json: { type: 'boolean', default: false } }, strict: true });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 100) {
  process.stderr.write(`round-cost: --rounds must be an integer >= 100, got ${JSON.stringify(values.rounds)}\n`);
  process.exit(2);
}

const cluster = await Cluster.start({ size: 3, clusterId: 'round-cost', tmpPrefix: 'raftjobs-round-cost-' });
try {
  const leader = await cluster.waitForLeader();
  const client = new Client({ nodes: [leader.address] });
  try {
    // Warm-up: connections, the submit stream, JIT.
    for (let i = 0; i < 500; i++) await client.submit({ queue: 'rounds', payload: { i } });
    const pids = cluster.ids.map((id) => {
      const pid = cluster.pid(id);
      if (pid === undefined) throw new Error(`node ${id} is not running`);
      return pid;
    });
    const before = pids.map((pid) => [cpuMs(pid, pid), cpuMs(pid)] as const);
    const started = performance.now();
    for (let i = 0; i < rounds; i++) await client.submit({ queue: 'rounds', payload: { i } });
    const wallMs = performance.now() - started;
    const nodes = cluster.ids.map((id, i) => {
      const pid = pids[i] as number;
      const [main0, all0] = before[i] as readonly [number, number];
      return { id, leader: id === leader.id, mainUsPerRound: ((cpuMs(pid, pid) - main0) * 1000) / rounds, allUsPerRound: ((cpuMs(pid) - all0) * 1000) / rounds };
    });
    const total = nodes.reduce((n, x) => n + x.allUsPerRound, 0);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ rounds, msPerSubmit: wallMs / rounds, nodes, totalUsPerRound: total })}\n`);
    } else {
      process.stdout.write(`${rounds} sequential submits, ${(wallMs / rounds).toFixed(2)} ms each; CPU per round (main thread / all threads):\n`);
      for (const n of nodes) process.stdout.write(`  ${n.id}${n.leader ? ' (leader)' : '         '}  ${n.mainUsPerRound.toFixed(0).padStart(5)} us / ${n.allUsPerRound.toFixed(0).padStart(5)} us\n`);
      process.stdout.write(`  all nodes           ${total.toFixed(0).padStart(13)} us\n`);
    }
  } finally {
    client.close();
  }
} finally {
  await cluster.cleanup(false);
}
