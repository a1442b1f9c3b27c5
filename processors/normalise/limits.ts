/**
 * The bounds every incoming record is held to, shared by the mention normaliser and the checks of
 * engagement snapshots and web traffic events (wherever those are consumed). Each check returns
 * the rejection (error code and reason) or null; `now` is passed in so tests fix the clock.
 */
import { ErrorCode, SimakError } from "../../runtime/errors.js";
import type { EngagementEvent, WebTrafficEvent } from "../../schemas/types.generated.js";

/** Events before this are certainly a unit mistake (seconds for milliseconds). */
export const EARLIEST_EVENT_TIME = Date.UTC(2000, 0, 1);
/** Clock skew tolerated between a source and us; anything later is a wrong time, not news. */
export const EVENT_TIME_MAX_AHEAD_MS = 5 * 60_000;
/** Platform ids are tens of bytes; 512 leaves room for composite ids and stays far from URL limits. */
export const MAX_ID_BYTES = 512;
/** The longest platform posts (Facebook's 63,206 characters) fit; a longer text is not a post. */
export const MAX_TEXT_BYTES = 64 * 1024;

export interface Rejection {
  code: ErrorCode;
  reason: string;
}

/** Throws the rejection as a SimakError (its code becomes the dead letter's), if there is one. */
export function throwIfRejected(rejection: Rejection | null): void {
  if (rejection) throw new SimakError(rejection.code, rejection.reason);
}

export function countsProblem(counts: Record<string, number>): Rejection | null {
  for (const [name, count] of Object.entries(counts)) {
    if (!Number.isSafeInteger(count) || count < 0) {
      return { code: ErrorCode.InvalidCount, reason: `${name} is ${count}; expected a whole number of at least 0` };
    }
  }
  return null;
}

/** `ids`: name -> value of every id or key used as one (null: absent, fine). */
export function idsProblem(ids: Record<string, string | null>): Rejection | null {
  for (const [name, id] of Object.entries(ids)) {
    // A string's UTF-8 length is at least its UTF-16 length: only long strings need counting.
    if (id !== null && id.length > MAX_ID_BYTES / 3 && Buffer.byteLength(id) > MAX_ID_BYTES) {
      return {
        code: ErrorCode.IdTooLong,
        reason: `${name} is ${Buffer.byteLength(id)} bytes; at most ${MAX_ID_BYTES}`,
      };
    }
  }
  return null;
}

export function eventTimeProblem(eventTime: number, now: number): Rejection | null {
  if (eventTime < EARLIEST_EVENT_TIME) {
    return {
      code: ErrorCode.EventTimeOutOfRange,
      reason: `eventTime ${eventTime} is before 2000-01-01; expected epoch milliseconds`,
    };
  }
  if (eventTime > now + EVENT_TIME_MAX_AHEAD_MS) {
    return {
      code: ErrorCode.EventTimeOutOfRange,
      reason: `eventTime ${new Date(eventTime).toISOString()} is more than 5 minutes after now (${new Date(now).toISOString()})`,
    };
  }
  return null;
}

export function textProblem(text: string): Rejection | null {
  if (text.length > MAX_TEXT_BYTES / 3 && Buffer.byteLength(text) > MAX_TEXT_BYTES) {
    return {
      code: ErrorCode.TextTooLong,
      reason: `text is ${Buffer.byteLength(text)} bytes; at most ${MAX_TEXT_BYTES}`,
    };
  }
  return null;
}

/** The first problem of an engagement snapshot, or null. */
export function engagementProblem(event: EngagementEvent, now: number): Rejection | null {
  const { likes, shares, replies, views, clicks } = event;
  return (
    idsProblem({ postId: event.postId, source: event.source }) ??
    eventTimeProblem(event.eventTime, now) ??
    countsProblem({ likes, shares, replies, views, clicks })
  );
}

/** The first problem of a web traffic event, or null. */
export function webEventProblem(event: WebTrafficEvent, now: number): Rejection | null {
  return (
    idsProblem({
      id: event.id,
      site: event.site,
      agency: event.agency,
      visitorId: event.visitorId,
      source: event.source,
    }) ??
    eventTimeProblem(event.eventTime, now) ??
    countsProblem({ count: event.count })
  );
}
