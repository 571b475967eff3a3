// Original file: proto/admin.proto


export interface BackupTrailer {
  /**
   * SHA-256 of the state bytes (every data chunk in order), 64 lowercase hex digits.
   */
  'sha256'?: (string);
}

export interface BackupTrailer__Output {
  /**
   * SHA-256 of the state bytes (every data chunk in order), 64 lowercase hex digits.
   */
  'sha256': (string);
}
