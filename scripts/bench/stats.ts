/** Percentile `p` (0..100) of `values` by linear interpolation between closest ranks; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? NaN;
  const b = sorted[hi] ?? NaN;
  return a + (b - a) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function max(values: readonly number[]): number {
  return values.length === 0 ? NaN : Math.max(...values);
}

/** Rounds to `digits` decimals (NaN stays NaN, shown as "-"). */
export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A figure for the table: "-" when missing, thousands separated, at most `digits` decimals. */
export function fmt(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** Resident set size of a process in MiB, from /proc/<pid>/status (VmRSS); NaN when unreadable. */
export async function rssMiB(pid: number | undefined): Promise<number> {
  if (pid === undefined) return NaN;
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return m?.[1] === undefined ? NaN : Number(m[1]) / 1024;
  } catch {
    return NaN;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let clockTicks: number | null = null;

/** CPU time (user + system) a process has used so far, ms, from /proc/<pid>/stat; NaN when unreadable. */
export async function cpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined || pid <= 0) return NaN;
  try {
    const { readFile } = await import('node:fs/promises');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which is in parentheses and may hold spaces): state is field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (clockTicks === null) {
      const { spawnSync } = await import('node:child_process');
      clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    }
    return ((utime + stime) * 1000) / clockTicks;
  } catch {
    return NaN;
  }
}

/** Total CPU ms of several processes. */
export async function cpuMsOf(pids: readonly number[]): Promise<number> {
  const all = await Promise.all(pids.map((p) => cpuMs(p)));
  return all.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
}
