/**
 * The dashboard's data API never shows a mention its platform removed: the agency view's live
 * stream, viral posts and influencers, the "Perlu dijawab" queue and an issue's page leave it out
 * once the sink applied the removal, while the counts (mention windows) stay.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgencyAnswer, AnswersAnswer, IssueAnswer } from "../../dashboard/shared/types.js";
import { type Pipeline, startPipeline } from "../../pipeline/app.js";
import { issueMentionRows } from "../../pipeline/stages/issues.js";
import { untagged } from "../../processors/tagger.js";
import { loadConfig } from "../../runtime/config.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import type { TaggedMention } from "../../schemas/types.generated.js";
import { applyMentionChanges } from "../../sinks/clickhouse/mention-changes.js";
import { taggedMentionRow } from "../../sinks/clickhouse/rows.js";
import { postWith } from "../fixtures/mentions.js";
import { freePort, tempDir } from "../support/services.js";

const AGENCY = "bmkg";
const AT = Date.now() - 30 * 60_000;
let pipeline: Pipeline;
let storage: Storage;
let base: string;

function mention(id: string, author: string): TaggedMention {
  const tags = untagged();
  tags.topics = [{ queryId: "q", agency: AGENCY }];
  tags.influence = { score: 50, tier: "micro" };
  return {
    mention: postWith({
      id,
      text: `teks ${id} antrean`,
      eventTime: AT,
      author: { id: `u-${author}`, handle: author, name: null, followers: 5000, verified: false, location: null },
    }),
    tags,
    processedTime: AT,
  };
}

beforeAll(async () => {
  const config = loadConfig({
    SIMAK_DATA_DIR: tempDir("removed-mentions"),
    SIMAK_HTTP_PORT: String(await freePort()),
    SIMAK_LOG_LEVEL: "warn",
  });
  pipeline = await startPipeline({ config, stages: ["dashboard"] });
  storage = await pipeline.context.storage();
  await storage.client.insert({
    table: storage.table("tagged_mentions"),
    values: [mention("gone", "penulis-hapus"), mention("stays", "penulis-tetap")].map((item, i) =>
      taggedMentionRow(item, { topic: "t", partition: 0, offset: String(i) }),
    ),
    format: "JSONEachRow",
  });
  await storage.client.insert({
    table: storage.table("post_virality"),
    values: ["gone", "stays"].map((id, i) => ({
      platform: "x",
      post_id: id,
      assessed_at: AT + 60_000,
      score: 90 - i,
      velocity: 1,
      acceleration: 0,
      expected_velocity: 1,
      cascade_size: 3,
      cascade_depth: 1,
      cascade_velocity: 1,
      cascade_reach: 100,
      viral: true,
      reason: "test",
      kafka_topic: "t",
      kafka_partition: 0,
      kafka_offset: i,
    })),
    format: "JSONEachRow",
  });
  await storage.client.insert({
    table: storage.table("responsiveness_items"),
    values: ["gone", "stays"].map((id) => ({
      agency: AGENCY,
      platform: "x",
      item_id: id,
      thread_id: id,
      url: `https://x.com/i/status/${id}`,
      author_handle: `penulis-${id}`,
      text: `teks ${id}`,
      kind: "question",
      probability: 0.9,
      addressed: "handle",
      asked_at: AT,
      due_at: AT + 86_400_000,
      asked_day: "2026-01-01",
      asked_week: "2026-01-01",
      time_zone: "Asia/Jakarta",
    })),
    format: "JSONEachRow",
  });
  // Both posts are about the issue "antrean" of the window ending at AT + 5 min.
  await storage.client.insert({
    table: storage.table("issue_mentions"),
    values: issueMentionRows([mention("gone", "penulis-hapus"), mention("stays", "penulis-tetap")]),
    format: "JSONEachRow",
  });
  await storage.client.insert({
    table: storage.table("issue_progress"),
    values: [{ name: "issues", window_end: Math.floor((AT + 5 * 60_000) / 60_000) * 60 }],
    format: "JSONEachRow",
  });
  base = `http://127.0.0.1:${pipeline.httpPort}/api/dashboard`;
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

async function shown() {
  const agency = (await (await fetch(`${base}/agency?id=${AGENCY}&range=24h`)).json()) as AgencyAnswer;
  const answers = (await (await fetch(`${base}/answers?agency=${AGENCY}`)).json()) as AnswersAnswer;
  const issue = (await (await fetch(`${base}/issue?agency=${AGENCY}&key=antrean`)).json()) as IssueAnswer;
  return {
    stream: agency.stream.map((item) => item.id).sort(),
    viral: agency.viralPosts.map((post) => post.postId),
    influencers: agency.influencers.map((author) => author.handle).sort(),
    answers: answers.items.map((item) => item.itemId).sort(),
    issuePosts: issue.posts.map((post) => `${post.id} ${post.handle}: ${post.text}`).sort(),
    texts: JSON.stringify({ agency, answers, issue }).includes("teks gone"),
  };
}

describe("removed mentions on the dashboard's API", () => {
  it("shows a mention until its removal, and never after", async () => {
    expect(await shown()).toEqual({
      stream: ["gone", "stays"],
      viral: ["gone", "stays"],
      influencers: ["penulis-hapus", "penulis-tetap"],
      answers: ["gone", "stays"],
      issuePosts: ["gone penulis-hapus: teks gone antrean", "stays penulis-tetap: teks stays antrean"],
      texts: true,
    });
    await applyMentionChanges(storage, [
      {
        platform: "x",
        postId: "gone",
        change: "removed",
        reason: "deleted",
        text: null,
        changedTime: Date.now(),
        source: "x-humas",
      },
    ]);
    expect(await shown()).toEqual({
      stream: ["stays"],
      viral: ["stays"],
      influencers: ["penulis-tetap"],
      answers: ["stays"],
      issuePosts: ["stays penulis-tetap: teks stays antrean"],
      texts: false,
    });
  });
});
