/**
 * Removals and edits through the whole embedded pipeline (in-process bus and state, chdb): a
 * source yields two posts, an edit of one and a removal of the other; the ingest stage produces
 * them to simak.mentions.changes, and the sink, whichever arrives first (the change goes straight
 * to it, the mention through the process stage), stores the edited text and erases the removed
 * post's text and author. One row per post.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "../../pipeline/app.js";
import { loadConfig } from "../../runtime/config.js";
import { editEvent, type Ingestor, removalEvent, type SourceEvent } from "../../runtime/ingestor.js";
import { postWith } from "../fixtures/mentions.js";
import { tempDir } from "../support/services.js";

let pipeline: Pipeline;
const AT = Date.now() - 10 * 60_000;

beforeAll(async () => {
  const config = loadConfig({ SIMAK_DATA_DIR: tempDir("changes-embedded"), SIMAK_LOG_LEVEL: "warn" });
  const author = (handle: string) => ({
    id: `u-${handle}`,
    handle,
    name: handle,
    followers: 10,
    verified: false,
    location: null,
  });
  const source: Ingestor = {
    name: "x-humas",
    async *events(): AsyncIterable<SourceEvent> {
      yield {
        type: "mention",
        mention: postWith({ id: "e1", eventTime: AT, text: "antrean panjang", author: author("warga1") }),
      };
      yield {
        type: "mention",
        mention: postWith({ id: "r1", eventTime: AT, text: "akan dihapus", author: author("warga2") }),
      };
      yield editEvent("x-humas", "x", "e1", "antrean panjang sekali", AT + 60_000);
      yield removalEvent("x-humas", "x", "r1", "deleted", AT + 120_000);
    },
  };
  pipeline = await startPipeline({
    config,
    stages: ["sink", "process", "ingest"],
    ingestor: source,
    http: false,
    logger: pino({ level: "warn" }),
  });
  await pipeline.ingestFinished;
  await pipeline.drained();
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

describe("removals and edits in the embedded pipeline", () => {
  it("stores the edit's text and erases the removed post, one row each", async () => {
    const storage = await pipeline.context.storage();
    const result = await storage.client.query({
      query: `SELECT id, text, author_handle, author_name, removed_at IS NOT NULL AS removed, edited_at IS NOT NULL AS edited
              FROM ${storage.table("tagged_mentions")} ORDER BY id`,
      format: "JSONEachRow",
    });
    expect(await result.json()).toEqual([
      {
        id: "e1",
        text: "antrean panjang sekali",
        author_handle: "warga1",
        author_name: "warga1",
        removed: 0,
        edited: 1,
      },
      { id: "r1", text: "", author_handle: "", author_name: null, removed: 1, edited: 0 },
    ]);
    const changes = await storage.client.query({
      query: `SELECT post_id, change, reason FROM ${storage.table("mention_changes")} ORDER BY post_id`,
      format: "JSONEachRow",
    });
    expect(await changes.json()).toEqual([
      { post_id: "e1", change: "edited", reason: "edited" },
      { post_id: "r1", change: "removed", reason: "deleted" },
    ]);
  });
});
