// Original file: proto/admin.proto

import type { BackupHeader as _raftjobs_admin_v1_BackupHeader, BackupHeader__Output as _raftjobs_admin_v1_BackupHeader__Output } from '../../../raftjobs/admin/v1/BackupHeader.js';
import type { BackupTrailer as _raftjobs_admin_v1_BackupTrailer, BackupTrailer__Output as _raftjobs_admin_v1_BackupTrailer__Output } from '../../../raftjobs/admin/v1/BackupTrailer.js';

export interface BackupChunk {
  'header'?: (_raftjobs_admin_v1_BackupHeader | null);
  /**
   * The next bytes of the state: 1..1048576 (1 MiB) bytes.
   */
  'data'?: (Buffer | Uint8Array | string);
  'trailer'?: (_raftjobs_admin_v1_BackupTrailer | null);
  'part'?: "header"|"data"|"trailer";
}

export interface BackupChunk__Output {
  'header'?: (_raftjobs_admin_v1_BackupHeader__Output | null);
  /**
   * The next bytes of the state: 1..1048576 (1 MiB) bytes.
   */
  'data'?: (Buffer);
  'trailer'?: (_raftjobs_admin_v1_BackupTrailer__Output | null);
  'part'?: "header"|"data"|"trailer";
}
