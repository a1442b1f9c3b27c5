/**
 * The event loop of the simulator: merges the mention streams with the scheduled engagement
 * snapshots into one sequence in non-decreasing eventTime order. Pure: no clock, no Math.random,
 * so the same settings always give the same sequence.
 */
import type { SourceEvent } from "../../runtime/ingestor.js";
import { createStreams, type MentionStream, type Scenario } from "./scenarios.js";
import { World } from "./world.js";

export interface SimulationSettings {
  name: string;
  seed: number;
  startTime: number;
  mentionsPerMinute: number;
  /** Stop right after this many mentions; unset: run for ever. */
  maxMentions?: number;
  authors: number;
  scenarios: readonly Scenario[];
}

export function* simulate(settings: SimulationSettings): Generator<SourceEvent, void, undefined> {
  const world = new World(settings.name, settings.seed, settings.authors);
  const streams = createStreams(settings);
  const maxMentions = settings.maxMentions ?? Number.POSITIVE_INFINITY;
  let mentions = 0;
  while (mentions < maxMentions) {
    let earliest: MentionStream | undefined;
    for (const stream of streams) {
      if (stream.nextTime < (earliest?.nextTime ?? Number.POSITIVE_INFINITY)) earliest = stream;
    }
    // Mentions happen at whole milliseconds; at a tie the mention goes first, so the snapshot counts it.
    const mentionTime = earliest === undefined ? Number.POSITIVE_INFINITY : Math.floor(earliest.nextTime);
    // Official answers to earlier questions (questions.ts) are mentions too, due at their own time.
    const answerTime = world.nextAnswerTime;
    if (world.nextSnapshotTime < Math.min(mentionTime, answerTime)) {
      yield world.takeSnapshot();
    } else if (answerTime < mentionTime) {
      yield world.takeAnswer().event;
      mentions++;
    } else if (earliest !== undefined) {
      yield earliest.emit(world);
      mentions++;
    } else {
      return;
    }
  }
}
