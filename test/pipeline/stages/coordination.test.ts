/**
 * The coordination stage's state without services: partitions merged in event-time order, a
 * snapshot taken mid-stream and restored goes on to the campaigns of an uninterrupted run, and
 * campaigns a later write no longer finds are retired.
 */
import { describe, expect, it } from "vitest";
import { type CoordinationStageSnapshot, CoordinationState } from "../../../pipeline/stages/coordination.js";
import { coordinationStream } from "../../fixtures/coordination.js";

const PARTITIONS = ["t/0", "t/1", "t/2"];
const IDLE_MS = 1000;

/** The stream split over three partitions (by position), each in order, with offsets. */
async function partitioned() {
  const stream = (await coordinationStream()).sort(
    (a, b) => a.mention.eventTime - b.mention.eventTime || (a.mention.id < b.mention.id ? -1 : 1),
  );
  const partitions = PARTITIONS.map(() => [] as { value: (typeof stream)[number]; offset: bigint }[]);
  stream.forEach((value, i) => {
    const records = partitions[i % 3] as { value: (typeof stream)[number]; offset: bigint }[];
    records.push({ value, offset: BigInt(records.length) });
  });
  return { stream, partitions };
}

/** Feeds partition batches (of `size`, one partition's whole backlog first, as a replay does) from `from`. */
function feed(
  state: CoordinationState,
  partitions: { value: unknown; offset: bigint }[][],
  size: number,
  from: bigint[] = [0n, 0n, 0n],
) {
  for (const [p, records] of partitions.entries()) {
    const rest = records.filter(({ offset }) => offset >= (from[p] ?? 0n));
    for (let k = 0; k < rest.length; k += size) {
      const batch = rest.slice(k, k + size) as Parameters<CoordinationState["enqueue"]>[1];
      state.enqueue(`t/${p}`, batch, (batch[batch.length - 1]?.offset ?? 0n) + 1n, 0);
      state.drain(0, IDLE_MS);
    }
  }
}

describe("coordination stage state", () => {
  it("merges partitions in event-time order, waits for an empty one, and resumes from a snapshot", async () => {
    const { stream, partitions } = await partitioned();
    const uninterrupted = new CoordinationState();
    for (const value of stream) uninterrupted.add(value);
    const expected = uninterrupted.detector.campaigns();
    expect(expected.map(({ accounts, postCount }) => [accounts.length, postCount])).toEqual([[15, 100]]);
    expect(uninterrupted.agenciesOf(expected[0] as (typeof expected)[number])).toEqual(["polri"]);

    // Partition 0's backlog first: nothing is released until the others have mentions queued.
    const state = new CoordinationState(undefined, PARTITIONS);
    state.enqueue("t/0", partitions[0]?.slice(0, 50) as never, 50n, 0);
    expect(state.drain(0, IDLE_MS)).toBe(0);
    expect(state.drain(IDLE_MS - 1, IDLE_MS)).toBe(0);
    // ... or have had nothing for the idle time.
    expect(state.drain(IDLE_MS, IDLE_MS)).toBe(50);
    expect(state.offsets.get("t/0")).toBe(50n);

    // Cut mid-stream: a snapshot through JSON, restored, replayed from its offsets in big batches.
    const first = new CoordinationState(undefined, PARTITIONS);
    const half = partitions.map((records) => records.slice(0, Math.floor(records.length / 2)));
    feed(first, half, 37);
    const stored = JSON.parse(JSON.stringify(first.snapshot())) as CoordinationStageSnapshot;
    const covered = PARTITIONS.map((id) => BigInt(stored.offsets[id] ?? "0"));
    // Mentions still queued (waiting for later ones of the other partitions) are not covered.
    expect(covered.reduce((a, b) => a + b, 0n)).toBeLessThan(BigInt(half.flat().length));
    const restored = CoordinationState.restore(stored, PARTITIONS);
    feed(restored, partitions, 400, covered);
    restored.drain(IDLE_MS, IDLE_MS);
    expect(restored.detector.campaigns()).toEqual(expected);
  });

  it("retires campaigns and members a later write no longer finds, keeping those whose evidence expired", async () => {
    const { stream } = await partitioned();
    const state = new CoordinationState();
    for (const value of stream) state.add(value);
    const rows = state.rows(1);
    expect(rows.campaigns.map(({ id, retired }) => [id, retired])).toEqual([["x-3lslxg", 0]]);
    expect(rows.accounts).toHaveLength(15);
    // A campaign written before that the detector no longer finds (its evidence is recent): retired.
    state.written.set("x-gone", {
      lastSeen: stream[stream.length - 1]?.mention.eventTime ?? 0,
      accounts: new Set(["x:1"]),
    });
    // One whose evidence expired long ago: left as history.
    state.written.set("x-old", { lastSeen: 0, accounts: new Set(["x:2"]) });
    const next = state.rows(2);
    expect(next.campaigns.map(({ id, retired }) => [id, retired])).toEqual([
      ["x-3lslxg", 0],
      ["x-gone", 1],
    ]);
    expect(
      next.accounts.filter(({ retired }) => retired === 1).map(({ campaign_id, account }) => [campaign_id, account]),
    ).toEqual([["x-gone", "x:1"]]);
    expect([...state.written.keys()]).toEqual(["x-3lslxg"]);
  });
});
