// Original file: proto/jobs.proto


export interface QueueNameRequest {
  /**
   * [A-Za-z0-9._:-], 1..128 characters. Required.
   */
  'queue'?: (string);
}

export interface QueueNameRequest__Output {
  /**
   * [A-Za-z0-9._:-], 1..128 characters. Required.
   */
  'queue': (string);
}
