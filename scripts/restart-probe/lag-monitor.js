// Preloaded into each node by scripts/restart-probe.ts (`--import`): a 10 ms timer measures how
// late each of its turns runs (the event-loop delay), and every 250 ms one JSON line
// { t (epoch ms), d: [delays, ms], c: [the process's CPU ms over each turn] } goes to
// `$LAG_MONITOR_DIR/<pid>.jsonl`. A long task shows as one delay of about its length.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setInterval, setTimeout } from 'node:timers';
import { setFlagsFromString } from 'node:v8';

const dir = process.env['LAG_MONITOR_DIR'];
// NODE_OPTIONS may not carry --trace-gc either.
if (process.env['LAG_MONITOR_TRACE_GC'] === '1') setFlagsFromString('--trace-gc');
if (dir !== undefined && dir !== '') {
  const file = join(dir, `${process.pid}.jsonl`);
  const every = 10;
  // CPU time of the whole process (every thread: the main one, GC helpers, libuv's pool), so a
  // delay can be told apart: the process ran (its own work, GC) or it waited for a core.
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let last = performance.now();
  let lastCpu = cpuMs();
  let delays = [];
  let cpus = [];
  let flushed = last;
  setInterval(() => {
    const now = performance.now();
    const cpu = cpuMs();
    delays.push(Math.round(Math.max(0, now - last - every) * 10) / 10);
    cpus.push(cpu - lastCpu);
    last = now;
    lastCpu = cpu;
    if (now - flushed >= 250) {
      appendFileSync(file, JSON.stringify({ t: Date.now(), d: delays, c: cpus }) + '\n');
      delays = [];
      cpus = [];
      flushed = now;
    }
  }, every).unref();
}

// With `LAG_MONITOR_PROFILE_MS` set: a CPU profile of the process's first that many ms, written to
// `$LAG_MONITOR_DIR/<pid>.cpuprofile` (NODE_OPTIONS may not carry --cpu-prof).
const profileMs = Number(process.env['LAG_MONITOR_PROFILE_MS'] ?? '0');
if (dir !== undefined && dir !== '' && profileMs > 0) {
  const { Session } = await import('node:inspector');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => {
    session.post('Profiler.setSamplingInterval', { interval: 500 }, () => {
      session.post('Profiler.start', () => {
        setTimeout(() => {
          session.post('Profiler.stop', (err, result) => {
            if (err === null) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
            session.disconnect();
          });
        }, profileMs).unref();
      });
    });
  });
}
