/**
 * When mentions happen and what they are about: the steady base stream, plus one stream per
 * scenario (an event the monitoring room should notice). Each stream draws its arrival times from
 * its own random generator, so adding a scenario leaves the base stream's timing unchanged.
 */
import type { SourceEvent } from "../../runtime/ingestor.js";
import { AGENCIES, ISSUES } from "./agencies.js";
import { ArrivalProcess, PEAK_WIB_ACTIVITY, wibActivity } from "./arrivals.js";
import {
  type CampaignScenario,
  CoordinatedCampaignStream,
  checkCampaignScenario,
  HeadlineQuotedStream,
} from "./campaigns.js";
import { agencyAt, shareOf, tone } from "./conversation.js";
import { Random } from "./random.js";
import type { ThreadItem } from "./threads.js";
import type { Topic, World } from "./world.js";

/** Extra mentions about the agency, overwhelmingly negative (a complaint wave, a scandal). */
export interface NegativeSpikeScenario {
  type: "negative-spike";
  /** An agency id from AGENCIES. */
  agency: string;
  /** Minutes after the simulation's startTime. */
  startMinute: number;
  durationMinutes: number;
  /** The agency's volume during the window, as a multiple of its usual volume (>= 1). */
  multiplier: number;
  /** Reported as truth.scenario; defaults to "negative-spike:<agency>". */
  name?: string;
}

/** More mentions about the agency with its usual mix of tones (a big announcement, a disaster). */
export interface VolumeSurgeScenario {
  type: "volume-surge";
  agency: string;
  startMinute: number;
  durationMinutes: number;
  multiplier: number;
  name?: string;
}

/** One complaint on X by a small or medium account takes off: a cascade of shares and replies. */
export interface ViralPostScenario {
  type: "viral-post";
  agency: string;
  startMinute: number;
  name?: string;
}

/**
 * A phrase people start writing about the agency at a known minute (a scripted topic, for scoring
 * issue detection): extra mentions of the agency, each with the phrase (and the hashtag, when
 * given) written into its text.
 */
export interface ScriptedTopicScenario {
  type: "scripted-topic";
  agency: string;
  startMinute: number;
  durationMinutes: number;
  /** Extra mentions a minute (at the peak of the daily rhythm). */
  perMinute: number;
  /** Written at the start of each text, e.g. "kartu peserta hilang". */
  phrase: string;
  /** Without "#"; appended to each text when given. */
  hashtag?: string;
  /** The tone of the extra mentions: "negative" (93% negative) or the agency's usual one. */
  tone?: "negative" | "usual";
  name?: string;
}

/** Coordinated campaigns and the organic look-alike of a quoted headline: campaigns.ts. */
export type Scenario =
  | NegativeSpikeScenario
  | VolumeSurgeScenario
  | ViralPostScenario
  | ScriptedTopicScenario
  | CampaignScenario;

/** Steady traffic: no scenario. */
export const DEFAULT_SCENARIOS: readonly Scenario[] = [];

/** A demonstration for the monitoring room: one of each within the first two hours. */
export const DEMO_SCENARIOS: readonly Scenario[] = [
  { type: "negative-spike", agency: "bpjs-kesehatan", startMinute: 20, durationMinutes: 30, multiplier: 6 },
  { type: "viral-post", agency: "polri", startMinute: 60 },
  { type: "volume-surge", agency: "bmkg", startMinute: 100, durationMinutes: 45, multiplier: 4 },
];

export function scenarioName(scenario: Scenario): string {
  return scenario.name ?? `${scenario.type}:${scenario.agency}`;
}

/** A source of mentions; the simulation always advances the one whose next mention is earliest. */
export interface MentionStream {
  /** Time of the next mention (fractional ms), Infinity when the stream is over. */
  readonly nextTime: number;
  emit(world: World): SourceEvent;
}

