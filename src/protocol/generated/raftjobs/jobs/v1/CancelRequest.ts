// Original file: proto/jobs.proto


export interface CancelRequest {
  'id'?: (string);
  /**
   * At most 16384 characters. Stored with the job; the Job message shows it only as the error of
   * the attempt a cancel of a leased job ends.
   */
  'reason'?: (string);
}

export interface CancelRequest__Output {
  'id': (string);
  /**
   * At most 16384 characters. Stored with the job; the Job message shows it only as the error of
   * the attempt a cancel of a leased job ends.
   */
  'reason': (string);
}
