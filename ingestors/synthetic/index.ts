/**
 * The synthetic ingestor: a deterministic simulator of Indonesian social media talking about
 * government agencies, for demos, load tests and end-to-end tests with known ground truth.
 * See README.md for the options and scenarios.
 */
import type { Ingestor, SourceEvent } from "../../runtime/ingestor.js";
import { assertValidSpeed, paceEvents } from "../../runtime/pace.js";
import { checkScenario, DEFAULT_SCENARIOS, type Scenario } from "./scenarios.js";
import { simulate } from "./simulation.js";

export { AGENCIES, type Agency, ISSUES, type Issue, type IssueId } from "./agencies.js";
export {
  COORDINATION_DAY_SCENARIOS,
  type CoordinatedCampaignScenario,
  type HeadlineQuotedScenario,
} from "./campaigns.js";
export {
  DEFAULT_SCENARIOS,
  DEMO_SCENARIOS,
  type NegativeSpikeScenario,
  type Scenario,
  type ScriptedTopicScenario,
  scenarioName,
  type ViralPostScenario,
  type VolumeSurgeScenario,
} from "./scenarios.js";

export interface SyntheticOptions {
  /** Ingestor instance name, stamped on every event as `source`. Default "synthetic". */
  name?: string;
  /** Same seed and options, same event sequence. Default 42. */
  seed?: number;
  /** Epoch ms of the simulated start. Default Monday 2 June 2025, 08:00 WIB; pass Date.now() for live runs. */
  startTime?: number;
  /** Average mentions per minute over 08:00-22:00 WIB, without scenarios. Default 600. */
  mentionsPerMinute?: number;
  /** Stop after exactly this many mentions. Default: never. */
  maxMentions?: number;
  /** Number of ordinary people's accounts (news portals and agencies come on top). Default 5000. */
  authors?: number;
  /** Pace: 1 = real time, 60 = a simulated minute per second, 0 = as fast as possible. Default 1. */
  speed?: number;
  /** Default DEFAULT_SCENARIOS (none). */
  scenarios?: readonly Scenario[];
}

/** Defaults of every option but maxMentions (unset: never stop). */
export const SYNTHETIC_DEFAULTS = {
  name: "synthetic",
  seed: 42,
  // Monday 2 June 2025, 08:00 WIB.
  startTime: Date.UTC(2025, 5, 2, 1, 0, 0),
  mentionsPerMinute: 600,
  authors: 5000,
  speed: 1,
  scenarios: DEFAULT_SCENARIOS,
} as const satisfies SyntheticOptions;

export function createSyntheticIngestor(options: SyntheticOptions = {}): Ingestor {
  const settings = { ...SYNTHETIC_DEFAULTS, ...withoutUndefined(options) };
  const { mentionsPerMinute, maxMentions, authors, speed } = settings;
  if (!(mentionsPerMinute >= 0 && Number.isFinite(mentionsPerMinute))) {
    throw new RangeError(`mentionsPerMinute must be a finite number >= 0, got ${mentionsPerMinute}`);
  }
  if (maxMentions !== undefined && !(Number.isInteger(maxMentions) && maxMentions >= 0)) {
    throw new RangeError(`maxMentions must be an integer >= 0, got ${maxMentions}`);
  }
  if (!(Number.isInteger(authors) && authors >= 1)) {
    throw new RangeError(`authors must be an integer >= 1, got ${authors}`);
  }
  if (!Number.isFinite(settings.startTime)) {
    throw new RangeError(`startTime must be epoch ms, got ${settings.startTime}`);
  }
  assertValidSpeed(speed);
  settings.scenarios.forEach(checkScenario);
  return {
    name: settings.name,
    // Never ahead of the wall clock: from a start in the past it runs at `speed` until it reaches
    // the present, then in real time (event times in the future are refused downstream).
    events: (signal) =>
      paceEvents(speed > 0 ? seenOnRelease(simulate(settings)) : simulate(settings), speed, signal, { notAhead: true }),
  };
}

/**
 * A paced run releases each mention at its event time, so that is when the ingestor sees it; the
 * modelled ingest delay would put ingestTime in the future. Unpaced runs keep the modelled delay.
 */
function* seenOnRelease(events: Iterable<SourceEvent>): Generator<SourceEvent> {
  for (const event of events) {
    yield event.type === "mention"
      ? { ...event, mention: { ...event.mention, ingestTime: event.mention.eventTime } }
      : event;
  }
}

/** Options given as undefined mean "default", as if they were left out. */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
