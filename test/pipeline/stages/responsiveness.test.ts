/**
 * The responsiveness stage on embedded ClickHouse (chdb), fed hand-made partition batches through a
 * bus that hands them to the stage directly, so redeliveries, restarts and the order of questions and
 * answers across partitions are chosen by the test. Answer times and statuses are computed by hand.
 */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { everyMinute, readPostEvents } from "../../../pipeline/stages/minute-aggregates.js";
import { startResponsivenessStage, workingHoursOf } from "../../../pipeline/stages/responsiveness.js";
import { AccountRegistry } from "../../../processors/accounts/index.js";
import { compileAlertConfig, runDetector } from "../../../processors/alerts/index.js";
import { localWeek } from "../../../processors/responsiveness/working-hours.js";
import type { Bus, RecordBatch } from "../../../runtime/bus/bus.js";
import { ConfigError, loadConfig } from "../../../runtime/config.js";
import { type PipelineContext, type StageHandle, topicName } from "../../../runtime/context.js";
import { PipelineMetrics } from "../../../runtime/metrics.js";
import { AvroCodec, createRegistryClient } from "../../../runtime/serde.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import { contracts } from "../../../schemas/contracts.js";
import type { AccountTag, Mention, TaggedMention } from "../../../schemas/types.generated.js";
import { byRole } from "../../fixtures/responsiveness.js";
import { useMigratedStorage } from "../../support/storage.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Monday 09:00 WIB (02:00 UTC) three weeks ago: long past every due time, well inside the TTL. */
const MONDAY = Date.parse(`${localWeek(Date.now() - 21 * 24 * HOUR, "Asia/Jakarta")}T02:00:00Z`);
const NOW = Date.now();
const AGENCY = "bpjs-kesehatan";
const registry = new AccountRegistry({
  agencies: [{ id: AGENCY, name: "BPJS Kesehatan", accounts: { x: [{ handle: "BPJSKesehatanRI" }] } }],
});
const official = { id: "o1", handle: "BPJSKesehatanRI", name: null, followers: 1000, verified: true, location: null };

const item = (mention: Partial<Mention>, role: AccountTag["role"]) => byRole(mention, role, AGENCY);

const reply = (id: string, at: number, text: string, parentId = "r1", rootId = "r1") =>
  item({ id, kind: "reply", eventTime: at, text, parentId, rootId }, "audience_response");
const answer = (id: string, at: number, parentId: string, rootId = "r1") =>
  item(
    { id, kind: "reply", eventTime: at, author: official, parentId, rootId, text: "Halo kak, sudah kami bantu cek ya" },
    "official",
  );

/**
 * Partition 0 holds the questions, partition 1 the answers: the answer to q2 (a2) may be stored
 * before q2 itself.
 */
const PARTITIONS: TaggedMention[][] = [
  [
    reply("q1", MONDAY, "min kapan bansos tahap 2 cair"),
    reply("n1", MONDAY + 5 * MIN, "terima kasih min, sangat membantu"),
    reply("q2", MONDAY + HOUR, "tolong dicek min, kartu saya nonaktif padahal rutin bayar"),
    reply("q5", MONDAY + 2 * HOUR, "min jadwal pelayanan hari sabtu jam berapa", "r3", "r3"),
    // Friday 15:00 WIB, a post naming the official handle: due Monday 11:00 WIB, never answered.
    item(
      {
        id: "q3",
        eventTime: MONDAY + 4 * 24 * HOUR + 6 * HOUR,
        text: "@BPJSKesehatanRI gimana cara daftar bpjs mandiri buat bayi",
        mentionedHandles: ["BPJSKesehatanRI"],
      },
      "other",
    ),
    // Asked now: due at least 4 hours from now, so still open.
    reply("q4", NOW, "kak kok klaim saya belum diproses sampai sekarang", "r2", "r2"),
  ],
  [
    answer("a1", MONDAY + 45 * MIN, "q1"),
    // In the same thread at any depth: answers q2 (asked 10:00), not q1 (answered already).
    answer("a2", MONDAY + 6 * HOUR, "x7"),
  ],
];

