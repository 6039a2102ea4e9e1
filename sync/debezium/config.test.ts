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
      `${base}debezium: { listen: "127.0.0.1:8083", tokenEnv: DBZ_TOKEN }\npublish: { nats: { url: "nats://127.0.0.1:4222", stream: CATALOG, subjectPrefix: strangler.catalog } }\n`,
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
    expect(issues(`${base}debezium: { listen: "127.0.0.1:8083", quietPeriod: soon }\n`)).toContain(
      'debezium.quietPeriod: expected a duration',
    );
    expect(issues(`${base}publish: { nats: { url: x, stream: "a b", subjectPrefix: "a..b" } }\n`)).toMatch(
      /publish\.nats\.stream: "a b" is not a stream name[\s\S]*publish\.nats\.subjectPrefix: "a\.\.b" is not subject tokens/,
    );
    expect(issues(`${base}publish: { kafka: {} }\n`)).toContain('publish.kafka: unknown key');
  });

  it('debezium.nats: fills its defaults, the durable defaults at start (strangler_<slot>)', () => {
    const config = parseSyncConfig(`${base}debezium: { nats: { url: "nats://127.0.0.1:4222", stream: DBZ, subjects: [shop.public.*] } }\n`);
    expect(config.debezium).toEqual({
      nats: { url: 'nats://127.0.0.1:4222', stream: 'DBZ', subjects: ['shop.public.*'], batch: 256, ackWait: 30_000 },
      quietPeriod: 20,
      placeholder: '__debezium_unavailable_value',
    });
  });

  it('debezium: listen or nats, not both (named in the refusal); neither is the HTTP listener on its default address', () => {
    expect(issues(`${base}debezium: { listen: "127.0.0.1:8083", nats: { url: x, stream: S } }\n`)).toContain(
      'debezium.nats: debezium.listen and debezium.nats are both set: give one',
    );
    const http = parseSyncConfig(`${base}debezium: { quietPeriod: 5ms, tokenEnv: T }\n`);
    expect(http.debezium).toMatchObject({ quietPeriod: 5, tokenEnv: 'T' });
    expect(http.debezium?.listen).toBeUndefined();
    expect(issues(`${base}debezium: { nats: { url: x, stream: S }, tokenEnv: T }\n`)).toContain(
      'debezium.tokenEnv: is for the HTTP listener',
    );
  });

  it('debezium.nats: names the bad key', () => {
    const text = issues(
      `${base}debezium: { nats: { url: x, stream: "a b", subjects: ["a..b", "x.>.y"], durable: "c.d", batch: 0, ackWait: 10ms, queue: q } }\n`,
    );
    expect(text).toContain('debezium.nats.stream: "a b" is not a stream name');
    expect(text).toContain('debezium.nats.subjects[0]: "a..b" is not a subject filter');
    expect(text).toContain('debezium.nats.subjects[1]: "x.>.y" is not a subject filter');
    expect(text).toContain('debezium.nats.durable: "c.d" is not a consumer name');
    expect(text).toContain('debezium.nats.batch: ');
    expect(text).toContain('debezium.nats.ackWait: must be at least 1000 ms');
    expect(text).toContain('debezium.nats.queue: unknown key');
    expect(issues(`${base}debezium: { nats: { stream: S } }\n`)).toContain('debezium.nats.url: is required');
  });
});
