/** Debezium's event format, both ways: Debezium Server's HTTP sink in, NATS JetStream out. */
export {
  comparePositions,
  decodeDebeziumJson,
  decodeDebeziumValue,
  DebeziumFormatError,
  DEFAULT_PLACEHOLDER,
  RelationCache,
  type DecodedEvent,
  type DecodeOptions,
  type EventPosition,
} from './format.js';
export { encodeDebeziumEvent, encodeTransaction, type EncodeOptions } from './encode.js';
export { DebeziumHttpSource, naturalLsn, type DebeziumHttpSourceOptions } from './http-source.js';
export { NatsJetStreamPublisher, type NatsPublisherOptions } from './nats-publisher.js';
export {
  startDebeziumIngest,
  startNatsPublisher,
  type DebeziumIngestHandle,
  type PipelineHandle,
  type StartDebeziumIngestOptions,
  type StartNatsPublisherOptions,
} from './ingest.js';
export { JsonNumber, parseJson, stringifyJson, type JsonValue } from './json.js';
export { columnEncoding, valueToText, type ConnectSchema } from './values.js';
