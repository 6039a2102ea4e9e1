import { describe, expect, it } from 'vitest';
import { validate } from '../../common/config/schema.js';
import { adminConfigSchema, defaultAdminConfig } from './admin-config.js';

describe('adminConfigSchema', () => {
  it('fills the defaults: loopback, the default token variable, private metrics', () => {
    expect(validate(adminConfigSchema, {})).toEqual(defaultAdminConfig);
    expect(validate(adminConfigSchema, { listen: { port: 0 } }).listen).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('names the bad key', () => {
    const attempt = (): unknown =>
      validate(adminConfigSchema, { listen: { port: 70000 }, tokenEnv: 'not a name', metricPublic: true }, 'admin');
    expect(attempt).toThrow(/listen\.port: must be <= 65535/);
    expect(attempt).toThrow(/tokenEnv: "not a name" is not an environment variable name/);
    expect(attempt).toThrow(/metricPublic: unknown key; did you mean "metricsPublic"/);
  });
});
