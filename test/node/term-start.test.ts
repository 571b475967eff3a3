/**
 * `TermStart`, the start of a leader's term (J6): `leaderChange` is proposed until it commits for
 * as long as the node leads that term, whatever refuses it, and the leader's duties start only
 * once it has committed. A scripted host on virtual time stands in for the node.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RaftJobsError } from '../../src/errors/index.js';
import type { Command, CommandResult } from '../../src/jobs/index.js';
import { LEADER_CHANGE_RETRY_MAX_MS, LEADER_CHANGE_RETRY_MIN_MS, TermStart } from '../../src/node/term-start.js';
import { VirtualTime } from './virtual-clock.js';

const logger = pino({ level: 'silent' });
const GRACE_MS = 500;

type Outcome = 'ok' | ErrorCode | 'pending';

/** A node that leads `term` while `leader`, answering each proposal with the next scripted outcome ('ok' once the script runs out). */
class ScriptedHost {
  leader = true;
  term = 4;
  readonly proposed: { at: number; command: Command }[] = [];
  /** Proposals answered 'pending': settle them by hand. */
  readonly pending: { resolve(r: CommandResult): void; reject(e: Error): void }[] = [];

  constructor(
    private readonly vt: VirtualTime,
    private readonly script: Outcome[],
  ) {}

  isLeader(): boolean {
    return this.leader;
  }

  currentTerm(): number {
    return this.term;
  }

  propose(command: Command): Promise<CommandResult> {
    this.proposed.push({ at: this.vt.elapsedMs, command });
    const outcome = this.script.shift() ?? 'ok';
    if (outcome === 'pending') return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
    if (outcome === 'ok') return Promise.resolve(committed());
    return Promise.reject(new RaftJobsError(outcome, `refused: ${outcome}`, { leaderId: null }));
  }
}

function committed(): CommandResult {
  return { ok: true, type: 'leaderChange', extended: 0, graceUntil: 0 };
}

function setup(script: Outcome[]): { vt: VirtualTime; host: ScriptedHost; start: TermStart; duties: number[] } {
  const vt = new VirtualTime(0);
  const host = new ScriptedHost(vt, script);
  const duties: number[] = [];
  const start = new TermStart(host, GRACE_MS, () => duties.push(vt.elapsedMs), vt.clock(), logger);
  return { vt, host, start, duties };
}

describe('TermStart (J6)', () => {
  it('proposes leaderChange again after a back-off while a refused node still leads its term, and starts the duties once it commits', async () => {
    const { vt, host, start, duties } = setup([ErrorCode.NotLeader, ErrorCode.NotLeader, ErrorCode.OutcomeUnknown]);
    start.becameLeader(4);
    await vt.advance(0);
    expect(start.committed).toBe(false);
    expect(duties).toEqual([]);
    await vt.advance(2_000);
    // 50 ms, then doubling: 0, 50, 150, 350.
    const min = LEADER_CHANGE_RETRY_MIN_MS;
    expect(host.proposed.map((p) => p.at)).toEqual([0, min, 3 * min, 7 * min]);
    expect(host.proposed.every((p) => p.command.type === 'leaderChange' && p.command.graceMs === GRACE_MS)).toBe(true);
    expect(duties).toEqual([7 * min]);
    expect(start.committed).toBe(true);
  });

  it('waits at most LEADER_CHANGE_RETRY_MAX_MS between attempts', async () => {
    const { vt, host, start, duties } = setup(Array.from({ length: 10 }, () => ErrorCode.NotLeader));
    start.becameLeader(4);
    await vt.advance(20_000);
    const gaps = host.proposed.slice(1).map((p, i) => p.at - (host.proposed[i] as { at: number }).at);
    expect(Math.max(...gaps)).toBe(LEADER_CHANGE_RETRY_MAX_MS);
    expect(host.proposed.length).toBe(11);
    expect(duties.length).toBe(1);
  });

  it('stops proposing when the node steps down, and when a new term begins', async () => {
    const down = setup([ErrorCode.NotLeader, ErrorCode.NotLeader]);
    down.start.becameLeader(4);
    await down.vt.advance(0);
    down.host.leader = false;
    await down.vt.advance(5_000);
    expect(down.host.proposed.length).toBe(1);
    expect(down.duties).toEqual([]);

    const newTerm = setup([ErrorCode.NotLeader, ErrorCode.NotLeader]);
    newTerm.start.becameLeader(4);
    await newTerm.vt.advance(0);
    newTerm.host.term = 5;
    await newTerm.vt.advance(5_000);
    expect(newTerm.host.proposed.length).toBe(1);
    expect(newTerm.duties).toEqual([]);

    // Told it lost leadership while a retry waits: the retry never runs, even if it leads again.
    const told = setup([ErrorCode.NotLeader]);
    told.start.becameLeader(4);
    await told.vt.advance(0);
    told.start.lostLeadership();
    await told.vt.advance(5_000);
    expect(told.host.proposed.length).toBe(1);
    expect(told.start.committed).toBe(false);
  });

  it('does not ask a node that stopped (SHUTTING_DOWN, DATA_LOSS) again', async () => {
    for (const code of [ErrorCode.ShuttingDown, ErrorCode.DataLoss]) {
      const { vt, host, start, duties } = setup([code]);
      start.becameLeader(4);
      await vt.advance(5_000);
      expect(host.proposed.length, code).toBe(1);
      expect(duties, code).toEqual([]);
    }
  });

  it('an answer for a term the node no longer leads starts nothing; the new term starts its own', async () => {
    const { vt, host, start, duties } = setup(['pending', 'pending']);
    start.becameLeader(4);
    await vt.advance(0);
    // Term 5 begins before term 4's leader change is answered.
    host.term = 5;
    start.becameLeader(5);
    await vt.advance(0);
    host.pending[0]?.resolve(committed());
    await vt.advance(100);
    expect(duties).toEqual([]);
    expect(start.committed).toBe(false);
    host.pending[1]?.resolve(committed());
    await vt.advance(100);
    expect(duties).toEqual([100]);
    expect(start.committed).toBe(true);
    // Stepping down ends it.
    host.leader = false;
    expect(start.committed).toBe(false);
  });
});