interface Instance {
  stage: StageHandle;
  deliver(partition: number, from: number, to: number): Promise<void>;
}

const storage = useMigratedStorage({ database: "responsiveness" });

async function startInstance(): Promise<Instance> {
  const config = loadConfig({});
  const codec = new AvroCodec(createRegistryClient(config));
  const topic = topicName(config, "mentionsTagged");
  const schemaId = await codec.register(topic, contracts.TaggedMention);
  let onBatch: ((batch: RecordBatch) => Promise<void>) | undefined;
  const bus: Bus = {
    kind: "memory",
    ensureTopics: async () => {},
    progress: async () => [],
    producer: async () => ({ send: async () => {}, sendMany: async () => {}, close: async () => {} }),
    consume: async (options) => {
      onBatch = options.onBatch;
      return { stop: async () => {}, healthy: () => true };
    },
    close: async () => {},
  };
  const ctx: PipelineContext = {
    config,
    logger: pino({ level: "silent" }),
    metrics: new PipelineMetrics(),
    bus,
    state: new MemoryStateStore(),
    codec,
    schemaIds: { mentionsTagged: schemaId } as PipelineContext["schemaIds"],
    storage: async () => storage,
  };
  const stage = await startResponsivenessStage(ctx, { registry: () => registry });
  return {
    stage,
    deliver: async (partition, from, to) => {
      const items = (PARTITIONS[partition] as TaggedMention[]).slice(from, to + 1);
      await onBatch?.({
        topic,
        partition,
        highWatermark: String(PARTITIONS[partition]?.length),
        records: items.map((value, i) => ({
          key: null,
          value: codec.encode(schemaId, contracts.TaggedMention, value),
          offset: String(from + i),
          timestamp: "0",
          headers: {},
        })),
      });
    },
  };
}

