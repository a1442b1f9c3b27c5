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
