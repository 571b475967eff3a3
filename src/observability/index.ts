export { createLogger, createSilentLogger, LOG_LEVELS, LogMessage, logLevelFromEnv, type Logger, type LoggerOptions, type LogLevel } from './logger.js';
