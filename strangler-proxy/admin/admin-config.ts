/**
 * The `admin:` section of the proxy config: where the admin API listens and where its
 * token comes from. The token itself is never in the config file, only the name of the
 * environment variable that holds it.
 */
import { boolean, number, object, string, type Schema } from '../../common/config/schema.js';

export const DEFAULT_ADMIN_TOKEN_ENV = 'STRANGLER_ADMIN_TOKEN';
/** Envoy's admin port; Prometheus itself defaults to 9090, so that one is avoided. */
export const DEFAULT_ADMIN_PORT = 9901;

const adminListenSchema = object(
  {
    host: string({
      default: '127.0.0.1',
      minLength: 1,
      description: 'Address the admin API binds to. Anything but loopback needs the token to be set.',
    }),
    port: number({
      default: DEFAULT_ADMIN_PORT,
      integer: true,
      min: 0,
      max: 65535,
      description: 'Port of the admin API (0: any free port).',
    }),
  },
  { default: { host: '127.0.0.1', port: DEFAULT_ADMIN_PORT } },
);

export const adminConfigSchema = object({
  listen: adminListenSchema,
  tokenEnv: string({
    default: DEFAULT_ADMIN_TOKEN_ENV,
    pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
    patternHint: 'an environment variable name',
    description: 'Name of the environment variable holding the bearer token of the admin API.',
  }),
  metricsPublic: boolean({ default: false, description: 'Serve /metrics without the token (for a Prometheus that cannot send one).' }),
});

export type AdminConfig = typeof adminConfigSchema extends Schema<infer T> ? T : never;

/** The defaults, for a proxy config without an `admin:` section. */
export const defaultAdminConfig: Readonly<AdminConfig> = Object.freeze({
  listen: Object.freeze({ host: '127.0.0.1', port: DEFAULT_ADMIN_PORT }),
  tokenEnv: DEFAULT_ADMIN_TOKEN_ENV,
  metricsPublic: false,
});
