/**
 * The embedded pipeline (in-process bus and state, chdb) fed by the simulator: its questions to
 * agencies become responsiveness items, and its official answers answer them, with the times the
 * simulator's ground truth gives.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSyntheticIngestor } from "../../ingestors/synthetic/index.js";
import { localWeek } from "../../processors/responsiveness/index.js";
import { type Pipeline, startPipeline } from "../../runtime/app.js";
import { loadConfig } from "../../runtime/config.js";
import type { SourceEvent } from "../../runtime/ingestor.js";
import { tempDir } from "../support/services.js";

const HOUR = 3_600_000;
/** Monday 08:00 WIB two weeks ago: inside every TTL, and every due time has passed. */
const START = Date.parse(`${localWeek(Date.now() - 14 * 24 * HOUR, "Asia/Jakarta")}T01:00:00Z`);

let pipeline: Pipeline;
const truth = new Map<string, { agency: string | null; asks: boolean; answerTo?: string; at: number }>();

beforeAll(async () => {
  const config = loadConfig({ SIMAK_DATA_DIR: tempDir("responsiveness-embedded"), SIMAK_LOG_LEVEL: "warn" });
  const simulator = createSyntheticIngestor({ speed: 0, mentionsPerMinute: 40, maxMentions: 4000, startTime: START });
  // Remember the simulator's ground truth as the events pass on to the ingest stage.
  const ingestor = {
    ...simulator,
    name: simulator.name,
    async *events(signal: AbortSignal): AsyncIterable<SourceEvent> {
      for await (const event of simulator.events(signal)) {
        if (event.type === "mention" && event.truth) {
          const { agency, asks = false, answerTo } = event.truth;
          truth.set(event.mention.id, { agency, asks, answerTo, at: event.mention.eventTime });
        }
        yield event;
      }
    },
  };
  pipeline = await startPipeline({
    config,
    stages: ["responsiveness", "process", "ingest"],
    ingestor,
    http: false,
    logger: pino({ level: "warn" }),
  });
  await pipeline.ingestFinished;
  await pipeline.drained();
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

describe("responsiveness in the embedded pipeline", () => {
  it("queues the simulator's questions and records the official answers' times", async () => {
    const storage = await pipeline.context.storage();
    const result = await storage.client.query({
      query: `SELECT agency, item_id, status, answer_id, toUnixTimestamp64Milli(asked_at) AS asked, seconds_to_answer
              FROM ${storage.table("responsiveness_queue")}`,
      format: "JSONEachRow",
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    const queue = await result.json<{
      agency: string;
      item_id: string;
      status: string;
      answer_id: string | null;
      asked: number;
      seconds_to_answer: number | null;
    }>();
    const questions = [...truth].filter(([, t]) => t.asks);
    // The simulator's answer to each question, by question id.
    const answers = new Map(
      [...truth].filter(([, t]) => t.answerTo).map(([id, t]) => [t.answerTo as string, { id, at: t.at }]),
    );
    expect(questions.length).toBeGreaterThan(30);
    expect(answers.size).toBeGreaterThan(15);

    // An item may be addressed to several agencies (a handle, another agency's query): one row each.
    const queued = new Map(queue.map((row) => [`${row.agency}/${row.item_id}`, row]));
    const found = questions.filter(([id, t]) => queued.has(`${t.agency}/${id}`));
    // The classifier reads nearly all of the simulator's questions as asking.
    expect(found.length / questions.length).toBeGreaterThan(0.9);
    for (const [id, question] of found) {
      const row = queued.get(`${question.agency}/${id}`) as (typeof queue)[number];
      expect(row.asked).toBe(question.at);
      const answer = answers.get(id);
      if (answer) {
        // Answered, by this answer or an earlier official reply in the same thread.
        expect(row.status, id).toBe("answered");
        expect(row.seconds_to_answer as number).toBeLessThanOrEqual((answer.at - question.at) / 1000);
        if (row.answer_id === answer.id) expect(row.seconds_to_answer).toBe((answer.at - question.at) / 1000);
      } else {
        expect(["answered", "overdue"], id).toContain(row.status);
      }
    }
    const statuses = new Set(queue.map((row) => row.status));
    expect(statuses).toContain("answered");
    expect(statuses).toContain("overdue");
  });
});
