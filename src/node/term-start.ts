/**
 * The start of a leader's term (J6): the leader proposes `leaderChange`, which gives every
 * inherited lease a grace of at least one election timeout, and starts its duties that work from
 * the committed state (the schedule runner, the due-time ticks) only once that entry is committed.
 *
 * A leader that never gets it committed would lead its whole term with no grace given and no
 * schedule fired, so a refusal is not the end: while the node still leads the same term, the
 * command is proposed again after a back-off, whatever refused it. What ends the attempts is what
 * ends the term for this node: stepping down, a new term, a stop, or a node that stopped itself
 * (SHUTTING_DOWN, DATA_LOSS). A leadership transfer does not refuse it: the driver holds proposals
 * back until the transfer ends (see `RaftNode.propose`).
 */
import type { Logger } from 'pino';
import { ErrorCode, isRaftJobsError } from '../errors/index.js';
import type { Command, CommandResult } from '../jobs/index.js';
import type { NodeClock } from './types.js';

/** What the term start needs of the node. */
export interface TermStartHost {
  isLeader(): boolean;
  /** The term the node is in now. */
  currentTerm(): number;
  propose(command: Command): Promise<CommandResult>;
}

/** First wait before `leaderChange` is proposed again after a refusal, ms; doubles each time. */
export const LEADER_CHANGE_RETRY_MIN_MS = 50;
/** Longest wait between two proposals of `leaderChange`, ms. */
export const LEADER_CHANGE_RETRY_MAX_MS = 1_000;

export class TermStart {
  /** Bumped whenever what is under way stops mattering (a new term, stepping down, stop). */
  private generation = 0;
  /** The term whose `leaderChange` is committed, while this node still leads it; else null. */
  private committedTerm: number | null = null;
  private timer: unknown = null;
  private stopped = false;

  /**
   * @param graceMs the J6 grace of inherited leases, ms (at least one election timeout).
   * @param onCommitted runs once per term, when its `leaderChange` is committed and the node still leads it.
   */
  constructor(
    private readonly host: TermStartHost,
    private readonly graceMs: number,
    private readonly onCommitted: () => void,
    private readonly clock: NodeClock,
    private readonly log: Logger,
  ) {}

  /** True once this term's `leaderChange` is committed, while the node leads that term. */
  get committed(): boolean {
    return this.committedTerm !== null && this.leads(this.committedTerm);
  }

  /** This node became leader of `term`: propose its `leaderChange` until it commits. */
  becameLeader(term: number): void {
    if (this.stopped) return;
    this.reset();
    this.attempt(term, this.generation, 0);
  }

  /** No longer leader: nothing more is proposed for the term it led. */
  lostLeadership(): void {
    this.reset();
  }

  stop(): void {
    this.stopped = true;
    this.reset();
  }

  private reset(): void {
    this.generation++;
    this.committedTerm = null;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private leads(term: number): boolean {
    return !this.stopped && this.host.isLeader() && this.host.currentTerm() === term;
  }

  /** Proposes `leaderChange` for `term`, attempt `n` (0 the first). */
  private attempt(term: number, generation: number, n: number): void {
    const current = (): boolean => generation === this.generation && this.leads(term);
    this.host.propose({ type: 'leaderChange', graceMs: this.graceMs }).then(
      (res) => {
        if (!current()) return;
        // The state machine accepts every well-formed one; either way the entry is this term's and committed.
        if (!res.ok) this.log.warn({ term, code: res.code, message: res.message }, 'leader-change command refused by the state machine');
        else if (n > 0) this.log.info({ term, attempts: n + 1 }, 'leader-change grace committed');
        this.committedTerm = term;
        this.onCommitted();
      },
      (err: unknown) => {
        if (!current() || (isRaftJobsError(err) && (err.code === ErrorCode.ShuttingDown || err.code === ErrorCode.DataLoss))) return;
        const waitMs = Math.min(LEADER_CHANGE_RETRY_MAX_MS, LEADER_CHANGE_RETRY_MIN_MS * 2 ** n);
        if (n === 0) this.log.warn({ err, term, retryInMs: waitMs }, 'leader-change grace was not committed; proposing it again while this node leads the term');
        this.timer = this.clock.setTimeout(() => {
          this.timer = null;
          if (current()) this.attempt(term, generation, n + 1);
        }, waitMs);
      },
    );
  }
}
