/**
 * Acceptance: on real Kafka, schema registry and Redis, `simak run responsiveness` (its own process,
 * embedded ClickHouse) reads tagged questions to an agency and its official answers at known
 * delays, is SIGKILLed mid-stream and restarted on the same data folder; every item then has exactly
 * one row, and its answer time and status equal the hand-computed ones.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { TaggedMention } from "../../schemas/types.generated.js";
import { byRole } from "../fixtures/responsiveness.js";
import {
  KILLED_MEMBER_ENV,
  killWhenReached,
  serviceEnv,
  sqlOverHttp,
  tempDir,
  uniquePrefix,
  waitFor,
} from "../support/services.js";
import { RestartHarness } from "../support/stages.js";

const THREADS = 300;
const MIN = 60_000;
const AGENCY = "bpjs-kesehatan";
/** Ten days ago at 02:00 UTC (09:00 WIB): every due time has passed. */
const T0 = Math.floor((Date.now() - 10 * 86_400_000) / 86_400_000) * 86_400_000 + 2 * 3_600_000;
const QUESTIONS = [
  "min kapan kartu saya aktif lagi",
  "tolong dicek min, klaim saya belum cair",
  "kak syarat daftar peserta mandiri apa aja",
];
const official = { id: "o1", handle: "BPJSKesehatanRI", name: null, followers: 1000, verified: true, location: null };

/** Thread k: a question at T0 + k min under official post r<k>; answered after (k % 3 + 1) * 7 min unless k % 4 = 3. */
function thread(k: number): TaggedMention[] {
  const asked = T0 + k * MIN;
  const question = byRole(
    {
      id: `q${k}`,
      kind: "reply",
      eventTime: asked,
      parentId: `r${k}`,
      rootId: `r${k}`,
      text: QUESTIONS[k % 3] as string,
      author: { id: `u${k}`, handle: `warga${k}`, name: null, followers: 10, verified: false, location: null },
    },
    "audience_response",
    AGENCY,
  );
  if (k % 4 === 3) return [question];
  const answer = byRole(
    {
      id: `a${k}`,
      kind: "reply",
      eventTime: asked + ((k % 3) + 1) * 7 * MIN,
      parentId: `q${k}`,
      rootId: `r${k}`,
      author: official,
      text: "Halo kak, sudah kami bantu",
    },
    "official",
    AGENCY,
  );
  return [question, answer];
}

function expected(k: number): string {
  if (k % 4 === 3) return `q${k}\toverdue\t\\N\t\\N`;
  return `q${k}\tanswered\ta${k}\t${((k % 3) + 1) * 7 * 60}`;
}

describe("responsiveness stage on Kafka + registry + Redis", () => {
  const stages = new RestartHarness();
  afterAll(() => stages.stop());

  it("keeps one row per item with the hand-computed answer times through a SIGKILL and restart", async () => {
    const prefix = uniquePrefix("answers");
    const env = serviceEnv(prefix, { SIMAK_DATA_DIR: tempDir("answers-chdb") });
    const first = await stages.start("answers-1", ["run", "responsiveness"], { ...env, ...KILLED_MEMBER_ENV });
    await stages.healthy(first);

    // Topics and contracts are declared by the stage; the test produces the tagged stream itself.
    const producer = await stages.taggedProducer(prefix, "answers-test");
    // In small sends, so the stage reads many batches and the kill lands between them; the second
    // half only after the kill, so that it is mid-stream however fast the stage reads and inserts.
    const produce = async (from: number, to: number) => {
      for (let k = from; k < to; k += 10) {
        await producer.send(Array.from({ length: Math.min(10, to - k) }, (_, i) => thread(k + i)).flat());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const half = Math.floor(THREADS / 2);
    const producing = produce(0, half);
    const atKill = await killWhenReached(first, first.port, 'target="responsiveness_items"', THREADS / 4);
    expect(atKill).toBeLessThanOrEqual(half);
    await producing;
    const { port: port2 } = await stages.start("answers-2", ["run", "responsiveness"], env);
    await produce(half, THREADS);

    const count = `SELECT (SELECT count() FROM simak.responsiveness_items FINAL) || '/' || (SELECT count() FROM simak.responsiveness_answers FINAL)`;
    const answered = Array.from({ length: THREADS }, (_, k) => k).filter((k) => k % 4 !== 3).length;
    await waitFor(
      "every item and answer stored",
      async () => ((await sqlOverHttp(port2, count).catch(() => "")) === `${THREADS}/${answered}` ? true : undefined),
      90_000,
      500,
    );
    const queue = await sqlOverHttp(
      port2,
      `SELECT item_id, status, answer_id, seconds_to_answer FROM simak.responsiveness_queue
       ORDER BY toUInt32(substring(item_id, 2))`,
    );
    expect(queue).toBe(Array.from({ length: THREADS }, (_, k) => expected(k)).join("\n"));
  }, 180_000);
});
