/**
 * The coordination stage: tagged mentions -> processors/coordination's detector -> ClickHouse
 * `campaigns` and `campaign_accounts`, rewritten every `SIMAK_COORDINATION_SNAPSHOT_MS`.
 *
 * The detector's state is one object over every partition (a campaign's posts land on all of them),
 * too big to store with every batch (about 31 MB as one JSON at the default rate after a day). So
 * it is kept as chunks (processors/coordination/chunks.ts: rows by time bucket), and every
 * interval the stage copies the chunks changed since the last stored capture (of the detector, and
 * of the agencies its accounts were tagged with and the campaigns written) and the next offset of
 * every partition it covers, in slices that yield to the event loop while its merge releases
 * nothing (so the copy is the state at one moment); it writes the campaigns, encodes the
 * chunks a few at a time (yielding between them: no long turn), then stores the changed chunks, a
 * manifest (the offsets and every chunk's id) and the deletion of emptied chunks in one atomic
 * step (`replaceAtomically`: all or nothing). A stage that starts restores the manifest's chunks
 * and reads every partition from its offsets (the bus's `startOffsets`, whatever the group
 * committed since), and skips a record at an offset below them: nothing is skipped or counted
 * twice, and campaigns equal those of an uninterrupted run. The tagged topic keeps 7 days; the
 * manifest and its chunks live as long (every store renews the unchanged chunks' TTL).
 *
 * One instance runs at a time: it holds a lease in the state store (runtime/state/lease.ts) and
 * consumes only while it does; one that loses it stops consuming and reports itself unhealthy
 * (its orchestrator restarts it, and it waits for the lease). Replicas stand by.
 */
import {
  CAPTURE_SLICE,
  type Campaign,
  type ChunkCapture,
  ChunkLedger,
  type ChunkRows,
  CoordinationDetector,
  type CoordinationEvictions,
  coordinationItem,
  timeChunk,
} from "../../processors/coordination/index.js";
import { scopesOf } from "../../processors/windows/index.js";
import type { ConsumerHandle, RecordBatch } from "../../runtime/bus/bus.js";
import { decodeBatch, instrumented, type PipelineContext, type StageHandle, topicName } from "../../runtime/context.js";
import { Lease } from "../../runtime/state/lease.js";
import type { StateStore } from "../../runtime/state/state.js";
import { contracts } from "../../schemas/contracts.js";
import { TOPICS } from "../../schemas/topics.js";
import type { TaggedMention } from "../../schemas/types.generated.js";

const STAGE = "coordination";
/** The snapshot lives as long as the tagged topic keeps the records after it. */
const SNAPSHOT_TTL_SECONDS = 7 * 86_400;
/** Agencies of an account are forgotten this long after it was last seen (the detector's account TTL). */
const AGENCY_TTL_MS = 7 * 86_400_000;
/** How often mentions waiting for an idle partition are looked at. */
const RELEASE_INTERVAL_MS = 250;
/** A campaign belongs to an agency that tagged at least this share of its accounts' mentions. */
const AGENCY_SHARE = 0.2;
/**
 * Mentions queued per partition for the merge above which its delivery waits (the batch handler
 * does not return, so the bus fetches nothing more from it) until the merge has released some:
 * a replay delivers one partition's backlog far ahead of the others. At most this plus one batch
 * per partition is held (about 1.3 KB of heap a decoded mention, measured on test/fixtures/coordination.ts:
 * 6 partitions * 2 000 = about 16 MB).
 */
export const MAX_QUEUED_PER_PARTITION = 2_000;
/** A snapshot's encoding yields to the event loop once it has run this long (ms). */
const ENCODE_SLICE_MS = 20;

export function coordinationKeys(prefix: string) {
  const ns = `${prefix}simak:coordination:`;
  return { snapshot: `${ns}snapshot`, leader: `${ns}leader`, chunk: (id: string) => `${ns}chunk:${id}` };
}

/**
 * The stored manifest: the offsets covered and the chunks that make the state. Chunks, by their
 * id's first letter: the detector's (m, a, p, e, r: processors/coordination/detector.ts), and
 * the stage's: g, an account's agencies by the hour it was last seen in
 * ([account, last, [agency, mentions][], seq]); w, the campaigns written ([id, last seen, accounts]).
 */
