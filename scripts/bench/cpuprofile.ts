/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function and by area
 * (a folder of src/, a package of node_modules/, Node's internals, GC, idle).
 *
 *   node --import tsx scripts/bench/cpuprofile.ts FILE.cpuprofile... [--top 25] [--skip-ms MS]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly where: string;
  readonly area: string;
  readonly ms: number;
  /** Share of the busy (non-idle) time, percent. */
  readonly pct: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  readonly idleMs: number;
  readonly busyMs: number;
  readonly functions: readonly SelfTime[];
  readonly areas: readonly { readonly area: string; readonly ms: number; readonly pct: number }[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where a script lives, short: `src/node/raft-node.ts`, `node_modules/@grpc/grpc-js/...`, `node:internal/...`. */
function shortUrl(url: string): string {
  let u = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (u.startsWith(ROOT)) u = u.slice(ROOT.length);
  return u;
}

/** The part of the program a script belongs to. */
function areaOf(name: string, url: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const u = shortUrl(url);
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (nm?.[1] !== undefined) return nm[1];
  if (u.startsWith('node:')) return 'node internals';
  const src = /^(src|scripts|test)\/([^/]+)/.exec(u);
  if (src?.[1] !== undefined && src[2] !== undefined) return src[2].includes('.') ? src[1] : `${src[1]}/${src[2]}`;
  return u;
}

/**
 * Self time of every function in the profile `file`, the `top` largest, skipping the first
 * `skipMs` of the profile (start-up: module loading and compilation).
 */
export function summarise(file: string, top = 25, skipMs = 0): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) byId.set(n.id, n);
  const selfUs = new Map<number, number>();
  // Sample i lasts until sample i+1 (its delta is the next entry of timeDeltas).
  let atUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    atUs += p.timeDeltas[i] ?? 0;
    const id = p.samples[i];
    const dt = p.timeDeltas[i + 1] ?? 0;
    if (id === undefined || dt <= 0 || atUs < skipMs * 1000) continue;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  }
  const fns = new Map<string, { name: string; where: string; area: string; us: number }>();
  const areas = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const f = byId.get(id)?.callFrame;
    if (f === undefined) continue;
    totalUs += us;
    const name = f.functionName !== '' ? f.functionName : '(anonymous)';
    if (name === '(idle)') {
      idleUs += us;
      continue;
    }
    const where = f.url === '' ? '' : `${shortUrl(f.url)}:${f.lineNumber + 1}`;
    const area = areaOf(name, f.url);
    const key = `${name} ${where}`;
    const e = fns.get(key) ?? { name, where, area, us: 0 };
    e.us += us;
    fns.set(key, e);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const pct = (us: number): number => (busyUs > 0 ? (100 * us) / busyUs : 0);
  return {
    file,
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    busyMs: busyUs / 1000,
    functions: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, area: e.area, ms: e.us / 1000, pct: pct(e.us) })),
    areas: [...areas.entries()].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, ms: us / 1000, pct: pct(us) })),
  };
}

/** The summary as text lines. */
export function formatSummary(s: ProfileSummary, topAreas = 12): string[] {
  const lines = [`${s.file}: ${s.totalMs.toFixed(0)} ms profiled, ${s.busyMs.toFixed(0)} ms busy (${((100 * s.busyMs) / Math.max(1, s.totalMs)).toFixed(0)}%), ${s.idleMs.toFixed(0)} ms idle`];
  lines.push('  self time by area (% of busy):');
  for (const a of s.areas.slice(0, topAreas)) lines.push(`    ${a.pct.toFixed(1).padStart(5)}%  ${a.ms.toFixed(0).padStart(7)} ms  ${a.area}`);
  lines.push('  top functions by self time (% of busy):');
  for (const f of s.functions) lines.push(`    ${f.pct.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`);
  return lines;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' }, 'skip-ms': { type: 'string', default: '0' } }, allowPositionals: true });
  if (positionals.length === 0) {
    process.stderr.write('usage: node --import tsx scripts/bench/cpuprofile.ts FILE.cpuprofile... [--top N] [--skip-ms MS]\n');
    process.exit(2);
  }
  for (const file of positionals) process.stdout.write(formatSummary(summarise(file, Number(values.top), Number(values['skip-ms']))).join('\n') + '\n');
}
