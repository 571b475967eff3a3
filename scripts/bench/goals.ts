/**
 * The goals of the second performance pass (issue 20), each checked against one run's figures:
 * the figure, its bound, and met / missed / not measured (the workload did not run, or gave no
 * figure). Pure: bench.ts gathers the inputs, this decides.
 */
import { worstOf, type WindowSummary } from './window.js';

export type GoalStatus = 'met' | 'missed' | 'not measured';

export interface Goal {
  readonly id: string;
  readonly goal: string;
  readonly unit: string;
  /** Null when not measured. */
  readonly figure: number | null;
  readonly op: '<=' | '>=';
  readonly bound: number;
  readonly status: GoalStatus;
}

/** What the goals are checked on; null (or an empty list) for what did not run. */
export interface GoalInputs {
  /** raftjobs e2e jobs/s over BullMQ's, configuration c1x16/w1x16. */
  readonly e2eC1x16Ratio: number | null;
  /** raftjobs' best e2e configuration over BullMQ's best (`e2eRatio`). */
  readonly e2eBestRatio: number | null;
  /** One client, one job at a time. */
  readonly submitP50Ms: number | null;
  readonly pickupP50Ms: number | null;
  readonly failoverP50Ms: number | null;
  readonly failoverMaxMs: number | null;
  readonly idle: WindowSummary | null;
  readonly bulk: WindowSummary | null;
  readonly snapshots: readonly WindowSummary[];
  readonly restarts: readonly { readonly nodeId: string; readonly readyMs: number; readonly window: WindowSummary }[];
  /** By node id. */
  readonly rssGrowthBytesPerJob: Readonly<Record<string, number>> | null;
  readonly leaseCompleteSmall: number | null;
  readonly leaseCompleteLarge: number | null;
}

const finite = (n: number | null | undefined): number | null => (n === null || n === undefined || !Number.isFinite(n) ? null : n);

/** The largest of the figures, or null when there are none or any is missing (a window without a figure). */
function maxOf(values: readonly number[]): number | null {
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) return null;
  return Math.max(...values);
}

function goal(id: string, text: string, unit: string, figure: number | null | undefined, op: '<=' | '>=', bound: number): Goal {
  const f = finite(figure);
  const status: GoalStatus = f === null ? 'not measured' : (op === '<=' ? f <= bound : f >= bound) ? 'met' : 'missed';
  return { id, goal: text, unit, figure: f, op, bound, status };
}

/** Lag and reachability goals of one scenario's windows; `exclude(i)` names nodes left out of window i's unreachable count. */
function windowGoals(name: string, label: string, windows: readonly WindowSummary[], exclude: (i: number) => readonly string[] = () => []): Goal[] {
  const lag = windows.map((w) => worstOf(w));
  const reach = windows.map((w, i) => w.nodes.filter((n) => !exclude(i).includes(n.id)).reduce((sum, n) => sum + n.failedPolls, 0));
  const others = windows.some((_, i) => exclude(i).length > 0) ? ', other nodes' : '';
  return [
    goal(`${name}LagP99`, `event-loop lag p99, worst node, ${label}`, 'ms', maxOf(lag.map((l) => l.lagP99Ms)), '<=', 50),
    goal(`${name}LagMax`, `event-loop lag max, worst node, ${label}`, 'ms', maxOf(lag.map((l) => l.lagMaxMs)), '<=', 200),
    goal(`${name}Unreachable`, `failed polls (1 s deadline)${others}, ${label}`, 'polls', maxOf(reach), '<=', 0),
  ];
}

/** Every goal of issue 20, in order. */
export function evaluateGoals(i: GoalInputs): Goal[] {
  const growth = i.rssGrowthBytesPerJob === null ? null : maxOf(Object.values(i.rssGrowthBytesPerJob));
  const small = finite(i.leaseCompleteSmall);
  const large = finite(i.leaseCompleteLarge);
  return [
    goal('e2eC1x16Ratio', 'e2e c1x16/w1x16, raftjobs / BullMQ', 'x', i.e2eC1x16Ratio, '>=', 1.0),
    goal('e2eBestRatio', 'e2e best configuration, raftjobs / BullMQ', 'x', i.e2eBestRatio, '>=', 2.0),
    goal('submitP50', 'submit p50, one at a time', 'ms', i.submitP50Ms, '<=', 1.0),
    goal('pickupP50', 'pickup p50, idle workers', 'ms', i.pickupP50Ms, '<=', 2),
    goal('failoverP50', 'failover unavailable p50', 'ms', i.failoverP50Ms, '<=', 300),
    goal('failoverMax', 'failover unavailable max', 'ms', i.failoverMaxMs, '<=', 800),
    goal('idleTermChanges', 'term changes while idle', 'terms', i.idle?.termChanges, '<=', 0),
    goal('bulkTermChanges', 'term changes during the bulk submit', 'terms', i.bulk?.termChanges, '<=', 0),
    ...windowGoals('bulk', 'bulk submit', i.bulk === null ? [] : [i.bulk]),
    ...windowGoals(
      'restart',
      'follower restart',
      i.restarts.map((r) => r.window),
      (k) => [i.restarts[k]?.nodeId ?? ''],
    ),
    ...windowGoals('snapshot', 'snapshots', i.snapshots),
    goal('restartReady', 'restart ready, slowest', 'ms', maxOf(i.restarts.map((r) => r.readyMs)), '<=', 3000),
    goal('rssGrowth', 'RSS growth per queued job, worst node', 'B/job', growth, '<=', 300),
    goal('leaseCompleteRatio', 'lease/complete at the large backlog / at 10k', 'x', small === null || large === null || small <= 0 ? null : large / small, '>=', 0.8),
  ];
}

/** The goals as table lines: goal, figure, bound, status. */
export function renderGoals(goals: readonly Goal[]): string[] {
  const fmt = (n: number | null): string => (n === null ? '-' : Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 }));
  const rows = goals.map((g) => [g.goal, g.figure === null ? '-' : `${fmt(g.figure)} ${g.unit}`, `${g.op} ${fmt(g.bound)} ${g.unit}`, g.status]);
  const header = ['goal (issue 20)', 'figure', 'bound', 'status'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => (c === 0 || c === 3 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ').trimEnd();
  const met = goals.filter((g) => g.status === 'met').length;
  const missed = goals.filter((g) => g.status === 'missed').length;
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), `${met} met, ${missed} missed, ${goals.length - met - missed} not measured`];
}