export interface CoordinationManifest {
  version: 2;
  /** `topic/partition` -> the next offset to read: every record before it is in the detector. */
  offsets: Record<string, string>;
  chunks: string[];
}

/** One synchronous capture of what changed since the last stored one, with the offsets it covers. */
export interface CoordinationCapture {
  offsets: Record<string, string>;
  detector: ChunkCapture;
  stage: ChunkCapture;
}

type AgencyRow = [string, number, [string, number][], number];
type WrittenRow = [string, number, string[]];

interface Queued {
  value: TaggedMention;
  offset: bigint;
}

/**
 * The detector and what the stage keeps beside it. Partitions are merged in event-time order
 * before the detector sees them (it reads the stream roughly in that order, and a replay after a
 * restart delivers one partition's backlog at a time): a mention is released once every partition
 * has a later one queued, or has had nothing queued for `idlePartitionMs`
 * (counted from the first batch received: joining the group takes a while). Offsets advance as
 * mentions are released, so a snapshot covers exactly what its detector read.
 */
export class CoordinationState {
  /** Next offset to release (what a snapshot covers). */
  readonly offsets = new Map<string, bigint>();
  /** Next offset to receive: what is queued is not received twice. */
  readonly received = new Map<string, bigint>();
  private readonly queues = new Map<string, { items: Queued[]; emptySince: number }>();
  /** Account -> its agencies' mention counts; least recently seen first (at most the detector's maxAccounts). */
  private readonly agencies = new Map<string, { last: number; counts: Map<string, number>; seq: number }>();
  /** Campaigns stored in ClickHouse (to retire what a later write drops). */
  readonly written = new Map<string, { lastSeen: number; accounts: Set<string> }>();
  private readonly ledger = new ChunkLedger();
  private seq = 0;
  private receiving = false;
  /** While a capture copies the state, the merge releases nothing (it stays as the offsets say). */
  private capturing = false;

  constructor(
    readonly detector: CoordinationDetector = new CoordinationDetector(),
    /** Every partition of the source, `topic/partition`: the merge waits for each. */
    readonly partitions: readonly string[] = [],
    now = 0,
    /** Mentions queued in a partition above which its delivery waits (`full`). */
    readonly maxQueued = MAX_QUEUED_PER_PARTITION,
  ) {
    for (const id of partitions) this.queues.set(id, { items: [], emptySince: now });
  }

  /** The state a manifest and its chunks (all of them, as stored) make. */
  static restore(
    manifest: CoordinationManifest,
    chunks: Iterable<[string, ChunkRows]>,
    partitions: readonly string[] = [],
    now = 0,
  ): CoordinationState {
    if (manifest.version !== 2) throw new Error(`unknown coordination snapshot version ${manifest.version}`);
    const detectorChunks: [string, ChunkRows][] = [];
    const agencies: AgencyRow[] = [];
    const own: string[] = [];
    let written: WrittenRow[] = [];
    for (const [chunk, rows] of chunks) {
      if (chunk[0] === "g") for (const row of rows) agencies.push(row as AgencyRow);
      else if (chunk === "w") written = rows as WrittenRow[];
      else {
        detectorChunks.push([chunk, rows]);
        continue;
      }
      own.push(chunk);
    }
    const state = new CoordinationState(CoordinationDetector.fromChunks(detectorChunks), partitions, now);
    for (const [id, offset] of Object.entries(manifest.offsets)) {
      state.offsets.set(id, BigInt(offset));
      state.received.set(id, BigInt(offset));
    }
    agencies.sort((a, b) => a[3] - b[3]);
    for (const [account, last, counts, seq] of agencies) {
      state.agencies.set(account, { last, counts: new Map(counts), seq });
      state.seq = Math.max(state.seq, seq);
    }
    for (const [id, lastSeen, accounts] of written) state.written.set(id, { lastSeen, accounts: new Set(accounts) });
    state.ledger.restored(own);
    return state;
  }

  /** Whether the partition has more than `maxQueued` mentions waiting for the merge. */
  full(id: string): boolean {
    return (this.queues.get(id)?.items.length ?? 0) > this.maxQueued;
  }

