export { isLoopbackHost, parseHostPort, parseHttpAddress, type HostPort, type HttpAddress } from './address.js';
export { CONFIG_ENV, type ConfigEnvVar, type Env } from './env.js';
export { formatConfigPath, loadConfig, validateConfig, type LoadOptions, type ValidateOptions, type ValidationResult } from './load.js';
export { findNode, nodeDataDir, peersOf } from './nodes.js';
export { CLUSTER_ID_PATTERN, CONFIG_DEFAULTS, MIN_ELECTION_TO_HEARTBEAT_RATIO, NODE_ID_PATTERN } from './schema.js';
export type { AuthConfig, Config, DashboardConfig, HttpConfig, JobsConfig, LimitsConfig, NodeConfig, QueueRetentionConfig, RaftConfig, RetentionConfig, ServerConfig, TlsConfig, WatchConfig } from './types.js';
export { peerDialAddresses } from './peer-overrides.js';
export {
  bearerToken,
  generateToken,
  hashToken,
  hasRole,
  readTokensFile,
  tokenListProblems,
  ROLES,
  TOKEN_PREFIX,
  TokenTable,
  type Identity,
  type Role,
  type TokenConfig,
  type TokensFileResult,
} from './auth.js';
