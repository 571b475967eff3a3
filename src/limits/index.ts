export { formatRange, formatValue, renderReference } from './format.js';
export {
  BACKUP_CHUNK_BYTES,
  configSettings,
  FRAME_HEADROOM_BYTES,
  GRPC_DEFAULT_RECEIVE_BYTES,
  LIMITS,
  MAX_GRPC_MESSAGE_BYTES,
  MAX_INCARNATION,
  MAX_LEASE_PUSH_BYTES,
  MAX_LEASE_WAIT_MS,
  MIN_ELECTION_TO_HEARTBEAT_RATIO,
  type BooleanSetting,
  type LimitName,
  type NumberSetting,
  type Setting,
  type SettingUnit,
} from './settings.js';
export {
  DEFAULT_MAX_SUBMIT_BYTES,
  ENTRY_HEADER_BYTES,
  FLOW_OVERHEAD_BYTES,
  JOB_OVERHEAD_BYTES,
  maxCommandBytes,
  SUBMIT_HEADER_BYTES,
  submitBytes,
  submitJobBytes,
  type SizedJob,
} from './sizes.js';