  /** Mentions waiting for the merge, over every partition. */
  get queued(): number {
    let queued = 0;
    for (const queue of this.queues.values()) queued += queue.items.length;
    return queued;
  }

  /**
   * Resolves once the partition is no longer full (or `stopping()`), looking every `pollMs`: the
   * merge releases as other partitions deliver or go idle, so the wait is at most about the idle time.
   */
  async waitForRoom(id: string, pollMs: number, stopping: () => boolean): Promise<void> {
    while (this.full(id) && !stopping()) await new Promise((resolve) => setTimeout(resolve, pollMs));
  }

  /** Queues a partition's decoded records (in offset order); `next` is the offset after the batch's last record. */
  enqueue(id: string, values: { value: TaggedMention; offset: bigint }[], next: bigint, now: number): void {
    let queue = this.queues.get(id);
    if (!queue) {
      queue = { items: [], emptySince: now };
      this.queues.set(id, queue);
    }
    if (!this.receiving) {
      // The wait for idle partitions starts with the first batch: joining the group takes a while.
      this.receiving = true;
      for (const other of this.queues.values()) other.emptySince = now;
    }
    queue.items.push(...values);
    this.received.set(id, next);
    // A batch of only undecodable records: nothing to wait for.
    if (queue.items.length === 0) this.offsets.set(id, next);
  }

  /** Releases what the merge allows into the detector; how many mentions. */
  drain(now: number, idleMs: number): number {
    let released = 0;
    if (this.capturing) return released;
    for (;;) {
      let head: { id: string; item: Queued } | undefined;
      for (const [id, queue] of this.queues) {
        const item = queue.items[0];
        if (!item) {
          if (!this.receiving || now - queue.emptySince < idleMs) return released;
          continue;
        }
        if (
          !head ||
          item.value.mention.eventTime < head.item.value.mention.eventTime ||
          (item.value.mention.eventTime === head.item.value.mention.eventTime &&
            item.value.mention.id < head.item.value.mention.id)
        ) {
          head = { id, item };
        }
      }
      if (!head) return released;
      const queue = this.queues.get(head.id) as { items: Queued[]; emptySince: number };
      queue.items.shift();
      this.add(head.item.value);
      released++;
      if (queue.items.length === 0) {
        queue.emptySince = now;
        // Undecodable records after the last mention are covered too.
        this.offsets.set(head.id, this.received.get(head.id) ?? head.item.offset + 1n);
      } else {
        this.offsets.set(head.id, head.item.offset + 1n);
      }
    }
  }

  add(item: TaggedMention): void {
    const { mention } = item;
    this.detector.add(coordinationItem(mention));
    const account = `${mention.platform}:${mention.author.id}`;
    let entry = this.agencies.get(account);
    if (entry) {
      // Most recently seen last, so the least recently seen go first at the cap.
      this.agencies.delete(account);
      this.ledger.mark(timeChunk("g", entry.last));
    } else entry = { last: mention.eventTime, counts: new Map(), seq: 0 };
    entry.last = Math.max(entry.last, mention.eventTime);
    entry.seq = ++this.seq;
    this.agencies.set(account, entry);
    this.ledger.mark(timeChunk("g", entry.last));
    for (const scope of scopesOf(item)) {
      if (scope.kind === "agency") entry.counts.set(scope.id, (entry.counts.get(scope.id) ?? 0) + 1);
    }
    if (this.agencies.size > this.detector.options.maxAccounts) {
      const [oldest, evicted] = this.agencies.entries().next().value as [string, { last: number }];
      this.agencies.delete(oldest);
      this.ledger.mark(timeChunk("g", evicted.last));
    }
  }

