export { StranglerError, isStranglerError, messageOf } from './errors.js';
export { createLogger, redact, silentLogger, type Logger, type LogLevel, type LogFields, type LoggerOptions } from './logger.js';
export { loadConfigFile, parseConfigText } from './config/load.js';
export * as schema from './config/schema.js';
export { startEmbeddedPostgres, freePort, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './pg/embedded-postgres.js';
export { obtainPostgres, createDatabase, dropDatabase, withDatabase, type PostgresHandle } from './pg/databases.js';
export { packageRoot, packageVersion } from './package-info.js';
