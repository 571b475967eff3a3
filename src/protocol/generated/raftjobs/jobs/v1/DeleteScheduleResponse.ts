// Original file: proto/jobs.proto


export interface DeleteScheduleResponse {
}

export interface DeleteScheduleResponse__Output {
}
