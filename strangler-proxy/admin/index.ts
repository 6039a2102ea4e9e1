/** The admin side of the proxy: its config section and its HTTP server. */
export { adminConfigSchema, defaultAdminConfig, DEFAULT_ADMIN_TOKEN_ENV, DEFAULT_ADMIN_PORT, type AdminConfig } from './admin-config.js';
export { startAdminServer, createAdminApp, type AdminServer, type AdminServerOptions, type MetricsSource } from './server.js';
export { isLoopbackHost, tokensMatch } from './auth.js';
