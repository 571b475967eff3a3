// Original file: proto/admin.proto


export interface BackupRequest {
}

export interface BackupRequest__Output {
}
