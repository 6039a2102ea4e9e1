import { describe, expect, it } from 'vitest';
import { isStranglerError } from '../../common/errors.js';
import { parseSyncConfig } from '../config/load.js';

const base = `source: { urlEnv: SRC }
target: { urlEnv: DST }
slot: s1
publication: p1
tables:
  - source: products
    target: catalog_item
`;

function issues(text: string): string {
  try {
    parseSyncConfig(text, 'bad.yaml');
  } catch (error) {
    if (isStranglerError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('debezium and publish config keys', () => {
  it('are optional: a config without them has neither', () => {
    const config = parseSyncConfig(base);
    expect(config.debezium).toBeUndefined();
    expect(config.publish).toBeUndefined();
  });

  it('fill their defaults', () => {
    const config = parseSyncConfig(
      `${base}debezium: { tokenEnv: DBZ_TOKEN }\npublish: { nats: { url: "nats://127.0.0.1:4222", stream: CATALOG, subjectPrefix: strangler.catalog } }\n`,
    );
    expect(config.debezium).toEqual({
      listen: '127.0.0.1:8083',
      tokenEnv: 'DBZ_TOKEN',
      quietPeriod: 20,
      placeholder: '__debezium_unavailable_value',
    });
    expect(config.publish?.nats).toEqual({
      url: 'nats://127.0.0.1:4222',
      stream: 'CATALOG',
      subjectPrefix: 'strangler.catalog',
      bucket: 'strangler_sync',
      duplicateWindow: 120_000,
      schemas: false,
    });
  });

  it('name the bad key', () => {
    expect(issues(`${base}debezium: { listen: 8083 }\n`)).toContain('debezium.listen: expected a string');
    expect(issues(`${base}debezium: { quietPeriod: soon }\n`)).toContain('debezium.quietPeriod: expected a duration');
    expect(issues(`${base}publish: { nats: { url: x, stream: "a b", subjectPrefix: "a..b" } }\n`)).toMatch(
      /publish\.nats\.stream: "a b" is not a stream name[\s\S]*publish\.nats\.subjectPrefix: "a\.\.b" is not subject tokens/,
    );
    expect(issues(`${base}publish: { kafka: {} }\n`)).toContain('publish.kafka: unknown key');
  });
});
