/**
 * Which ClickHouse errors are about the data of an insert (a value that does not parse, does not
 * fit its type or is too large), as opposed to the server, the network or the load. Only these
 * are worth bisecting a flush for: retrying a data error fails the same way forever, while any
 * other error must fail the flush so that its batches are redelivered and nothing is lost.
 */

/** ClickHouse error names (src/Common/ErrorCodes.cpp) that a row's content causes. */
const DATA_ERRORS = new Set([
  "CANNOT_PARSE_TEXT",
  "CANNOT_PARSE_ESCAPE_SEQUENCE",
  "CANNOT_PARSE_QUOTED_STRING",
  "CANNOT_PARSE_INPUT_ASSERTION_FAILED",
  "CANNOT_PARSE_DATE",
  "CANNOT_PARSE_DATETIME",
  "CANNOT_PARSE_NUMBER",
  "CANNOT_PARSE_BOOL",
  "CANNOT_PARSE_UUID",
  "CANNOT_PARSE_IPV4",
  "CANNOT_PARSE_IPV6",
  "CANNOT_READ_ARRAY_FROM_TEXT",
  "CANNOT_CONVERT_TYPE",
  "CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN",
  "TYPE_MISMATCH",
  "INCORRECT_DATA",
  "TOO_LARGE_STRING_SIZE",
  "TOO_LARGE_ARRAY_SIZE",
  "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE",
  "ARGUMENT_OUT_OF_BOUND",
  "DECIMAL_OVERFLOW",
  "UNKNOWN_ELEMENT_OF_ENUM",
]);

/**
 * Whether ClickHouse refused the insert for its data. Both the server client and the embedded
 * (chdb) one raise errors carrying the error's name as `type`.
 */
export function isDataError(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === "string" && DATA_ERRORS.has(type);
}
