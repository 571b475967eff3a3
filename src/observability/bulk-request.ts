/**
 * The dashboard's bulk actions on one queue (`POST /api/queues/<queue>/retry-dead|cancel|purge`):
 * their query parameters read and checked here, before anything is asked of the cluster, so a
 * typo is refused with a message naming it rather than widening or narrowing what the action
 * touches. The cluster checks the request again (proto/jobs.proto, `Jobs.Bulk`).
 */
import { ErrorCode, RaftJobsError } from '../errors/index.js';
import { BULK_STATES, JOB_STATES, MAX_GROUP_LENGTH, type BulkAction, type JobState } from '../jobs/index.js';

/** The actions as the dashboard's paths name them, and the SDK's names. */
const ACTIONS: Readonly<Record<string, BulkAction>> = { 'retry-dead': 'retryDead', cancel: 'cancel', purge: 'purge' };

/** The reason stored with each job the dashboard cancels, one by one or in bulk. */
export const DASHBOARD_CANCEL_REASON = 'cancelled from the dashboard';

/** Longest age filter, ms: 365 days (`BulkFilter.older_than_ms`). */
const MAX_OLDER_THAN_MS = 365 * 24 * 3_600_000;

/** The query parameters a bulk action takes. */
const PARAMS = ['state', 'group', 'olderThanMs', 'dryRun'];

/** One bulk action on one queue's jobs, as the dashboard asks for it (the shape of the SDK's `client.bulk` options). */
export interface DashboardBulkRequest {
  readonly action: BulkAction;
  readonly filter: {
    readonly queue: string;
    /** Only jobs in these states, each one the action applies to; absent: every state it applies to. */
    readonly states?: readonly JobState[];
    /** Only jobs of this group key; `''`: only jobs without one; absent: any. */
    readonly group?: string;
    /** Only jobs submitted at least this long ago, ms (1 ms..365 days); absent: any age. */
    readonly olderThanMs?: number;
  };
  /** Count what the action would act on; change nothing. */
  readonly dryRun: boolean;
  /** Cancel only: {@link DASHBOARD_CANCEL_REASON}. */
  readonly reason?: string;
}

/**
 * The request of the action a path names (`retry-dead`, `cancel`, `purge`) on `queue` (a name
 * already checked), from its query parameters: `state` (repeated; required for cancel and purge,
 * which change jobs for good: the page always names one), `group`, `olderThanMs` and `dryRun=1`.
 *
 * @throws RaftJobsError INVALID_ARGUMENT for an action it does not know, or naming every parameter
 * that is unknown, repeated or out of range, or a state the action does not apply to.
 */
export function dashboardBulkRequest(pathAction: string, queue: string, params: URLSearchParams): DashboardBulkRequest {
  const action = ACTIONS[pathAction];
  if (action === undefined) throw new RaftJobsError(ErrorCode.InvalidArgument, `not a bulk action: ${JSON.stringify(pathAction.slice(0, 40))} (${Object.keys(ACTIONS).join(', ')})`);
  const problems: string[] = [];
  const keys = [...params.keys()];
  for (const key of new Set(keys)) {
    if (!PARAMS.includes(key)) problems.push(`unknown parameter ${JSON.stringify(key.slice(0, 40))} (expected ${PARAMS.join(', ')})`);
    else if (key !== 'state' && keys.filter((k) => k === key).length > 1) problems.push(`${key}: given more than once`);
  }
  const allowed = BULK_STATES[action];
  const states = params.getAll('state');
  if (states.length === 0 && action !== 'retryDead') problems.push(`state: required for ${pathAction} (one or more of ${allowed.join(', ')})`);
  states.forEach((s, i) => {
    if (!allowed.includes(s as JobState)) {
      problems.push(`state ${JSON.stringify(s.slice(0, 40))}: ${(JOB_STATES as readonly string[]).includes(s) ? `${pathAction} applies to ${allowed.join(', ')} jobs only` : `not a job state (${JOB_STATES.join(', ')})`}`);
    } else if (states.indexOf(s) !== i) problems.push(`state ${JSON.stringify(s)}: given twice`);
  });
  const group = params.get('group');
  if (group !== null && (group.length > MAX_GROUP_LENGTH || group.includes('\u0000'))) problems.push(`group: must be at most ${MAX_GROUP_LENGTH} characters without NUL ('' for jobs without a key)`);
  const age = params.get('olderThanMs');
  const olderThanMs = age === null ? null : /^[0-9]{1,12}$/.test(age) ? Number(age) : Number.NaN;
  if (olderThanMs !== null && !(olderThanMs >= 1 && olderThanMs <= MAX_OLDER_THAN_MS)) {
    problems.push(`olderThanMs: must be a whole number of ms from 1 to ${MAX_OLDER_THAN_MS} (365 days), got ${JSON.stringify((age ?? '').slice(0, 40))}`);
  }
  const dryRun = params.get('dryRun');
  if (dryRun !== null && dryRun !== '1') problems.push(`dryRun: must be 1 when given, got ${JSON.stringify(dryRun.slice(0, 40))}`);
  if (problems.length > 0) throw new RaftJobsError(ErrorCode.InvalidArgument, problems.join('; '));
  return {
    action,
    filter: {
      queue,
      ...(states.length > 0 ? { states: states as JobState[] } : {}),
      ...(group !== null ? { group } : {}),
      ...(olderThanMs !== null ? { olderThanMs } : {}),
    },
    dryRun: dryRun === '1',
    ...(action === 'cancel' ? { reason: DASHBOARD_CANCEL_REASON } : {}),
  };
}
