/**
 * Column values between the sync's PostgreSQL text and Debezium's typed JSON.
 *
 * Debezium's PostgreSQL connector maps types as its docs list them ("Data type mappings",
 * https://debezium.io/documentation/reference/stable/connectors/postgresql.html#postgresql-data-types):
 * integers and floats as JSON numbers (int16/int32/int64/float32/float64), boolean as a JSON
 * boolean, bytea as base64 `bytes` (binary.handling.mode=bytes), numeric as `Decimal` (base64
 * big-endian two's complement unscaled value, `scale` parameter) or `VariableScaleDecimal`
 * ({scale, value}) under decimal.handling.mode=precise, or a string under =string; date as
 * days since the epoch (io.debezium.time.Date), timestamp as µs since the epoch
 * (MicroTimestamp; Timestamp = ms, NanoTimestamp = ns with other time.precision.modes),
 * timestamptz/timetz as ISO-8601 strings in UTC (ZonedTimestamp, ZonedTime), time as µs since
 * midnight (MicroTime), interval as µs (MicroDuration), uuid/json/xml/enums as strings.
 *
 * Into text (decode): with the `schema` of the field these are exact: integers, decimals and
 * µs timestamps keep every digit (numbers are read as their literal text, sync/debezium/json.ts),
 * bytea becomes `\x<hex>`, booleans `t`/`f`, dates and timestamps PostgreSQL's ISO text.
 * Without a schema (schemas.enable=false) a value's JSON type is all there is: numbers become
 * their digits (a date or timestamp sent as a number is then just a number: send temporal
 * types as strings, or enable schemas), base64 bytea stays base64 text, strings stay strings.
 * MicroDuration is lossy at the source (Debezium counts a month as 30.4375 days).
 *
 * Into JSON (encode), by the column's type oid: as the connector emits with its defaults except
 * numeric, which goes out as a string (decimal.handling.mode=string: exact, and readable);
 * interval, arrays, money, network and user types go out as their PostgreSQL text (strings).
 */
import { JsonNumber, isJsonObject, num, type JsonValue } from './json.js';

/** A Kafka Connect schema as the JSON converter writes it (schemas.enable=true). */
export interface ConnectSchema {
  type: string;
  optional?: boolean;
  name?: string;
  version?: number;
  parameters?: Record<string, string>;
  default?: JsonValue;
  field?: string;
  fields?: ConnectSchema[];
  items?: ConnectSchema;
}

export class ValueError extends Error {}

const US_PER_DAY = 86_400_000_000n;

const pad = (value: number | bigint, width = 2): string => String(value).padStart(width, '0');

function integerOf(value: JsonValue, what: string): bigint {
  if (value instanceof JsonNumber && value.isInteger()) return BigInt(value.text);
  throw new ValueError(`expected an integer (${what}), got ${describe(value)}`);
}

