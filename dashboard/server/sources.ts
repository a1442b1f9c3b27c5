/**
 * The Sumber page's data: each source's health from what the ingest stage stores of it (its status
 * and checkpoints, pipeline/stages/source-state.ts), read by the pipeline and handed over as
 * readings (the dashboard does not read the sources file or the state store's layout itself).
 */
import type { SourceHealth, SourceState } from "../shared/types.js";

/** What is known of one source: its entry's id, type and expected silence, and its stored status. */
export interface SourceReading {
  id: string;
  type: string;
  expectedSilenceMs: number | null;
  status: {
    updatedAt: number;
    lastItemAt: number | null;
    newestEventTime: number | null;
    itemsLastHour: number;
    invalidLastHour: number;
    rateLimitedUntil: number | null;
    requestErrorsLastHour?: number;
    rateLimitedSecondsLastHour?: number;
  } | null;
  /** The last successful fetch its checkpoints record (a feed polled, even with nothing new). */
  lastFetchAt: number | null;
  lastError: { at: number; text: string } | null;
}

/** Reads every source of the sources file; absent when no sources file is set. */
export type SourceReadings = () => Promise<SourceReading[]>;

export function sourceHealth(reading: SourceReading, now: number): SourceHealth {
  const { status } = reading;
  const lastSuccessAt = Math.max(status?.lastItemAt ?? 0, reading.lastFetchAt ?? 0) || null;
  const silentMs = lastSuccessAt === null ? null : now - lastSuccessAt;
  const silentForMs =
    silentMs !== null && reading.expectedSilenceMs !== null && silentMs > reading.expectedSilenceMs ? silentMs : null;
  const rateLimitedUntil = status?.rateLimitedUntil && status.rateLimitedUntil > now ? status.rateLimitedUntil : null;
  const deadLetters = status?.invalidLastHour ?? 0;
  const requestErrors = status?.requestErrorsLastHour ?? 0;
  const erring =
    deadLetters > 0 ||
    requestErrors > 0 ||
    (reading.lastError !== null && (lastSuccessAt === null || reading.lastError.at > lastSuccessAt));
  let state: SourceState;
  if (lastSuccessAt === null && status === null) state = reading.lastError ? "errors" : "waiting";
  else if (silentForMs !== null) state = "silent";
  else if (rateLimitedUntil !== null) state = "rateLimited";
  else if (erring) state = "errors";
  else state = lastSuccessAt === null ? "waiting" : "ok";
  return {
    id: reading.id,
    type: reading.type,
    state,
    lastSuccessAt,
    itemsLastHour: status?.itemsLastHour ?? 0,
    lagSeconds: status?.newestEventTime ? Math.round((now - status.newestEventTime) / 1000) : null,
    rateLimitedUntil,
    rateLimitedSecondsLastHour: status?.rateLimitedSecondsLastHour ?? 0,
    deadLettersLastHour: deadLetters,
    requestErrorsLastHour: requestErrors,
    lastError: reading.lastError ? `${new Date(reading.lastError.at).toISOString()} ${reading.lastError.text}` : null,
    expectedSilenceMs: reading.expectedSilenceMs,
    silentForMs,
  };
}