const MINUTE_MS = 60_000;
/** The tone of a negative spike. */
const SPIKE_TONE = tone(0.93, 0.02);
/** Expected number of shares and replies in a viral cascade, and when they come fastest. */
const CASCADE_SIZE = 800;
const CASCADE_PEAK_MS = 12 * MINUTE_MS;
/** The cascade dies down well within this time. */
const CASCADE_LENGTH_MS = 120 * MINUTE_MS;

/** Mentions at the times of an arrival process, all about one topic. */
class TopicStream implements MentionStream {
  constructor(
    private readonly arrivals: ArrivalProcess,
    private readonly topic: Topic,
  ) {}

  get nextTime(): number {
    return this.arrivals.nextTime;
  }

  emit(world: World): SourceEvent {
    const { event } = world.compose(Math.floor(this.arrivals.nextTime), this.topic);
    this.arrivals.advance();
    return event;
  }
}

/**
 * The viral post at its start time, then its cascade: arrivals at a rate that rises and falls
 * like t * exp(-t / peak), with CASCADE_SIZE expected arrivals in all.
 */
class ViralCascadeStream implements MentionStream {
  private readonly members: ThreadItem[] = [];
  private readonly cascade: ArrivalProcess;

  constructor(
    random: Random,
    private readonly start: number,
    private readonly agency: number,
    private readonly scenario: string,
  ) {
    const rateAt = (time: number): number => {
      const age = time - start;
      return ((CASCADE_SIZE * age) / CASCADE_PEAK_MS ** 2) * Math.exp(-age / CASCADE_PEAK_MS);
    };
    this.cascade = new ArrivalProcess(
      random,
      rateAt,
      rateAt(start + CASCADE_PEAK_MS),
      start,
      start + CASCADE_LENGTH_MS,
    );
  }

  get nextTime(): number {
    return this.members.length === 0 ? this.start : this.cascade.nextTime;
  }

  emit(world: World): SourceEvent {
    if (this.members.length === 0) {
      const { event, item } = world.viralPost(Math.floor(this.start), this.agency, this.scenario);
      this.members.push(item as ThreadItem);
      return event;
    }
    const { event, item } = world.cascade(Math.floor(this.cascade.nextTime), this.members, this.scenario);
    if (item) this.members.push(item);
    this.cascade.advance();
    return event;
  }
}

/** Mentions of a topic stream with the scripted phrase (and hashtag) written into their texts. */
class ScriptedTopicStream implements MentionStream {
  constructor(
    private readonly inner: TopicStream,
    private readonly phrase: string,
    private readonly hashtag: string | undefined,
  ) {}

  get nextTime(): number {
    return this.inner.nextTime;
  }

  emit(world: World): SourceEvent {
    const event = this.inner.emit(world);
    if (event.type !== "mention") return event;
    const mention = event.mention;
    mention.text = `${this.phrase}, ${mention.text}${this.hashtag ? ` #${this.hashtag}` : ""}`;
    if (this.hashtag && !mention.hashtags.includes(this.hashtag))
      mention.hashtags = [...mention.hashtags, this.hashtag];
    return event;
  }
}

