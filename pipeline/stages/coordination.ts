/**
 * The coordination stage: tagged mentions -> processors/coordination's detector -> ClickHouse
 * `campaigns` and `campaign_accounts`, rewritten every `SIMAK_COORDINATION_SNAPSHOT_MS`.
 *
 * The detector's state is one object over every partition (a campaign's posts land on all of them),
 * too big to store with every batch (about 1 MB after 50 minutes at 60 mentions a minute, tens of
 * MB at the default rate). So every interval the stage takes a snapshot, in one synchronous step,
 * of the detector, the agencies its accounts were tagged with and the next offset of every
 * partition it covers, writes the campaigns, then stores the snapshot in the state store (one
 * value: all or nothing). A stage that starts restores the snapshot and reads every partition
 * from the snapshot's offsets (the bus's `startOffsets`, whatever the group committed since), and
 * skips a record at an offset below them: nothing is skipped or counted twice, and campaigns equal
 * those of an uninterrupted run. The tagged topic keeps 7 days; the snapshot lives as long.
 *
 * One instance runs at a time: it holds a lease in the state store (runtime/state/lease.ts) and
 * consumes only while it does; one that loses it stops consuming and reports itself unhealthy
 * (its orchestrator restarts it, and it waits for the lease). Replicas stand by.
 */
import {
  type Campaign,
  CoordinationDetector,
  type CoordinationSnapshot,
  coordinationItem,
} from "../../processors/coordination/index.js";
import { scopesOf } from "../../processors/windows/index.js";
import type { ConsumerHandle, RecordBatch } from "../../runtime/bus/bus.js";
import { decodeBatch, instrumented, type PipelineContext, type StageHandle, topicName } from "../../runtime/context.js";
import { Lease } from "../../runtime/state/lease.js";
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

export function coordinationKeys(prefix: string) {
  const ns = `${prefix}simak:coordination:`;
  return { snapshot: `${ns}snapshot`, leader: `${ns}leader` };
}

/** What the stage stores: the detector, what it keeps beside it, and the offsets covered. */
export interface CoordinationStageSnapshot {
  version: 1;
  /** `topic/partition` -> the next offset to read: every record before it is in the detector. */
  offsets: Record<string, string>;
  detector: CoordinationSnapshot;
  /** account -> last seen, [agency, mentions][]. */
  agencies: [string, number, [string, number][]][];
  /** Campaigns stored in ClickHouse: id, last seen, accounts (to retire what a later write drops). */
  written: [string, number, string[]][];
}

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
  private readonly agencies = new Map<string, { last: number; counts: Map<string, number> }>();
  readonly written = new Map<string, { lastSeen: number; accounts: Set<string> }>();
  private receiving = false;

  constructor(
    readonly detector: CoordinationDetector = new CoordinationDetector(),
    /** Every partition of the source, `topic/partition`: the merge waits for each. */
    readonly partitions: readonly string[] = [],
    now = 0,
  ) {
    for (const id of partitions) this.queues.set(id, { items: [], emptySince: now });
  }

  static restore(snapshot: CoordinationStageSnapshot, partitions: readonly string[] = [], now = 0): CoordinationState {
    const state = new CoordinationState(CoordinationDetector.restore(snapshot.detector), partitions, now);
    for (const [id, offset] of Object.entries(snapshot.offsets)) {
      state.offsets.set(id, BigInt(offset));
      state.received.set(id, BigInt(offset));
    }
    for (const [account, last, counts] of snapshot.agencies) {
      state.agencies.set(account, { last, counts: new Map(counts) });
    }
    for (const [id, lastSeen, accounts] of snapshot.written) {
      state.written.set(id, { lastSeen, accounts: new Set(accounts) });
    }
    return state;
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
    if (!entry) {
      entry = { last: mention.eventTime, counts: new Map() };
      this.agencies.set(account, entry);
    }
    entry.last = Math.max(entry.last, mention.eventTime);
    for (const scope of scopesOf(item)) {
      if (scope.kind === "agency") entry.counts.set(scope.id, (entry.counts.get(scope.id) ?? 0) + 1);
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
    for (const campaign of campaigns) {
      this.written.set(campaign.id, {
        lastSeen: campaign.lastSeen,
        accounts: new Set(campaign.accounts.map(({ account }) => account)),
      });
    }
    return rows;
  }

  snapshot(): CoordinationStageSnapshot {
    const horizon = Math.max(...[...this.agencies.values()].map(({ last }) => last)) - AGENCY_TTL_MS;
    for (const [account, { last }] of this.agencies) if (last < horizon) this.agencies.delete(account);
    return {
      version: 1,
      offsets: Object.fromEntries([...this.offsets].map(([id, offset]) => [id, offset.toString()])),
      detector: this.detector.snapshot(),
      agencies: [...this.agencies].map(([account, { last, counts }]) => [account, last, [...counts]]),
      written: [...this.written].map(([id, { lastSeen, accounts }]) => [id, lastSeen, [...accounts]]),
    };
  }
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
  };
  const release = () => {
    if (!state || lost) return;
    const released = state.drain(Date.now(), idlePartitionMs);
    if (released > 0) metrics.eventsOut.inc({ stage: STAGE, target: "detector" }, released);
  };

  /** Writes the campaigns, then the snapshot they come from. */
  const store = async () => {
    if (!state || lost) return;
    const rows = state.rows(Date.now());
    const value = JSON.stringify(state.snapshot());
    if (rows.campaigns.length > 0) {
      await storage.client.insert({ table: storage.table("campaigns"), values: rows.campaigns, format: "JSONEachRow" });
      await storage.client.insert({
        table: storage.table("campaign_accounts"),
        values: rows.accounts,
        format: "JSONEachRow",
      });
    }
    if (!(await lease.hold())) {
      lost = true;
      logger.error({ stage: STAGE }, "coordination lease lost; not storing the snapshot, consuming stops");
      await consumer?.stop();
      return;
    }
    await ctx.state.setMany([{ key: keys.snapshot, value }], SNAPSHOT_TTL_SECONDS);
    metrics.eventsOut.inc({ stage: STAGE, target: "campaigns" }, rows.campaigns.length);
    logger.debug(
      { stage: STAGE, campaigns: rows.campaigns.length, bytes: value.length },
      "coordination snapshot stored",
    );
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
    const [stored] = await ctx.state.getMany([keys.snapshot]);
    const snapshot = stored ? (JSON.parse(stored) as CoordinationStageSnapshot) : null;
    const partitions = Array.from({ length: TOPICS.mentionsTagged.partitions }, (_, p) => `${source}/${p}`);
    state = snapshot
      ? CoordinationState.restore(snapshot, partitions, Date.now())
      : new CoordinationState(undefined, partitions, Date.now());
    // Without a snapshot every partition starts at its beginning, whatever the group committed
    // before a crash that came before the first snapshot.
    const startOffsets = new Map(partitions.map((id) => [id, snapshot?.offsets[id] ?? "0"]));
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
    logger.info({ stage: STAGE, source, restored: snapshot !== null, snapshotIntervalMs }, "stage started");
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
