import { expect } from 'vitest';
import { RaftJobsError } from '../../src/errors/index.js';

/** The RaftJobsError `p` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejectionOf(p: Promise<unknown>): Promise<RaftJobsError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RaftJobsError);
  return err as RaftJobsError;
}
