export { formatRange, formatValue, renderReference } from './format.js';
export {
  configSettings,
  FRAME_HEADROOM_BYTES,
  GRPC_DEFAULT_RECEIVE_BYTES,
  LIMITS,
  MIN_ELECTION_TO_HEARTBEAT_RATIO,
  type BooleanSetting,
  type LimitName,
  type NumberSetting,
  type Setting,
  type SettingUnit,
} from './settings.js';