/** Throws on an invalid scenario (the `index`-th of the list); returns its agency's index in AGENCIES. */
export function checkScenario(scenario: Scenario, index: number): number {
  const agency = AGENCIES.findIndex(({ id }) => id === scenario.agency);
  if (agency < 0) {
    const known = AGENCIES.map(({ id }) => id).join(", ");
    throw new Error(`scenario ${index}: unknown agency "${scenario.agency}" (known: ${known})`);
  }
  if (!(scenario.startMinute >= 0)) throw new RangeError(`scenario ${index}: startMinute must be >= 0`);
  if (scenario.type === "viral-post") return agency;
  if (scenario.type === "coordinated-campaign" || scenario.type === "headline-quoted") {
    checkCampaignScenario(scenario, index);
    return agency;
  }
  if (scenario.type === "scripted-topic") {
    if (!(scenario.durationMinutes > 0)) throw new RangeError(`scenario ${index}: durationMinutes must be > 0`);
    if (!(scenario.perMinute > 0)) throw new RangeError(`scenario ${index}: perMinute must be > 0`);
    if (!scenario.phrase.trim()) throw new RangeError(`scenario ${index}: phrase must not be empty`);
    if (scenario.hashtag !== undefined && !/^[\p{L}\p{N}_]+$/u.test(scenario.hashtag)) {
      throw new RangeError(`scenario ${index}: hashtag must be letters, digits or _ without "#"`);
    }
    return agency;
  }
  if (scenario.type !== "negative-spike" && scenario.type !== "volume-surge") {
    throw new Error(`scenario ${index}: unknown type "${(scenario as { type: unknown }).type}"`);
  }
  if (!(scenario.durationMinutes > 0)) throw new RangeError(`scenario ${index}: durationMinutes must be > 0`);
  if (!(scenario.multiplier >= 1)) throw new RangeError(`scenario ${index}: multiplier must be >= 1`);
  return agency;
}

export interface StreamSettings {
  seed: number;
  startTime: number;
  mentionsPerMinute: number;
  scenarios: readonly Scenario[];
}

/** The base stream followed by one stream per scenario (see checkScenario for what is rejected). */
export function createStreams({ seed, startTime, mentionsPerMinute, scenarios }: StreamSettings): MentionStream[] {
  const baseRate = mentionsPerMinute / MINUTE_MS;
  const baseRateAt = (time: number): number => baseRate * wibActivity(time);
  const base = new ArrivalProcess(new Random(seed, "arrivals"), baseRateAt, baseRate * PEAK_WIB_ACTIVITY, startTime);
  const streams: MentionStream[] = [new TopicStream(base, { agency: null, issue: null, tone: null, scenario: null })];

  scenarios.forEach((scenario, index) => {
    const agency = checkScenario(scenario, index);
    const name = scenarioName(scenario);
    const random = new Random(seed, `scenario/${index}/${name}`);
    const start = startTime + scenario.startMinute * MINUTE_MS;
    if (scenario.type === "viral-post") {
      streams.push(new ViralCascadeStream(random, start, agency, name));
      return;
    }
    if (scenario.type === "coordinated-campaign") {
      streams.push(new CoordinatedCampaignStream(random, start, agency, agencyAt(agency).shortName, scenario, name));
      return;
    }
    if (scenario.type === "headline-quoted") {
      streams.push(new HeadlineQuotedStream(random, start, agency, scenario, name));
      return;
    }
    if (scenario.type === "scripted-topic") {
      const perMs = scenario.perMinute / MINUTE_MS;
      const arrivals = new ArrivalProcess(
        random,
        (time) => (perMs * wibActivity(time)) / PEAK_WIB_ACTIVITY,
        perMs,
        start,
        start + scenario.durationMinutes * MINUTE_MS,
      );
      const topic: Topic = {
        agency,
        issue: null,
        tone: scenario.tone === "negative" ? SPIKE_TONE : null,
        scenario: name,
      };
      streams.push(new ScriptedTopicStream(new TopicStream(arrivals, topic), scenario.phrase, scenario.hashtag));
      return;
    }
    // On top of the agency's usual volume, (multiplier - 1) times as much again.
    const extra = (scenario.multiplier - 1) * shareOf(agency);
    const arrivals = new ArrivalProcess(
      random,
      (time) => extra * baseRateAt(time),
      extra * baseRate * PEAK_WIB_ACTIVITY,
      start,
      start + scenario.durationMinutes * MINUTE_MS,
    );
    const topic: Topic =
      scenario.type === "negative-spike"
        ? // A complaint wave is about one thing.
          { agency, issue: ISSUES[random.pick(agencyAt(agency).issues)], tone: SPIKE_TONE, scenario: name }
        : { agency, issue: null, tone: null, scenario: name };
    streams.push(new TopicStream(arrivals, topic));
  });
  return streams;
}
