/**
 * The backup file of `raftjobs backup` and `raftjobs restore`: a small header (where the state came
 * from, its length and SHA-256) and the job state's snapshot bytes. Written as it streams in, and
 * renamed into place only when complete.
 */
export { BACKUP_FORMAT_VERSION, BACKUP_MAGIC, decodeBackup, encodeBackupHeader, sha256Hex, type Backup, type BackupHeader } from './format.js';
export { BackupFileWriter, readBackupFile, type BackupHeaderStart } from './file.js';
