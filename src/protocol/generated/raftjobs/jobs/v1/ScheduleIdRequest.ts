// Original file: proto/jobs.proto


export interface ScheduleIdRequest {
  'id'?: (string);
}

export interface ScheduleIdRequest__Output {
  'id': (string);
}
