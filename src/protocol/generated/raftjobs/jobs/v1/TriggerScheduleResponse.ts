// Original file: proto/jobs.proto


export interface TriggerScheduleResponse {
  /**
   * The job created (or, when duplicate, the one a trigger in the same ms created).
   */
  'jobId'?: (string);
  'duplicate'?: (boolean);
}

export interface TriggerScheduleResponse__Output {
  /**
   * The job created (or, when duplicate, the one a trigger in the same ms created).
   */
  'jobId': (string);
  'duplicate': (boolean);
}