  /** The agencies that tagged at least AGENCY_SHARE of the campaign's accounts' mentions, most first. */
  agenciesOf(campaign: Campaign): string[] {
    const totals = new Map<string, number>();
    let all = 0;
    for (const { account } of campaign.accounts) {
      for (const [agency, count] of this.agencies.get(account)?.counts ?? []) {
        totals.set(agency, (totals.get(agency) ?? 0) + count);
        all += count;
      }
    }
    return [...totals]
      .filter(([, count]) => count >= all * AGENCY_SHARE)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([agency]) => agency);
  }

  /**
   * Rows of `campaigns` and `campaign_accounts` for the detector's campaigns now, and retired rows
   * for what an earlier write stored that the detector no longer finds while its evidence is still
   * kept (merged into another campaign, or no longer judged coordinated); campaigns whose evidence
   * expired stay as they were last written (history).
   */
  rows(updatedAt: number) {
    const campaigns = this.detector.campaigns();
    const rows = campaignRows(this, campaigns, updatedAt);
    const current = new Map(campaigns.map((campaign) => [campaign.id, campaign]));
    const horizon = Math.max(...campaigns.map(({ lastSeen }) => lastSeen), 0) - this.detector.options.evidenceTtlMs;
    for (const [id, written] of this.written) {
      const campaign = current.get(id);
      const kept = new Set(campaign?.accounts.map(({ account }) => account) ?? []);
      if (!campaign && written.lastSeen < horizon) {
        this.written.delete(id);
        continue;
      }
      if (!campaign) rows.campaigns.push(retiredCampaign(id, updatedAt));
      for (const account of written.accounts) {
        if (!kept.has(account)) rows.accounts.push(retiredAccount(id, account, updatedAt));
      }
      if (!campaign) this.written.delete(id);
    }
    this.ledger.mark("w");
    for (const campaign of campaigns) {
      this.written.set(campaign.id, {
        lastSeen: campaign.lastSeen,
        accounts: new Set(campaign.accounts.map(({ account }) => account)),
      });
    }
    return rows;
  }

  /**
   * The chunks changed since the last stored capture, copied, and the offsets they cover: the state
   * at one moment, since the merge releases nothing meanwhile (batches still queue). Awaits
   * `yieldTurn` every CAPTURE_SLICE rows. `committed(capture)` once it is stored.
   */
  async capture(yieldTurn: () => Promise<void> = async () => {}): Promise<CoordinationCapture> {
    this.capturing = true;
    try {
      return await this.copyChanged(yieldTurn);
    } finally {
      this.capturing = false;
    }
  }

  private async copyChanged(yieldTurn: () => Promise<void>): Promise<CoordinationCapture> {
    let newest = Number.NEGATIVE_INFINITY;
    for (const { last } of this.agencies.values()) newest = Math.max(newest, last);
    for (const [account, { last }] of this.agencies) {
      if (last >= newest - AGENCY_TTL_MS) continue;
      this.agencies.delete(account);
      this.ledger.mark(timeChunk("g", last));
    }
    const { epoch, chunks } = this.ledger.changedChunks();
    const rows = new Map<string, ChunkRows>();
    if ([...chunks].some((chunk) => chunk[0] === "g")) {
      let looked = 0;
      for (const [account, { last, counts, seq }] of this.agencies) {
        if (++looked % CAPTURE_SLICE === 0) await yieldTurn();
        const chunk = timeChunk("g", last);
        if (!chunks.has(chunk)) continue;
        const row: AgencyRow = [account, last, [...counts], seq];
        const list = rows.get(chunk);
        if (list) list.push(row);
        else rows.set(chunk, [row]);
      }
    }
    if (chunks.has("w") && this.written.size > 0) {
      rows.set(
        "w",
        [...this.written].map(([id, { lastSeen, accounts }]): WrittenRow => [id, lastSeen, [...accounts]]),
      );
    }
    return {
      offsets: Object.fromEntries([...this.offsets].map(([id, offset]) => [id, offset.toString()])),
      detector: await this.detector.captureChunks(yieldTurn),
      stage: this.ledger.capture(epoch, chunks, rows),
    };
  }

  /** The capture is stored: its chunks are written again only when they change again. */
  committed(capture: CoordinationCapture): void {
    this.detector.committed(capture.detector);
    this.ledger.committed(capture.stage);
  }

  /** Entries of every structure held, for the state-size gauge. */
  sizes(): Record<string, number> {
    return { ...this.detector.size, agencies: this.agencies.size, written: this.written.size, queued: this.queued };
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The chunks' JSON, encoded a few at a time: the event loop is never held longer than ENCODE_SLICE_MS or one chunk. */
async function encodeChunks(chunks: Iterable<[string, ChunkRows]>, keyOf: (id: string) => string) {
  const entries: { key: string; value: string }[] = [];
  let slice = performance.now();
  for (const [id, rows] of chunks) {
    entries.push({ key: keyOf(id), value: JSON.stringify(rows) });
    if (performance.now() - slice >= ENCODE_SLICE_MS) {
      await nextTurn();
      slice = performance.now();
    }
  }
  return entries;
}

/**
 * Stores a capture in one atomic step: its changed chunks, the manifest listing every live chunk
 * with the offsets covered, the emptied chunks deleted and the unchanged ones' TTL renewed.
 * Returns the bytes written. The caller commits the capture once this resolves.
 */
export async function storeCapture(
  store: StateStore,
  keys: ReturnType<typeof coordinationKeys>,
  capture: CoordinationCapture,
  ttlSeconds: number,
): Promise<{ bytes: number; chunks: number }> {
  const changed = [...capture.detector.changed, ...capture.stage.changed];
  const values = await encodeChunks(changed, keys.chunk);
  const unchanged = [...capture.detector.unchanged, ...capture.stage.unchanged];
  const manifest: CoordinationManifest = {
    version: 2,
    offsets: capture.offsets,
    chunks: [...changed.map(([id]) => id), ...unchanged].sort(),
  };
  values.push({ key: keys.snapshot, value: JSON.stringify(manifest) });
  const emptied = [...capture.detector.emptied, ...capture.stage.emptied].map(keys.chunk);
  await store.replaceAtomically(values, emptied, unchanged.map(keys.chunk), ttlSeconds);
  return { bytes: values.reduce((sum, { value }) => sum + value.length, 0), chunks: changed.length };
}

/**
 * The stored state, or null when nothing was stored, or when it is the whole-state snapshot of an
 * earlier Simak (version 1, `onOutdated` is told): the stage then replays the retained topic from
 * its beginning, as on a first start. Fails when a chunk the manifest lists is missing.
 */
export async function loadState(
  store: StateStore,
  keys: ReturnType<typeof coordinationKeys>,
  partitions: readonly string[],
  now: number,
  onOutdated: (version: unknown) => void = () => undefined,
): Promise<CoordinationState | null> {
  const [stored] = await store.getMany([keys.snapshot]);
  if (!stored) return null;
  const manifest = JSON.parse(stored) as CoordinationManifest;
  if (manifest.version !== 2) {
    onOutdated(manifest.version);
    return null;
  }
  const values = await store.getMany(manifest.chunks.map(keys.chunk));
  const chunks = manifest.chunks.map((id, i): [string, ChunkRows] => {
    const value = values[i];
    if (value === null || value === undefined) throw new Error(`coordination snapshot: chunk ${id} is missing`);
    return [id, JSON.parse(value) as ChunkRows];
  });
  return CoordinationState.restore(manifest, chunks, partitions, now);
}

function retiredCampaign(id: string, updatedAt: number) {
  return {
    id,
    platform: "",
    agencies: [],
    target: null,
    // Kept as long as what it retires (the tables' TTL reads last_seen).
    first_seen: updatedAt,
    last_seen: updatedAt,
    accounts: 0,
    posts: 0,
    post_ids: [],
    copy_events: 0,
    amplification_events: 0,
    score: 0,
    reason_kinds: [],
    reason_values: [],
    reasons: [],
    text: "",
    updated_at: updatedAt,
    retired: 1,
  };
}

function retiredAccount(campaignId: string, account: string, updatedAt: number) {
  return {
    campaign_id: campaignId,
    account,
    platform: "",
    author_id: "",
    handle: "",
    score: 0,
    events: 0,
    posts: 0,
    // Kept as long as what it retires (the tables' TTL reads last_seen).
    first_seen: updatedAt,
    last_seen: updatedAt,
    updated_at: updatedAt,
    retired: 1,
  };
}

/** Rows of `campaigns` and `campaign_accounts` for the detector's campaigns. */
export function campaignRows(state: CoordinationState, campaigns: readonly Campaign[], updatedAt: number) {
  const campaignTable = campaigns.map((campaign) => ({
    id: campaign.id,
    platform: campaign.platform,
    agencies: state.agenciesOf(campaign),
    target: campaign.target,
    first_seen: campaign.firstSeen,
    last_seen: campaign.lastSeen,
    accounts: campaign.accounts.length,
    posts: campaign.postCount,
    post_ids: campaign.posts,
    copy_events: campaign.copyEvents,
    amplification_events: campaign.amplificationEvents,
    score: campaign.score,
    reason_kinds: campaign.reasons.map(({ kind }) => kind),
    reason_values: campaign.reasons.map(({ value }) => value),
    reasons: campaign.reasons.map(({ detail }) => detail),
    text: campaign.text,
    updated_at: updatedAt,
    retired: 0,
  }));
  const accountTable = campaigns.flatMap((campaign) =>
    campaign.accounts.map((account) => ({
      campaign_id: campaign.id,
      account: account.account,
      platform: campaign.platform,
      author_id: account.account.slice(account.account.indexOf(":") + 1),
      handle: account.handle,
      score: account.score,
      events: account.events,
      posts: account.posts,
      first_seen: campaign.firstSeen,
      last_seen: campaign.lastSeen,
      updated_at: updatedAt,
      retired: 0,
    })),
  );
  return { campaigns: campaignTable, accounts: accountTable };
}

export interface CoordinationStageOptions {
  groupId?: string;
}

export async function startCoordinationStage(
  ctx: PipelineContext,
  options: CoordinationStageOptions = {},
): Promise<StageHandle> {
  const { config, codec, metrics, logger } = ctx;
  const storage = await ctx.storage();
  const source = topicName(config, "mentionsTagged");
  const deadLetters = topicName(config, "deadLetter");
  const producer = await ctx.bus.producer();
  const keys = coordinationKeys(config.topicPrefix);
  const { snapshotIntervalMs, leaseMs, idlePartitionMs } = config.coordination;
  const lease = new Lease({ store: ctx.state, key: keys.leader, ttlMs: leaseMs, gauge: metrics.leader, job: STAGE });

  let stopped = false;
  let lost = false;
  let state: CoordinationState | undefined;
  let consumer: ConsumerHandle | undefined;
  let timer: NodeJS.Timeout | undefined;
  let renewer: NodeJS.Timeout | undefined;
  let releaser: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const onBatch = async (batch: RecordBatch) => {
    const current = state as CoordinationState;
    const id = `${batch.topic}/${batch.partition}`;
    const next = current.received.get(id);
    const records = next === undefined ? batch.records : batch.records.filter(({ offset }) => BigInt(offset) >= next);
    if (records.length === 0) return;
    // A batch after a gap (the bus had not yet moved to the snapshot's offset) would lose records:
    // refused, so the bus delivers it again from where it now reads.
    if (next !== undefined && BigInt((records[0] as { offset: string }).offset) > next) {
      throw new Error(`coordination: ${id} delivered from ${records[0]?.offset}, expected ${next}`);
    }
    const decoded = await decodeBatch(ctx, STAGE, { ...batch, records }, (record) =>
      codec.decode<TaggedMention>(record.value, contracts.TaggedMention),
    );
    await producer.send(deadLetters, decoded.failed);
    // Synchronous from here: a snapshot sees released items and their offsets together, or neither.
    current.enqueue(
      id,
      decoded.values.map((value, i) => ({ value, offset: BigInt((decoded.records[i] as { offset: string }).offset) })),
      BigInt((records[records.length - 1] as { offset: string }).offset) + 1n,
      Date.now(),
    );
    release();
    if (current.full(id)) {
      // Backpressure: this partition is far ahead of the others; its delivery waits for the merge.
      logger.info({ stage: STAGE, partition: id, queued: current.sizes().queued }, "coordination partition paused");
      await current.waitForRoom(id, RELEASE_INTERVAL_MS, () => stopped || lost);
    }
  };
  const release = () => {
    if (!state || lost) return;
    const released = state.drain(Date.now(), idlePartitionMs);
    if (released > 0) metrics.eventsOut.inc({ stage: STAGE, target: "detector" }, released);
  };

  let evicted: CoordinationEvictions | undefined;
  /** Writes the campaigns, then the snapshot they come from. */
  const store = async () => {
    if (!state || lost) return;
    const current = state;
    const rows = current.rows(Date.now());
    const capture = await current.capture(nextTurn);
    if (rows.campaigns.length > 0) {
      await storage.insertRows("campaigns", rows.campaigns);
      await storage.insertRows("campaign_accounts", rows.accounts);
    }
    if (!(await lease.hold())) {
      lost = true;
      logger.error({ stage: STAGE }, "coordination lease lost; not storing the snapshot, consuming stops");
      await consumer?.stop();
      return;
    }
    const written = await storeCapture(ctx.state, keys, capture, SNAPSHOT_TTL_SECONDS);
    current.committed(capture);
    metrics.eventsOut.inc({ stage: STAGE, target: "campaigns" }, rows.campaigns.length);
    for (const [structure, entries] of Object.entries(current.sizes())) {
      metrics.stateEntries.set({ stage: STAGE, structure }, entries);
    }
    const now = current.detector.evicted;
    for (const structure of Object.keys(now) as (keyof CoordinationEvictions)[]) {
      const dropped = now[structure] - (evicted?.[structure] ?? 0);
      if (dropped <= 0) continue;
      metrics.stateEvicted.inc({ stage: STAGE, structure }, dropped);
      logger.warn({ stage: STAGE, structure, dropped }, "coordination state at its cap: the least recent dropped");
    }
    evicted = { ...now };
    logger.debug({ stage: STAGE, campaigns: rows.campaigns.length, ...written }, "coordination snapshot stored");
  };

  const schedule = () => {
    if (stopped || lost) return;
    timer = setTimeout(() => {
      running = store()
        .catch((error: unknown) => logger.error({ stage: STAGE, err: error }, "storing campaigns failed; retrying"))
        .finally(schedule);
    }, snapshotIntervalMs);
  };

  /** Once the lease is held: restores the snapshot, consumes from its offsets, stores periodically. */
  const begin = async () => {
    const partitions = Array.from({ length: TOPICS.mentionsTagged.partitions }, (_, p) => `${source}/${p}`);
    const restored = await loadState(ctx.state, keys, partitions, Date.now(), (version) =>
      logger.warn(
        { stage: STAGE, version },
        "coordination snapshot of an earlier format: replaying the tagged topic from its beginning",
      ),
    );
    state = restored ?? new CoordinationState(undefined, partitions, Date.now());
    evicted = { ...state.detector.evicted };
    // Without a snapshot every partition starts at its beginning, whatever the group committed
    // before a crash that came before the first snapshot.
    const startOffsets = new Map(partitions.map((id) => [id, restored?.offsets.get(id)?.toString() ?? "0"]));
    releaser = setInterval(release, RELEASE_INTERVAL_MS);
    consumer = await ctx.bus.consume({
      groupId: options.groupId ?? `${config.topicPrefix}simak-coordination`,
      topics: [source],
      onBatch: instrumented(ctx, STAGE, onBatch),
      startOffsets,
    });
    schedule();
    renewer = setInterval(() => {
      lease
        .hold()
        .then((held) => {
          if (held || lost) return;
          lost = true;
          logger.error({ stage: STAGE }, "coordination lease lost; consuming stops");
          return consumer?.stop();
        })
        .catch((error: unknown) => logger.error({ stage: STAGE, err: error }, "coordination lease renewal failed"));
    }, leaseMs / 3);
    logger.info({ stage: STAGE, source, restored: restored !== null, snapshotIntervalMs }, "stage started");
  };

  let waiting: NodeJS.Timeout | undefined;
  const waitForLease = async () => {
    if (stopped) return;
    if (await lease.hold()) return begin();
    waiting = setTimeout(() => {
      running = waitForLease().catch((error: unknown) =>
        logger.error({ stage: STAGE, err: error }, "coordination stage could not start; retrying"),
      );
    }, leaseMs / 3);
  };
  await waitForLease();

  return {
    name: STAGE,
    healthy: () => !lost && (consumer?.healthy() ?? true),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(waiting);
      clearInterval(renewer);
      clearInterval(releaser);
      await running;
      if (consumer && !lost) {
        await consumer.stop();
        // A graceful stop stores what it read, so a successor replays nothing.
        await store().catch((error: unknown) =>
          logger.error({ stage: STAGE, err: error }, "storing campaigns at stop failed"),
        );
        await lease.release();
      }
      await producer.close();
    },
  };
}
