/**
 * The coordination stage's state without services: partitions merged in event-time order, a
 * snapshot taken mid-stream and restored goes on to the campaigns of an uninterrupted run, and
 * campaigns a later write no longer finds are retired.
 */
import { describe, expect, it } from "vitest";
import { CoordinationState, coordinationKeys, loadState, storeCapture } from "../../../pipeline/stages/coordination.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import { coordinationStream, taggedFor } from "../../fixtures/coordination.js";
import { postWith } from "../../fixtures/mentions.js";

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

    // Cut mid-stream: stored twice (the second time only what changed), restored from the state
    // store, replayed from its offsets in big batches.
    const store = new MemoryStateStore();
    const keys = coordinationKeys("test-");
    const first = new CoordinationState(undefined, PARTITIONS);
    const third = partitions.map((records) => records.slice(0, Math.floor(records.length / 3)));
    const half = partitions.map((records) => records.slice(0, Math.floor(records.length / 2)));
    feed(first, third, 37);
    const firstCapture = await first.capture();
    await storeCapture(store, keys, firstCapture, 60);
    first.committed(firstCapture);
    feed(
      first,
      half,
      37,
      third.map((records) => BigInt(records.length)),
    );
    // The merge releases nothing while a capture copies the state (the offsets stay as covered).
    const capturing = first.capture();
    expect(first.drain(10 * IDLE_MS, IDLE_MS)).toBe(0);
    const capture = await capturing;
    await storeCapture(store, keys, capture, 60);
    first.committed(capture);
    // The manifest lists every chunk held, and the store holds no other (emptied ones were deleted).
    const manifest = JSON.parse((await store.getMany([keys.snapshot]))[0] as string) as { chunks: string[] };
    const held = store.inventory((key) => (key.startsWith(keys.chunk("")) ? "chunk" : key)).get("chunk");
    expect(held?.keys).toBe(manifest.chunks.length);
    expect(manifest.chunks).toEqual(
      [
        ...new Set([
          ...firstCapture.detector.changed.keys(),
          ...capture.detector.changed.keys(),
          ...capture.stage.changed.keys(),
          ...firstCapture.stage.changed.keys(),
        ]),
      ]
        .filter((chunk) => !capture.detector.emptied.includes(chunk) && !capture.stage.emptied.includes(chunk))
        .sort(),
    );
    const covered = PARTITIONS.map((id) => BigInt(capture.offsets[id] ?? "0"));
    // Mentions still queued (waiting for later ones of the other partitions) are not covered.
    expect(covered.reduce((a, b) => a + b, 0n)).toBeLessThan(BigInt(half.flat().length));
    const restored = (await loadState(store, keys, PARTITIONS, 0)) as CoordinationState;
    expect([...restored.offsets]).toEqual(PARTITIONS.map((id, p) => [id, covered[p]]));
    feed(restored, partitions, 400, covered);
    restored.drain(IDLE_MS, IDLE_MS);
    expect(restored.detector.campaigns()).toEqual(expected);
  });

  it("stores an account's agencies as they are at each capture, leaving an earlier capture's rows as they were", async () => {
    const t0 = Date.UTC(2026, 10, 27, 2, 0, 0);
    const state = new CoordinationState();
    state.add(taggedFor(postWith({ id: "p1", eventTime: t0 }), "polri"));
    state.add(taggedFor(postWith({ id: "p2", author: { ...postWith({}).author, id: "a2" }, eventTime: t0 }), "kpk"));
    const first = await state.capture();
    state.committed(first);
    const hour = `g${Math.floor(t0 / 3_600_000)}`;
    const firstRows = [
      ["x:a1", t0, [["polri", 1]], 1],
      ["x:a2", t0, [["kpk", 1]], 2],
    ];
    expect(first.stage.changed.get(hour)).toEqual(firstRows);
    // a1 writes again in the same hour: its row is made anew, a2's is the same.
    state.add(taggedFor(postWith({ id: "p3", eventTime: t0 + 60_000 }), "kpk"));
    const second = await state.capture();
    expect(second.stage.changed.get(hour)).toEqual([
      ["x:a2", t0, [["kpk", 1]], 2],
      [
        "x:a1",
        t0 + 60_000,
        [
          ["polri", 1],
          ["kpk", 1],
        ],
        3,
      ],
    ]);
    expect(first.stage.changed.get(hour)).toEqual(firstRows);
  });

  it("treats an earlier format's whole-state snapshot as none: replays from the beginning, saying so", async () => {
    const store = new MemoryStateStore();
    const keys = coordinationKeys("t.");
    // The single JSON document of the stage before its state was stored in chunks.
    await store.setMany([{ key: keys.snapshot, value: JSON.stringify({ offsets: { "t/0": "7" }, detector: {} }) }], 60);
    const outdated: unknown[] = [];
    expect(await loadState(store, keys, PARTITIONS, 0, (version) => outdated.push(version))).toBeNull();
    expect(outdated).toEqual([undefined]);
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

  it("pauses a partition whose queue is over the cap until the merge releases it, losing nothing", async () => {
    const { stream, partitions } = await partitioned();
    const state = new CoordinationState(undefined, PARTITIONS, 0, 20);
    // A replay delivers partition 0's backlog first: 50 queued, over the cap of 20, nothing released.
    state.enqueue("t/0", partitions[0]?.slice(0, 50) as never, 50n, 0);
    expect(state.drain(0, IDLE_MS)).toBe(0);
    expect([state.full("t/0"), state.full("t/1")]).toEqual([true, false]);
    let resumed = false;
    const waiting = state
      .waitForRoom("t/0", 5, () => false)
      .then(() => {
        resumed = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(resumed).toBe(false);
    // The others deliver: the merge releases partition 0's mentions up to theirs, and it resumes.
    for (const p of [1, 2]) state.enqueue(`t/${p}`, partitions[p]?.slice(0, 50) as never, 50n, 0);
    expect(state.drain(0, IDLE_MS)).toBeGreaterThan(30);
    await waiting;
    expect(resumed).toBe(true);
    expect(state.full("t/0")).toBe(false);
    // The rest: every mention reaches the detector once, in event-time order (the campaigns of the whole stream).
    feed(state, partitions, 25, [50n, 50n, 50n]);
    // What waits at the end goes as the partitions that emptied turn idle, one after the other.
    for (const now of [1, 2, 3]) state.drain(now * IDLE_MS, IDLE_MS);
    expect(state.queued).toBe(0);
    expect(PARTITIONS.map((id) => state.offsets.get(id))).toEqual(partitions.map((records) => BigInt(records.length)));
    const uninterrupted = new CoordinationState();
    for (const value of stream) uninterrupted.add(value);
    expect(state.detector.size).toEqual(uninterrupted.detector.size);
    expect(state.detector.campaigns()).toEqual(uninterrupted.detector.campaigns());
    // A stopping stage does not wait.
    const stuck = new CoordinationState(undefined, PARTITIONS, 0, 20);
    stuck.enqueue("t/0", partitions[0]?.slice(0, 50) as never, 50n, 0);
    await stuck.waitForRoom("t/0", 5, () => true);
    expect(stuck.queued).toBe(50);
  });
});
