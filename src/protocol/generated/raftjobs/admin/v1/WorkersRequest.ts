// Original file: proto/admin.proto


export interface WorkersRequest {
}

export interface WorkersRequest__Output {
}
