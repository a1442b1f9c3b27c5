/**
 * One line of a replay file to one source event. A line holds a Mention, an EngagementEvent
 * marked with "type": "engagement", a WebTrafficEvent marked with "type": "web" or a MentionChange
 * (a post removed or edited on its platform) marked with "type": "change"; anything else becomes an `invalid` event with the reason, so
 * that one bad line goes to the dead-letter topic and the replay goes on. Events are held to the
 * bounds their consumers apply (processors/normalise), so a bad one is refused here, once, and a
 * record the broker would refuse is never produced.
 */
import {
  engagementProblem,
  eventTimeProblem,
  idsProblem,
  normaliseMention,
  textProblem,
  webEventProblem,
} from "../../processors/normalise/index.js";
import { MAX_RECORD_BYTES } from "../../runtime/context.js";
import { ErrorCode } from "../../runtime/errors.js";
import type { SourceEvent } from "../../runtime/ingestor.js";
import { type Contract, contracts } from "../../schemas/contracts.js";
import type { EngagementEvent, Mention, MentionChange, WebTrafficEvent } from "../../schemas/types.generated.js";
import { invalidPaths, withAvroDefaults } from "./avro-defaults.js";

export const REPLAY_ERROR_CODES = {
  badJson: "REPLAY_BAD_JSON",
  schemaViolation: "REPLAY_SCHEMA_VIOLATION",
  unknownType: "REPLAY_UNKNOWN_TYPE",
  invalidUtf8: "REPLAY_INVALID_UTF8",
  lineTooLong: "REPLAY_LINE_TOO_LONG",
} as const;

/**
 * The line's `type` marker: absent (or "mention") for a Mention, "engagement" for an
 * EngagementEvent, "web" for a WebTrafficEvent, "change" for a MentionChange.
 */
const ENGAGEMENT_MARKER = "engagement";
const MENTION_MARKER = "mention";
const WEB_MARKER = "web";
const CHANGE_MARKER = "change";

function describeJson(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

/**
 * `position` is the 1-based line number and `origin` the file, both reported with invalid lines;
 * `source` fills a missing `source` field; `now` is the clock event times are checked against.
 */
export function parseReplayLine(
  raw: string,
  position: number,
  origin: string,
  source: string,
  now = Date.now(),
): SourceEvent {
  const invalid = (errorCode: string, reason: string): SourceEvent => ({
    type: "invalid",
    origin,
    position,
    raw,
    errorCode,
    reason,
  });

  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return invalid(REPLAY_ERROR_CODES.badJson, `not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return invalid(REPLAY_ERROR_CODES.schemaViolation, `expected a JSON object, got ${describeJson(parsed)}`);
  }

  const { type: marker, ...fields } = parsed as Record<string, unknown>;
  let contract: Contract;
  if (marker === ENGAGEMENT_MARKER) {
    contract = contracts.EngagementEvent;
  } else if (marker === WEB_MARKER) {
    contract = contracts.WebTrafficEvent;
  } else if (marker === CHANGE_MARKER) {
    contract = contracts.MentionChange;
  } else if (marker === undefined || marker === MENTION_MARKER) {
    contract = contracts.Mention;
    // A file of posts often has no ingest time: replaying is seeing them at their event time.
    if (fields.ingestTime === undefined) fields.ingestTime = fields.eventTime;
  } else {
    const expected = `expected none or "${MENTION_MARKER}" for a Mention, "${ENGAGEMENT_MARKER}" for an EngagementEvent, "${WEB_MARKER}" for a WebTrafficEvent, "${CHANGE_MARKER}" for a MentionChange`;
    return invalid(REPLAY_ERROR_CODES.unknownType, `unknown "type" ${JSON.stringify(marker)}: ${expected}`);
  }
  if (fields.source === undefined) fields.source = source;

  const undeclared: string[] = [];
  const value = withAvroDefaults(contract.type, fields, undeclared);
  const wrong = invalidPaths(contract.type, value);
  if (wrong.length > 0 || undeclared.length > 0) {
    const problems = [];
    if (wrong.length > 0) problems.push(`missing or invalid fields: ${wrong.join(", ")}`);
    if (undeclared.length > 0) problems.push(`undeclared fields: ${undeclared.join(", ")}`);
    return invalid(REPLAY_ERROR_CODES.schemaViolation, `not a valid ${contract.name}: ${problems.join("; ")}`);
  }
  let event: SourceEvent;
  let problem: { code: string; reason: string } | null;
  if (contract.name === "EngagementEvent") {
    event = { type: "engagement", engagement: value as EngagementEvent };
    problem = engagementProblem(event.engagement, now);
  } else if (contract.name === "WebTrafficEvent") {
    event = { type: "web", web: value as WebTrafficEvent };
    problem = webEventProblem(event.web, now);
  } else if (contract.name === "MentionChange") {
    const change = value as MentionChange;
    event = { type: "change", change };
    problem =
      idsProblem({ postId: change.postId }) ??
      eventTimeProblem(change.changedTime, now) ??
      (change.text === null ? null : textProblem(change.text));
  } else {
    event = { type: "mention", mention: value as Mention };
    // Only checked: the process stage normalises what is produced.
    const normalised = normaliseMention(event.mention, now);
    problem = normalised.ok ? null : normalised;
  }
  if (problem) return invalid(problem.code, problem.reason);
  // An Avro record is no larger than its JSON (no field names, strings as they are).
  const bytes = Buffer.byteLength(raw);
  if (bytes > MAX_RECORD_BYTES) {
    return invalid(ErrorCode.RecordTooLarge, `line of ${bytes} bytes makes a record over the broker's limit`);
  }
  return event;
}
