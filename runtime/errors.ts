/** Typed error codes: every error a stage reports to a dead letter or a log carries one. */
export const ErrorCode = {
  /** Bytes without the Confluent wire header or with an unknown schema id. */
  BadWireFormat: "BAD_WIRE_FORMAT",
  /** The Avro body does not decode with the schema its id names. */
  SchemaViolation: "SCHEMA_VIOLATION",
  /** The writer's schema lacks fields the reader requires (no defaults to fill them). */
  IncompatibleSchema: "INCOMPATIBLE_SCHEMA",
  /** Decoded, but required content is empty or out of range. */
  MissingRequiredFields: "MISSING_REQUIRED_FIELDS",
  /** A count that is negative or not a whole number (engagement, followers, web traffic). */
  InvalidCount: "INVALID_COUNT",
  /** An id (or another key used as one) longer than the 512 bytes any platform's ids fit in. */
  IdTooLong: "ID_TOO_LONG",
  /** An event time before 2000-01-01 (seconds for milliseconds) or more than 5 minutes ahead of now. */
  EventTimeOutOfRange: "EVENT_TIME_OUT_OF_RANGE",
  /** A text longer than 64 KiB, beyond any platform's post limit. */
  TextTooLong: "TEXT_TOO_LONG",
  /** Thread fields that contradict each other (a root naming another root, a reply without its root, ...). */
  InconsistentThread: "INCONSISTENT_THREAD",
  /** A record that, encoded, would exceed the broker's message size. */
  RecordTooLarge: "RECORD_TOO_LARGE",
  /** A record that threw while a stage handled it; the rest of its batch went on. */
  RecordFailed: "RECORD_FAILED",
  /** ClickHouse refused the row for its content (cannot parse, type mismatch, value too large, ...). */
  StorageRejected: "STORAGE_REJECTED",
  /** The registry refused a schema as incompatible with the subject's earlier versions. */
  SchemaRegistrationRefused: "SCHEMA_REGISTRATION_REFUSED",
  /** The schema registry failed or timed out on a lookup: the batch is retried, nothing is dead-lettered. */
  RegistryUnavailable: "REGISTRY_UNAVAILABLE",
  /** An alert rules file that does not load: bad YAML, an invalid rule or channel, a missing env variable. */
  InvalidAlertConfig: "INVALID_ALERT_CONFIG",
  /** A notification channel did not accept an alert (network error, non-2xx answer); it is retried. */
  NotifyDeliveryFailed: "NOTIFY_DELIVERY_FAILED",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class SimakError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SimakError";
  }
}
