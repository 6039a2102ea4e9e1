/** Debezium's event format, both ways: Debezium Server's HTTP sink or a JetStream stream in, NATS JetStream out. */
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
export { TransactionGrouper, type Settlement, type TransactionGrouperOptions } from './grouping.js';
export { NatsJetStreamPublisher, type NatsPublisherOptions } from './nats-publisher.js';
export { DebeziumNatsSource, type DebeziumNatsSourceOptions } from './nats-source.js';
export {
  startDebeziumIngest,
  startDebeziumNatsIngest,
  startNatsPublisher,
  type DebeziumIngestHandle,
  type DebeziumNatsIngestHandle,
  type StartDebeziumNatsIngestOptions,
  type PipelineHandle,
  type StartDebeziumIngestOptions,
  type StartNatsPublisherOptions,
} from './ingest.js';
export { JsonNumber, parseJson, stringifyJson, type JsonValue } from './json.js';
export { columnEncoding, valueToText, type ConnectSchema } from './values.js';