function describe(value: JsonValue): string {
  if (value instanceof JsonNumber) return `number ${value.text}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** µs since the epoch -> `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC, PostgreSQL's ISO output without a zone). */
export function timestampFromMicros(micros: bigint): string {
  const days = floorDiv(micros, US_PER_DAY);
  const inDay = micros - days * US_PER_DAY;
  return `${dateFromDays(days)} ${timeFromMicros(inDay)}`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function dateFromDays(days: bigint): string {
  const date = new Date(Number(days) * 86_400_000);
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw new ValueError(`date outside years 1..9999 (${String(days)} days)`);
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** µs since midnight -> `HH:MM:SS[.ffffff]`, trailing zeros of the fraction trimmed as PostgreSQL does. */
export function timeFromMicros(micros: bigint): string {
  const seconds = micros / 1_000_000n;
  const fraction = micros % 1_000_000n;
  const base = `${pad(seconds / 3600n)}:${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}`;
  return fraction === 0n ? base : `${base}.${pad(fraction, 6).replace(/0+$/, '')}`;
}

/** A base64 big-endian two's-complement integer (Kafka Connect Decimal) with `scale` -> decimal text. */
export function decimalFromBase64(base64: string, scale: number): string {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) return '0';
  let unscaled = BigInt(`0x${bytes.toString('hex')}`);
  if ((bytes[0] ?? 0) & 0x80) unscaled -= 1n << BigInt(bytes.length * 8);
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  } else if (scale < 0) digits += '0'.repeat(-scale);
  return negative ? `-${digits}` : digits;
}

/** Decimal text -> {scale, base64 unscaled} (the inverse of decimalFromBase64). */
export function decimalToBase64(text: string): { scale: number; value: string } {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new ValueError(`not a decimal: ${text}`);
  const fraction = match[3] ?? '';
  let unscaled = BigInt(`${match[2] ?? ''}${fraction}` || '0');
  if (match[1] === '-') unscaled = -unscaled;
  let width = 1;
  while (unscaled >= 1n << BigInt(width * 8 - 1) || unscaled < -(1n << BigInt(width * 8 - 1))) width++;
  const twos = unscaled < 0n ? unscaled + (1n << BigInt(width * 8)) : unscaled;
  return { scale: fraction.length, value: Buffer.from(twos.toString(16).padStart(width * 2, '0'), 'hex').toString('base64') };
}

/** A PostgreSQL array literal of text elements (quoted, NULL for null). */
function arrayLiteral(items: readonly (string | null)[]): string {
  const quoted = items.map((item) => (item === null ? 'NULL' : `"${item.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`));
  return `{${quoted.join(',')}}`;
}

/** A Debezium JSON value -> PostgreSQL text (null for NULL), using the field's schema when there is one. */
export function valueToText(value: JsonValue, schema: ConnectSchema | undefined): string | null {
  if (value === null) return null;
  const name = schema?.name;
  switch (name) {
    case 'org.apache.kafka.connect.data.Decimal':
      if (typeof value === 'string') return decimalFromBase64(value, Number(schema?.parameters?.['scale'] ?? '0'));
      break;
    case 'io.debezium.data.VariableScaleDecimal':
      return variableScale(value);
    case 'io.debezium.time.Date':
    case 'org.apache.kafka.connect.data.Date':
      return dateFromDays(integerOf(value, name));
    case 'io.debezium.time.Timestamp':
    case 'org.apache.kafka.connect.data.Timestamp':
      return timestampFromMicros(integerOf(value, name) * 1000n);
    case 'io.debezium.time.MicroTimestamp':
      return timestampFromMicros(integerOf(value, name));
    case 'io.debezium.time.NanoTimestamp': {
      const nanos = integerOf(value, name);
      const text = timestampFromMicros(floorDiv(nanos, 1000n));
      const rest = nanos - floorDiv(nanos, 1000n) * 1000n;
      if (rest === 0n) return text;
      const [whole, fraction = ''] = text.split('.');
      return `${whole ?? ''}.${`${fraction.padEnd(6, '0')}${pad(rest, 3)}`.replace(/0+$/, '')}`;
    }
    case 'io.debezium.time.Time':
    case 'org.apache.kafka.connect.data.Time':
      return timeFromMicros(integerOf(value, name) * 1000n);
    case 'io.debezium.time.MicroTime':
      return timeFromMicros(integerOf(value, name));
    case 'io.debezium.time.NanoTime':
      return timeFromMicros(integerOf(value, name) / 1000n);
    case 'io.debezium.time.MicroDuration':
      return `${integerOf(value, name).toString()} microseconds`;
    default:
      break;
  }
  if (schema?.type === 'bytes' && typeof value === 'string') return `\\x${Buffer.from(value, 'base64').toString('hex')}`;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return arrayLiteral(
      value.map((item) => (isJsonObject(item) || Array.isArray(item) ? JSON.stringify(plain(item)) : valueToText(item, schema?.items))),
    );
  }
  if (!schema && 'scale' in value && 'value' in value && Object.keys(value).length === 2) return variableScale(value);
  return JSON.stringify(plain(value));
}

function variableScale(value: JsonValue): string {
  if (!isJsonObject(value)) throw new ValueError(`expected {scale, value} (VariableScaleDecimal), got ${describe(value)}`);
  const scale = value['scale'];
  const digits = value['value'];
  if (typeof digits !== 'string') throw new ValueError('VariableScaleDecimal.value must be a base64 string');
  return decimalFromBase64(digits, Number(integerOf(scale ?? null, 'VariableScaleDecimal.scale')));
}