async function rows(query: string): Promise<Record<string, unknown>[]> {
  const result = await storage.client.query({
    query,
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return result.json();
}

describe("responsiveness stage", () => {
  it("keeps one row per item with its first answer and status across redelivery and a restart", async () => {
    const first = await startInstance();
    await first.deliver(1, 1, 1); // a2 before the question it answers
    await first.deliver(0, 0, 2);
    await first.deliver(0, 0, 2); // redelivered: committed offsets lost in a crash
    await first.stage.stop();
    const second = await startInstance(); // restarted
    await second.deliver(0, 1, 5); // overlaps what the first instance stored
    await second.deliver(1, 0, 1);
    // Staff close q5 (the dashboard's action), twice: the later closure is kept.
    await storage.client.insert({
      table: storage.table("responsiveness_closures"),
      values: [
        { agency: AGENCY, platform: "x", item_id: "q5", closed_at: MONDAY + 3 * HOUR, closed_by: "humas1" },
        { agency: AGENCY, platform: "x", item_id: "q5", closed_at: MONDAY + 4 * HOUR, closed_by: "humas2" },
      ],
      format: "JSONEachRow",
    });
    await second.stage.stop();

    const queue = await rows(
      `SELECT item_id, thread_id, kind, addressed, status, answer_id, answering_account, seconds_to_answer,
              toUnixTimestamp64Milli(due_at) AS due, closed_by, answered_at > due_at AS late
       FROM ${storage.table("responsiveness_queue")} ORDER BY item_id`,
    );
    expect(queue).toEqual([
      {
        item_id: "q1",
        thread_id: "r1",
        kind: "question",
        addressed: "reply",
        status: "answered",
        answer_id: "a1",
        answering_account: "BPJSKesehatanRI",
        seconds_to_answer: 2700,
        due: MONDAY + 4 * HOUR,
        closed_by: null,
        late: 0,
      },
      {
        item_id: "q2",
        thread_id: "r1",
        kind: "request",
        addressed: "reply",
        status: "answered",
        answer_id: "a2",
        answering_account: "BPJSKesehatanRI",
        seconds_to_answer: 5 * 3600,
        // Asked 10:00 WIB, due 14:00, answered 15:00.
        due: MONDAY + 5 * HOUR,
        closed_by: null,
        late: 1,
      },
      {
        item_id: "q3",
        thread_id: "q3",
        kind: "question",
        addressed: "handle",
        status: "overdue",
        answer_id: null,
        answering_account: null,
        seconds_to_answer: null,
        // Friday 15:00 WIB + 4 working hours: Friday 16:00, then Monday 08:00-11:00 WIB.
        due: MONDAY + 7 * 24 * HOUR + 2 * HOUR,
        closed_by: null,
        late: null,
      },
      {
        item_id: "q4",
        thread_id: "r2",
        kind: expect.any(String),
        addressed: "reply",
        status: "open",
        answer_id: null,
        answering_account: null,
        seconds_to_answer: null,
        due: expect.any(Number),
        closed_by: null,
        late: null,
      },
      {
        item_id: "q5",
        thread_id: "r3",
        kind: "question",
        addressed: "reply",
        status: "closed",
        answer_id: null,
        answering_account: null,
        seconds_to_answer: null,
        due: MONDAY + 2 * HOUR + 4 * HOUR,
        closed_by: "humas2",
        late: null,
      },
    ]);
    expect(Number(queue[3]?.due)).toBeGreaterThanOrEqual(NOW + 4 * HOUR);
    const counts = await rows(
      `SELECT (SELECT count() FROM ${storage.table("responsiveness_items")} FINAL) AS items,
              (SELECT count() FROM ${storage.table("responsiveness_answers")} FINAL) AS answers`,
    );
    expect(counts).toEqual([{ items: 5, answers: 2 }]);
    // Answer rate = answered / (asked - closed); times to answer by nearest rank: 2700 s and 18000 s.
    const monday = localWeek(MONDAY, "Asia/Jakarta");
    const stats =
      "asked, answered, closed, open, overdue, answered_late, answer_rate, median_seconds_to_answer AS p50, p90_seconds_to_answer AS p90";
    expect(
      await rows(
        `SELECT toString(day) AS day_text, ${stats} FROM ${storage.table("responsiveness_daily")} WHERE day < today() - 7 ORDER BY day`,
      ),
    ).toEqual([
      {
        day_text: monday,
        asked: 3,
        answered: 2,
        closed: 1,
        open: 0,
        overdue: 0,
        answered_late: 1,
        answer_rate: 1,
        p50: 2700,
        p90: 18000,
      },
      {
        day_text: new Date(MONDAY + 4 * 24 * HOUR).toISOString().slice(0, 10),
        asked: 1,
        answered: 0,
        closed: 0,
        open: 0,
        overdue: 1,
        answered_late: 0,
        answer_rate: 0,
        p50: null,
        p90: null,
      },
    ]);
    expect(
      await rows(
        `SELECT toString(week) AS week_text, ${stats} FROM ${storage.table("responsiveness_weekly")} ORDER BY week`,
      ),
    ).toEqual([
      {
        week_text: monday,
        asked: 4,
        answered: 2,
        closed: 1,
        open: 0,
        overdue: 1,
        answered_late: 1,
        answer_rate: 2 / 3,
        p50: 2700,
        p90: 18000,
      },
      {
        week_text: localWeek(NOW, "Asia/Jakarta"),
        asked: 1,
        answered: 0,
        closed: 0,
        open: 1,
        overdue: 0,
        answered_late: 0,
        answer_rate: 0,
        p50: null,
        p90: null,
      },
    ]);
    expect(await rows(`SELECT item_id, status FROM ${storage.table("responsiveness_open")}`)).toEqual([
      { item_id: "q3", status: "overdue" },
      { item_id: "q4", status: "open" },
    ]);
  });
});

describe("the overdue-question alert signal", () => {
  // Runs on the storage the stage test above filled: q2 fell due unanswered at 14:00 WIB (answered at
  // 15:00), q3 on the next Monday at 11:00 WIB; q1 was answered in time, q5 closed before its due
  // time, q4 is not due yet.
  it("gives each item that fell due without an answer or a closure, at its due minute", async () => {
    const scope = { agency: AGENCY, queryId: null, platform: null };
    const events = await readPostEvents(storage, "overdue-question", scope, MONDAY, MONDAY + 8 * 24 * HOUR);
    expect(events).toEqual([
      { kind: "overdue-question", minute: MONDAY + 5 * HOUR, postId: "q2", author: "warga", score: 4 * 3600 },
      {
        kind: "overdue-question",
        minute: MONDAY + 7 * 24 * HOUR + 2 * HOUR,
        postId: "q3",
        author: "warga",
        score: (24 + 24 + 24 - 4) * 3600,
      },
    ]);
    expect(await readPostEvents(storage, "overdue-question", { ...scope, platform: "instagram" }, MONDAY, NOW)).toEqual(
      [],
    );
    expect(await readPostEvents(storage, "overdue-question", { ...scope, queryId: "q" }, MONDAY, NOW)).toEqual([]);
  });

  it("fires a rule on the window's overdue questions", async () => {
    const { rules } = compileAlertConfig(
      `rules:
  unanswered-bpjs:
    scope: { agency: ${AGENCY} }
    signal: overdue-question
    window: 4h
`,
      "alerts.yaml",
      {},
    );
    const rule = rules[0] as (typeof rules)[number];
    const events = await readPostEvents(storage, "overdue-question", rule.scope, MONDAY, MONDAY + 6 * HOUR);
    const { alerts } = runDetector(rule, rule.scope, everyMinute([], MONDAY, MONDAY + 10 * HOUR, events));
    expect(alerts.map((alert) => [alert.status, alert.windowEnd, alert.topPostIds])).toEqual([
      ["firing", MONDAY + 5 * HOUR + MIN, ["q2"]],
      ["resolved", expect.any(Number), []],
    ]);
  });
});

describe("responsiveness configuration", () => {
  it("gives each agency its working hours, in its own zone or the default one", () => {
    const config = loadConfig(
      {
        SIMAK_RESPONSIVENESS_ANSWER_HOURS: "2.5",
        SIMAK_RESPONSIVENESS_WORKING_HOURS: "07:30-15:30",
        SIMAK_RESPONSIVENESS_WORKING_DAYS: "6,1,2,3,4,5",
        SIMAK_RESPONSIVENESS_TIMEZONE: "Asia/Makassar",
      },
      { "responsiveness.agencyTimezones": { "pemprov-papua": "Asia/Jayapura" } },
    );
    expect(config.responsiveness.answerWithinHours).toBe(2.5);
    const hours = workingHoursOf(config.responsiveness);
    expect(hours("pemprov-papua")).toEqual({
      startMinute: 450,
      endMinute: 930,
      days: [1, 2, 3, 4, 5, 6],
      timeZone: "Asia/Jayapura",
    });
    expect(hours("polri").timeZone).toBe("Asia/Makassar");
    expect(workingHoursOf(loadConfig({}).responsiveness)("polri")).toEqual({
      startMinute: 480,
      endMinute: 960,
      days: [1, 2, 3, 4, 5],
      timeZone: "Asia/Jakarta",
    });
  });

  it("refuses bad working hours, days and zones, naming the variable", () => {
    for (const [name, value] of [
      ["SIMAK_RESPONSIVENESS_WORKING_HOURS", "16:00-08:00"],
      ["SIMAK_RESPONSIVENESS_WORKING_DAYS", "0,1"],
      ["SIMAK_RESPONSIVENESS_TIMEZONE", "Asia/Atlantis"],
      ["SIMAK_RESPONSIVENESS_ANSWER_HOURS", "-1"],
    ]) {
      expect(() => loadConfig({ [name as string]: value }), name).toThrow(ConfigError);
      try {
        loadConfig({ [name as string]: value });
      } catch (error) {
        expect((error as ConfigError).key).toMatch(new RegExp(`^${name} \\(responsiveness\\.`));
      }
    }
  });
});
