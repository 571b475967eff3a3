export { createLogger, createSilentLogger, LOG_LEVELS, LogMessage, logLevelFromEnv, type Logger, type LoggerOptions, type LogLevel } from './logger.js';
export { METRIC_GROUP_KEYS, NodeMetricsRegistry, RAFT_ROLES, type FlowTotals, type MetricsSource } from './metrics.js';
export { ThroughputHistory, type ThroughputOptions, type ThroughputSeries } from './throughput.js';
export { type DashboardBulkRequest } from './bulk-request.js';
export { ACTION_HEADER, startHttpServer, type DashboardApi, type HttpAuth, type HttpServerOptions, type HttpTls, type Readiness, type RunningHttpServer } from './http-server.js';