/** A JsonValue as plain JS (numbers as numbers), for JSON.stringify of structs. */
function plain(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return value.toNumber();
  if (Array.isArray(value)) return value.map(plain);
  if (isJsonObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  return value;
}

/** What one column becomes in Debezium JSON: its Connect schema (without `field`) and how to write a value. */
export interface ColumnEncoding {
  schema: ConnectSchema;
  encode(text: string): JsonValue;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/;

/** PostgreSQL timestamp text -> µs since the epoch (the zone, when present, is applied). */
export function microsFromTimestamp(text: string): bigint {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) throw new ValueError(`not an ISO timestamp: ${text}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  let micros = BigInt(ms) * 1000n + BigInt((m[7] ?? '').padEnd(6, '0') || '0');
  if (m[8]) {
    const offset = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * 1_000_000;
    micros -= BigInt(m[8] === '-' ? -offset : offset);
  }
  return micros;
}

function microsFromTime(text: string): bigint {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) throw new ValueError(`not a time: ${text}`);
  return BigInt((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1_000_000) + BigInt((m[4] ?? '').padEnd(6, '0') || '0');
}

/** µs since the epoch -> ISO-8601 UTC with the fraction trimmed (ZonedTimestamp). */
function isoUtc(micros: bigint): string {
  return `${timestampFromMicros(micros).replace(' ', 'T')}Z`;
}

const typed = (type: string, name?: string): ConnectSchema => ({ type, optional: true, ...(name ? { name, version: 1 } : {}) });

/** How a column of this pg_type oid is written. Values that do not parse (infinity, BC) fall back to their text. */
export function columnEncoding(typeOid: number): ColumnEncoding {
  const fallback = (schema: ConnectSchema, parse: (text: string) => JsonValue): ColumnEncoding => ({
    schema,
    encode: (text) => {
      try {
        return parse(text);
      } catch {
        return text;
      }
    },
  });
  switch (typeOid) {
    case 16:
      return { schema: typed('boolean'), encode: (text) => text === 't' || text === 'true' };
    case 21:
      return { schema: typed('int16'), encode: (text) => new JsonNumber(text) };
    case 23:
      return { schema: typed('int32'), encode: (text) => new JsonNumber(text) };
    case 20:
    case 26:
      return { schema: typed('int64'), encode: (text) => new JsonNumber(text) };
    case 700:
    case 701:
      return {
        schema: typed(typeOid === 700 ? 'float32' : 'float64'),
        encode: (text) => (/^-?[\d.]+(e[+-]?\d+)?$/i.test(text) ? new JsonNumber(text) : text),
      };
    case 17:
      return {
        schema: typed('bytes'),
        encode: (text) => (text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex').toString('base64') : text),
      };
    case 1082:
      return fallback(typed('int32', 'io.debezium.time.Date'), (text) => num(microsFromTimestamp(`${text} 00:00:00`) / US_PER_DAY));
    case 1114:
      return fallback(typed('int64', 'io.debezium.time.MicroTimestamp'), (text) => num(microsFromTimestamp(text)));
    case 1184:
      return fallback(typed('string', 'io.debezium.time.ZonedTimestamp'), (text) => {
        if (!/[+-]\d{2}(:?\d{2}){0,2}$/.test(text)) throw new ValueError('no zone');
        return isoUtc(microsFromTimestamp(text));
      });
    case 1083:
      return fallback(typed('int64', 'io.debezium.time.MicroTime'), (text) => num(microsFromTime(text)));
    case 2950:
      return { schema: typed('string', 'io.debezium.data.Uuid'), encode: (text) => text };
    case 114:
    case 3802:
      return { schema: typed('string', 'io.debezium.data.Json'), encode: (text) => text };
    case 142:
      return { schema: typed('string', 'io.debezium.data.Xml'), encode: (text) => text };
    default:
      return { schema: typed('string'), encode: (text) => text };
  }
}

/** The pg_type oid a Connect field schema stands for (for `$column` typing in computed expressions; 25 text otherwise). */
export function typeOidOf(schema: ConnectSchema | undefined): number {
  if (!schema) return 25;
  switch (schema.name) {
    case 'org.apache.kafka.connect.data.Decimal':
    case 'io.debezium.data.VariableScaleDecimal':
      return 1700;
    case 'io.debezium.time.Date':
    case 'org.apache.kafka.connect.data.Date':
      return 1082;
    case 'io.debezium.time.Timestamp':
    case 'io.debezium.time.MicroTimestamp':
    case 'io.debezium.time.NanoTimestamp':
    case 'org.apache.kafka.connect.data.Timestamp':
      return 1114;
    case 'io.debezium.time.ZonedTimestamp':
      return 1184;
    case 'io.debezium.time.Time':
    case 'io.debezium.time.MicroTime':
    case 'io.debezium.time.NanoTime':
    case 'org.apache.kafka.connect.data.Time':
      return 1083;
    case 'io.debezium.time.ZonedTime':
      return 1266;
    case 'io.debezium.time.MicroDuration':
      return 1186;
    case 'io.debezium.data.Uuid':
      return 2950;
    case 'io.debezium.data.Json':
      return 3802;
    case 'io.debezium.data.Xml':
      return 142;
    default:
      break;
  }
  const byType: Record<string, number> = { boolean: 16, int8: 21, int16: 21, int32: 23, int64: 20, float32: 700, float64: 701, bytes: 17 };
  return byType[schema.type] ?? 25;
}
