import { describe, expect, it } from 'vitest';
import { evaluateGoals, renderGoals, type GoalInputs } from '../../scripts/bench/goals.js';
import type { NodeWindow, WindowSummary } from '../../scripts/bench/window.js';

function node(id: string, o: Partial<NodeWindow> = {}): NodeWindow {
  return { id, polls: 40, failedPolls: 0, longestGapMs: 260, lagSamples: 1000, lagP99Ms: 4, lagMaxMs: 20, lagMaxExact: true, restarted: false, termStart: 2, termEnd: 2, ...o };
}
function win(nodes: readonly NodeWindow[], termChanges = 0): WindowSummary {
  return { durationMs: 10_000, termChanges, nodes };
}

const calm = (): WindowSummary => win([node('n1'), node('n2'), node('n3')]);

const none: GoalInputs = {
  e2eC1x16Ratio: null,
  e2eBestRatio: null,
  submitP50Ms: null,
  pickupP50Ms: null,
  failoverP50Ms: null,
  failoverMaxMs: null,
  idle: null,
  bulk: null,
  snapshots: [],
  restarts: [],
  rssGrowthBytesPerJob: null,
  leaseCompleteSmall: null,
  leaseCompleteLarge: null,
};

const status = (inputs: GoalInputs): Record<string, string> => Object.fromEntries(evaluateGoals(inputs).map((g) => [g.id, g.status]));

describe('bench goals (issue 20)', () => {
  it('has one entry per goal, every one "not measured" when nothing ran', () => {
    const goals = evaluateGoals(none);
    expect(goals.map((g) => g.id)).toEqual([
      'e2eC1x16Ratio',
      'e2eBestRatio',
      'submitP50',
      'pickupP50',
      'failoverP50',
      'failoverMax',
      'idleTermChanges',
      'bulkTermChanges',
      'bulkLagP99',
      'bulkLagMax',
      'bulkUnreachable',
      'restartLagP99',
      'restartLagMax',
      'restartUnreachable',
      'snapshotLagP99',
      'snapshotLagMax',
      'snapshotUnreachable',
      'restartReady',
      'rssGrowth',
      'leaseCompleteRatio',
    ]);
    expect(new Set(goals.map((g) => g.status))).toEqual(new Set(['not measured']));
    expect(goals.every((g) => g.figure === null)).toBe(true);
  });

  it('meets each bound at equality and misses just past it', () => {
    // goal id, the input, its value at the bound, just past it.
    const table: [string, Partial<GoalInputs>, Partial<GoalInputs>][] = [
      ['e2eC1x16Ratio', { e2eC1x16Ratio: 1.0 }, { e2eC1x16Ratio: 0.99 }],
      ['e2eBestRatio', { e2eBestRatio: 2.0 }, { e2eBestRatio: 1.99 }],
      ['submitP50', { submitP50Ms: 1.0 }, { submitP50Ms: 1.01 }],
      ['pickupP50', { pickupP50Ms: 2 }, { pickupP50Ms: 2.01 }],
      ['failoverP50', { failoverP50Ms: 300 }, { failoverP50Ms: 301 }],
      ['failoverMax', { failoverMaxMs: 800 }, { failoverMaxMs: 801 }],
      ['rssGrowth', { rssGrowthBytesPerJob: { n1: 300, n2: 120 } }, { rssGrowthBytesPerJob: { n1: 120, n2: 301 } }],
      ['leaseCompleteRatio', { leaseCompleteSmall: 10_000, leaseCompleteLarge: 8_000 }, { leaseCompleteSmall: 10_000, leaseCompleteLarge: 7_999 }],
    ];
    for (const [id, at, past] of table) {
      expect(status({ ...none, ...at })[id], id).toBe('met');
      expect(status({ ...none, ...past })[id], id).toBe('missed');
    }
  });

  it('checks lag on every node of every window of a scenario: one bad snapshot misses', () => {
    const bad = win([node('n1'), node('n2', { lagP99Ms: 51, lagMaxMs: 201 }), node('n3')]);
    const s = status({ ...none, snapshots: [calm(), bad, calm()], bulk: calm() });
    expect(s['snapshotLagP99']).toBe('missed');
    expect(s['snapshotLagMax']).toBe('missed');
    expect(s['bulkLagP99']).toBe('met');
    expect(s['bulkLagMax']).toBe('met');
  });

  it('counts the restarted node out of "unreachable" but not out of lag', () => {
    const w = win([node('n1'), node('n2', { failedPolls: 9, longestGapMs: 4000, lagMaxMs: 1500, restarted: true }), node('n3')]);
    const goals = evaluateGoals({ ...none, restarts: [{ nodeId: 'n2', readyMs: 2500, window: w }] });
    const by = Object.fromEntries(goals.map((g) => [g.id, g]));
    expect(by['restartUnreachable']).toMatchObject({ figure: 0, status: 'met' });
    expect(by['restartLagMax']).toMatchObject({ figure: 1500, status: 'missed' });
    expect(by['restartReady']).toMatchObject({ figure: 2500, status: 'met' });
    const other = win([node('n1', { failedPolls: 1 }), node('n2', { restarted: true }), node('n3')]);
    expect(status({ ...none, restarts: [{ nodeId: 'n2', readyMs: 2500, window: other }] })['restartUnreachable']).toBe('missed');
  });

  it('term changes: none is met, one is missed', () => {
    expect(status({ ...none, idle: calm(), bulk: win(calm().nodes, 1) })).toMatchObject({ idleTermChanges: 'met', bulkTermChanges: 'missed' });
  });

  it('a window with a node that gave no lag figure leaves the goal not measured, not met', () => {
    expect(status({ ...none, bulk: win([node('n1'), node('n2', { lagP99Ms: NaN, lagMaxMs: NaN })]) })['bulkLagP99']).toBe('not measured');
  });

  it('renders a table with a line per goal and a count', () => {
    const lines = renderGoals(evaluateGoals({ ...none, submitP50Ms: 1.25, pickupP50Ms: 1.5 }));
    expect(lines).toHaveLength(2 + 20 + 1);
    expect(lines.find((l) => l.startsWith('submit p50'))).toMatch(/1\.25 ms\s+<= 1 ms\s+missed$/);
    expect(lines.at(-1)).toBe('1 met, 1 missed, 18 not measured');
  });
});
