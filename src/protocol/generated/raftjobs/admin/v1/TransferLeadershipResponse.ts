// Original file: proto/admin.proto


export interface TransferLeadershipResponse {
}

export interface TransferLeadershipResponse__Output {
}
