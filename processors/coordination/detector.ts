/**
 * The coordination detector: reads mentions one at a time (roughly in event-time order) and
 * finds groups of accounts that act together again and again.
 *
 * Evidence comes in "coordination events", each a set of distinct accounts doing the same thing
 * at nearly the same time:
 *   - a copy event: near-identical texts (MinHash over normalised word pairs, text.ts) from
 *     distinct accounts within COPY_WINDOW_MS of each other;
 *   - an amplification event: distinct accounts sharing the same post within CO_SHARE_WINDOW_MS
 *     of each other (a plain retweet is amplification, never a copy).
 * Once an event has MIN_EVENT_ACCOUNTS accounts, every pair of its accounts counts one event
 * together. One event is a coincidence (a viral post, a quoted headline); a campaign is a group of
 * accounts whose pairs meet in MIN_PAIR_EVENTS events or more: the connected groups of such pairs,
 * scored with the accounts' features (new to us, posting rate, shares, handle pattern, followers).
 *
 * Bounded: events and pairs older than EVIDENCE_TTL_MS are dropped, and at most MAX_PAIRS pairs,
 * MAX_ACCOUNTS accounts and MAX_EVENT_ACCOUNTS accounts per event are kept (the oldest go first;
 * `evicted` counts what a cap dropped).
 * Pure and deterministic: the same mentions in the same order give the same campaigns.
 *
 * Stored as chunks (chunks.ts): pairs and events by the 2-minute bucket they were last seen in
 * (split 16 ways by a hash of their key), copy texts by the 2-minute bucket of their time, accounts
 * by the hour they were last seen in, and one chunk of clocks. Every change marks its
 * chunk; `captureChunks()` copies the rows of the chunks changed since the last stored capture.
 * Map order is part of the state (the least recently seen go first at a cap; a bucket's copies
 * in the order they came), so rows carry a sequence number and a restore puts them back in it.
 */
import {
  BucketIndex,
  CAPTURE_SLICE,
  CHUNK_SHARDS,
  type ChunkCapture,
  ChunkLedger,
  type ChunkRows,
  chunkWidth,
  shardedChunk,
  timeChunk,
} from "./chunks.js";
import { handleStem, hasDigitTail, patternedHandles } from "./handles.js";
import { BANDS, type BandBucket, BandBuckets, fnv1a, shingleHashes, signature, similarityAtLeast } from "./minhash.js";
import { copyWords, isPlainRetweet, MIN_COPY_WORDS } from "./text.js";

/** What the detector needs of a mention. */
export interface CoordinationItem {
  platform: string;
  id: string;
  kind: string;
  authorId: string;
  handle: string;
  followers: number;
  text: string;
  eventTime: number;
  /** The post a share shares (or a reply answers). */
  parentId: string | null;
}

export interface CoordinationOptions {
  /** Copies this close in time (ms) belong to one copy event. */
  copyWindowMs: number;
  /** Shares of one post this close in time (ms) to each other count as acting together. */
  coShareWindowMs: number;
  /** Estimated Jaccard similarity of two texts' word pairs above which they are copies. */
  copySimilarity: number;
  /** An event counts once it has this many distinct accounts. */
  minEventAccounts: number;
  /** Two accounts are tied once they meet in this many events... */
  minPairEvents: number;
  /** ...and in at least this share of the events the less active of the two took part in. */
  minTieShare: number;
  /** A campaign has at least this many accounts... */
  minCampaignAccounts: number;
  /** ...and takes part together (a quarter of its accounts, at least 3) in at least this many events. */
  minCampaignEvents: number;
  /** ...and at least this share of its account pairs are tied (a chain of chance meetings is not a group). */
  minDensity: number;
  /** ...and scores at least this. */
  minScore: number;
  /** Events and pairs are forgotten this long (ms) after they were last seen. */
  evidenceTtlMs: number;
  /** Accounts are forgotten this long (ms) after they were last seen. */
  accountTtlMs: number;
  /** An account first seen less than this long (ms) before it acts is new, once we have watched that long. */
  freshHorizonMs: number;
  /** A campaign is active until this long (ms) after its last event. */
  activeGraceMs: number;
  maxPairs: number;
  maxAccounts: number;
  maxEventAccounts: number;
  /** Events held (the oldest go first). */
  maxEvents: number;
  /** Copy texts held in the LSH buckets (the oldest go first). */
  maxCopies: number;
}

export const DEFAULT_COORDINATION_OPTIONS: Readonly<CoordinationOptions> = {
  copyWindowMs: 15 * 60_000,
  coShareWindowMs: 5 * 60_000,
  copySimilarity: 0.6,
  minEventAccounts: 4,
  minPairEvents: 3,
  minTieShare: 0.3,
  minCampaignAccounts: 5,
  minCampaignEvents: 3,
  minDensity: 0.6,
  minScore: 0.5,
  evidenceTtlMs: 24 * 3_600_000,
  accountTtlMs: 7 * 24 * 3_600_000,
  freshHorizonMs: 6 * 3_600_000,
  activeGraceMs: 30 * 60_000,
  maxPairs: 300_000,
  maxAccounts: 200_000,
  maxEventAccounts: 1_000,
  maxEvents: 100_000,
  maxCopies: 100_000,
};

/** Why a group was judged coordinated; `value` is the measure, `detail` says it in words. */
export interface CampaignReason {
  kind: "copies" | "amplification" | "ties" | "new-accounts" | "handles" | "followers" | "shares" | "rate";
  value: number;
  detail: string;
}

export interface CampaignAccount {
  /** `platform:authorId`. */
  account: string;
  handle: string;
  /** 0..1: the campaign's score times the share of its events the account took part in. */
  score: number;
  /** Events of the campaign the account took part in. */
  events: number;
  posts: number;
}

export interface Campaign {
  id: string;
  platform: string;
  accounts: CampaignAccount[];
  /** The posts the accounts wrote or shared in the campaign's events (at most MAX_CAMPAIGN_POSTS). */
  posts: string[];
  postCount: number;
  firstSeen: number;
  lastSeen: number;
  /** The most copied text, or the shared post's text when the campaign only amplifies. */
  text: string;
  /** The post shared by most of the campaign's accounts, if any. */
  target: string | null;
  copyEvents: number;
  amplificationEvents: number;
  score: number;
  reasons: CampaignReason[];
}

/** Campaign output lists at most this many posts. */
export const MAX_CAMPAIGN_POSTS = 500;

/** Copies remembered per LSH bucket. */
const MAX_BUCKET_REFS = 32;

interface AccountState {
  handle: string;
  followers: number;
  first: number;
  last: number;
  items: number;
  shares: number;
  /** The campaign id it was last found in: keeps a growing campaign's id. */
  campaign: string | null;
  /** Counted events it took part in (ties are judged against it). */
  events: number;
  /** When it was last seen, in the order of the detector's changes (map order after a restore). */
  seq: number;
}

interface EventMember {
  post: string;
  time: number;
}

interface CoordinationEvent {
  id: string;
  kind: "copy" | "amplification";
  platform: string;
  first: number;
  last: number;
  /** The copied text, or the shared post's text when a plain retweet showed it. */
  text: string;
  target: string | null;
  members: Map<string, EventMember>;
  counted: boolean;
  /** When it was created, in the order of the detector's changes (map order after a restore). */
  seq: number;
  /** Its chunk within its bucket (a hash of its id). */
  shard: number;
}

interface CopyRef {
  seq: number;
  time: number;
  signature: Uint32Array;
  event: CoordinationEvent;
  /** Bit i set: the copy is in its band i's bucket, buckets[i]. */
  bands: number;
  buckets: Bucket[];
  /** The last lookup that compared it (a copy sits in up to 16 of a lookup's buckets); not stored. */
  lookup: number;
}

type Bucket = BandBucket<CopyRef>;

interface Pair {
  /** Its key in `pairs`: `a\nb`. */
  key: string;
  a: string;
  b: string;
  count: number;
  last: number;
  seq: number;
  /** Its chunk within its bucket (a hash of its key). */
  shard: number;
}

/** What the caps dropped (not the TTLs): the least recently seen accounts and pairs, ... */
export interface CoordinationEvictions {
  accounts: number;
  pairs: number;
  /** ...accounts refused by an event at maxEventAccounts, and copies pushed out of a full LSH bucket. */
  eventAccounts: number;
  bucketCopies: number;
  /** ...and the oldest events and copies beyond maxEvents and maxCopies. */
  events: number;
  copies: number;
}

/**
 * Chunk rows (JSON arrays), by the chunk id's first letter:
 *   m: [watermark, observedSince, lastSweep, seq] (null for an infinity: nothing seen yet)
 *   a: [account, handle, followers, first, last, items, shares, campaign, events, seq]
 *   p: [a, b, count, last, seq]
 *   e: [id, kind, platform, first, last, text, target, counted, [account, post, time][], seq]
 *   r: [seq, time, signature (base64 of the Uint32Array), event id, bands]
 */
type AccountRow = [string, string, number, number, number, number, number, string | null, number, number];
type PairRow = [string, string, number, number, number];
type EventRow = [
  string,
  "copy" | "amplification",
  string,
  number,
  number,
  string,
  string | null,
  boolean,
  [string, string, number][],
  number,
];
type CopyRow = [number, number, string, string, number];

export class CoordinationDetector {
  readonly options: CoordinationOptions;
  private readonly accounts = new Map<string, AccountState>();
  private readonly buckets = new BandBuckets<CopyRef>();
  private readonly events = new Map<string, CoordinationEvent>();
  /** Amplification events by `platform:target`. */
  private readonly targets = new Map<string, CoordinationEvent>();
  private readonly pairs = new Map<string, Pair>();
  /** The pairs by the bucket of their `last` (their chunk's). */
  private readonly pairIndex = new BucketIndex<Pair>(chunkWidth("p"));
  /** The pairs that met minPairEvents times or more: the only ones campaigns() can find tied. */
  private readonly strongPairs = new Set<Pair>();
  /** The copies held in buckets, by seq (in the order they came). */
  private readonly copies = new Map<number, CopyRef>();
  /** Copy lookups so far: a copy compared in a lookup is marked with its number, not put in a set. */
  private lookups = 0;
  private readonly ledger = new ChunkLedger();
  private watermark = Number.NEGATIVE_INFINITY;
  private observedSince = Number.POSITIVE_INFINITY;
  private lastSweep = Number.NEGATIVE_INFINITY;
  private seq = 0;
  readonly evicted: CoordinationEvictions = {
    accounts: 0,
    pairs: 0,
    eventAccounts: 0,
    bucketCopies: 0,
    events: 0,
    copies: 0,
  };

  constructor(options: Partial<CoordinationOptions> = {}) {
    this.options = { ...DEFAULT_COORDINATION_OPTIONS, ...options };
  }

  /**
   * The rows of every chunk changed since the last stored capture (chunks.ts), copied: the state at
   * one moment, provided nothing is added until it resolves (the stage holds its merge meanwhile).
   * Awaits `yieldTurn` every CAPTURE_SLICE rows looked at, so no turn of the event loop is long.
   * `committed(capture)` once it is stored.
   */
  async captureChunks(yieldTurn: () => Promise<void> = async () => {}): Promise<ChunkCapture> {
    const { epoch, chunks } = this.ledger.changedChunks();
    const rows = new Map<string, ChunkRows>();
    // Every row of a family is looked at (its chunk is its time's bucket): a number compared, the
    // row copied only when its chunk changed.
    const changed = (family: string) =>
      new Set([...chunks].filter((chunk) => chunk[0] === family).map((chunk) => Number.parseInt(chunk.slice(1), 10)));
    let looked = 0;
    /**
     * Whether a slice is done and the capture yields: `weight` is the rows looked at, and the
     * members of an event copied (an event holds up to a thousand). Synchronous: an await per row
     * would cost more than the row.
     */
    const due = (weight = 1): boolean => {
      looked += weight;
      if (looked < CAPTURE_SLICE) return false;
      looked = 0;
      return true;
    };
    const put = (chunk: string, row: unknown) => {
      const list = rows.get(chunk);
      if (list) list.push(row);
      else rows.set(chunk, [row]);
    };
    const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
    if (chunks.has("m")) {
      rows.set("m", [[finite(this.watermark), finite(this.observedSince), finite(this.lastSweep), this.seq]]);
    }
    const accountChunks = changed("a");
    const aWidth = chunkWidth("a");
    if (accountChunks.size > 0) {
      for (const [key, a] of this.accounts) {
        if (due()) await yieldTurn();
        if (!accountChunks.has(Math.floor(a.last / aWidth))) continue;
        const row: AccountRow = [
          key,
          a.handle,
          a.followers,
          a.first,
          a.last,
          a.items,
          a.shares,
          a.campaign,
          a.events,
          a.seq,
        ];
        put(timeChunk("a", a.last), row);
      }
    }
    const pairChunks = new Set([...chunks].filter((chunk) => chunk[0] === "p"));
    // Only the pairs of the changed buckets are looked at (pairs are held by the hundred thousand).
    for (const bucket of changed("p")) {
      const copied = new Set<PairRow[]>();
      for (const pair of this.pairIndex.rows(bucket)) {
        if (due()) await yieldTurn();
        const chunk = shardedChunk("p", pair.last, pair.shard);
        if (!pairChunks.has(chunk)) continue;
        const row: PairRow = [pair.a, pair.b, pair.count, pair.last, pair.seq];
        put(chunk, row);
        copied.add(rows.get(chunk) as PairRow[]);
      }
      // A chunk's pairs in the order of `pairs` (by seq), the order a restore reads them in; a
      // slice sorts a chunk or more (a burst's bucket holds thousands of pairs).
      for (const list of copied) {
        list.sort((x, y) => x[4] - y[4]);
        if (due(list.length)) await yieldTurn();
      }
    }
    const eventChunks = new Set([...chunks].filter((chunk) => chunk[0] === "e"));
    const eventBuckets = changed("e");
    const eWidth = chunkWidth("e");
    if (eventChunks.size > 0) {
      for (const event of this.events.values()) {
        if (due()) await yieldTurn();
        if (!eventBuckets.has(Math.floor(event.last / eWidth))) continue;
        const chunk = shardedChunk("e", event.last, event.shard);
        if (!eventChunks.has(chunk)) continue;
        const row: EventRow = [
          event.id,
          event.kind,
          event.platform,
          event.first,
          event.last,
          event.text,
          event.target,
          event.counted,
          [...event.members].map(([account, { post, time }]): [string, string, number] => [account, post, time]),
          event.seq,
        ];
        put(chunk, row);
        if (due(event.members.size)) await yieldTurn();
      }
    }
    const copyChunks = changed("r");
    const rWidth = chunkWidth("r");
    if (copyChunks.size > 0) {
      for (const ref of this.copies.values()) {
        if (due()) await yieldTurn();
        if (!copyChunks.has(Math.floor(ref.time / rWidth))) continue;
        const bytes = Buffer.from(ref.signature.buffer, ref.signature.byteOffset, ref.signature.byteLength);
        const row: CopyRow = [ref.seq, ref.time, bytes.toString("base64"), ref.event.id, ref.bands];
        put(timeChunk("r", ref.time), row);
      }
    }
    return this.ledger.capture(epoch, chunks, rows);
  }

  /** The capture is stored: its chunks are written again only when they change again. */
  committed(capture: ChunkCapture): void {
    this.ledger.committed(capture);
  }

  /** Chunks changed since the last stored capture. */
  get pendingChunks(): number {
    return this.ledger.pending;
  }

  /** A detector that goes on exactly as the one whose chunks (all of them, as stored) these are. */
  static fromChunks(
    chunks: Iterable<[string, ChunkRows]>,
    options: Partial<CoordinationOptions> = {},
  ): CoordinationDetector {
    const detector = new CoordinationDetector(options);
    const accounts: AccountRow[] = [];
    const pairs: PairRow[] = [];
    const copies: CopyRow[] = [];
    const events: EventRow[] = [];
    const ids: string[] = [];
    for (const [chunk, rows] of chunks) {
      ids.push(chunk);
      const family = chunk[0];
      if (family === "m") {
        const [watermark, observedSince, lastSweep, seq] = rows[0] as [
          number | null,
          number | null,
          number | null,
          number,
        ];
        detector.watermark = watermark ?? Number.NEGATIVE_INFINITY;
        detector.observedSince = observedSince ?? Number.POSITIVE_INFINITY;
        detector.lastSweep = lastSweep ?? Number.NEGATIVE_INFINITY;
        detector.seq = seq;
      } else if (family === "a") for (const row of rows) accounts.push(row as AccountRow);
      else if (family === "p") for (const row of rows) pairs.push(row as PairRow);
      else if (family === "r") for (const row of rows) copies.push(row as CopyRow);
      else if (family === "e") {
        for (const row of rows) events.push(row as EventRow);
      } else throw new Error(`coordination snapshot: unknown chunk ${chunk}`);
    }
    events.sort((x, y) => x[9] - y[9]);
    for (const [id, kind, platform, first, last, text, target, counted, members, seq] of events) {
      const event: CoordinationEvent = {
        id,
        kind,
        platform,
        first,
        last,
        text,
        target,
        counted,
        members: new Map(members.map(([account, post, time]) => [account, { post, time }])),
        seq,
        shard: fnv1a(id) % CHUNK_SHARDS,
      };
      detector.events.set(id, event);
      if (kind === "amplification") detector.targets.set(`${platform}:${target}`, event);
    }
    accounts.sort((x, y) => x[9] - y[9]);
    for (const [key, handle, followers, first, last, items, shares, campaign, events, seq] of accounts) {
      detector.accounts.set(key, { handle, followers, first, last, items, shares, campaign, events, seq });
    }
    pairs.sort((x, y) => x[4] - y[4]);
    for (const [a, b, count, last, seq] of pairs) {
      const key = `${a}\n${b}`;
      const pair: Pair = { key, a, b, count, last, seq, shard: fnv1a(key) % CHUNK_SHARDS };
      detector.pairs.set(key, pair);
      detector.pairIndex.add(last, pair);
      if (count >= detector.options.minPairEvents) detector.strongPairs.add(pair);
    }
    // Each bucket holds its copies in the order they came: pushed back in seq order, to the bands they were in.
    copies.sort((x, y) => x[0] - y[0]);
    for (const [seq, time, encoded, eventId, bands] of copies) {
      const bytes = Buffer.from(encoded, "base64");
      const signature = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      // A copy of an event swept meanwhile matches nothing (copy()): a stand-in keeps its id.
      const event = detector.events.get(eventId) ?? detachedEvent(eventId);
      const ref: CopyRef = { seq, time, signature, event, bands, buckets: [], lookup: 0 };
      detector.copies.set(seq, ref);
      for (let band = 0; band < BANDS; band++) {
        if ((bands & (1 << band)) === 0) continue;
        let bucket = detector.buckets.find(signature, band);
        if (bucket) bucket.refs.push(ref);
        else bucket = detector.buckets.open(signature, band, ref);
        ref.buckets[band] = bucket;
      }
    }
    detector.ledger.restored(ids);
    return detector;
  }

  /** Sizes of the state, for metrics and the bench. */
  get size(): { accounts: number; pairs: number; events: number; buckets: number; copies: number } {
    return {
      accounts: this.accounts.size,
      pairs: this.pairs.size,
      events: this.events.size,
      buckets: this.buckets.size,
      copies: this.copies.size,
    };
  }

  add(item: CoordinationItem): void {
    const time = item.eventTime;
    if (time > this.watermark) this.watermark = time;
    if (time < this.observedSince) this.observedSince = time;
    // The clocks and the sequence change with every mention.
    this.ledger.mark("m");
    const key = `${item.platform}:${item.authorId}`;
    const isShare = item.kind === "share" && item.parentId !== null;
    this.touchAccount(key, item, isShare);

    if (isShare) this.amplify(key, item, isPlainRetweet(item.text));
    // Replies and comments repeat stock phrases ("ikut nanya ya, ini berlaku buat semua daerah?")
    // under everyone's posts; copy-paste campaigns post. Replies feed the network only.
    // Only top posts are copies. News portals' articles share press releases' wording
    // (syndication); a quote's own words are mostly a stock phrase ("share biar makin banyak yg
    // tau") and it amplifies what it quotes, as a retweet does.
    if (item.kind === "post") {
      const words = copyWords(item.text);
      if (words.length >= MIN_COPY_WORDS) this.copy(key, item, words);
    }
    if (this.watermark - this.lastSweep >= 60_000) this.sweep();
  }

  /** The campaigns found in the evidence held now, strongest first. */
  campaigns(): Campaign[] {
    const o = this.options;
    // Union-find over tied pairs.
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let root = x;
      while (parent.get(root) !== root) root = parent.get(root) as string;
      let node = x;
      while (node !== root) {
        const next = parent.get(node) as string;
        parent.set(node, root);
        node = next;
      }
      return root;
    };
    // A tie: the pair met in minPairEvents events or more, and in at least minTieShare of the events
    // the less active of the two took part in (people active everywhere meet everyone now and then).
    const tied = (pair: Pair): boolean => {
      if (pair.count < o.minPairEvents) return false;
      const fewest = Math.min(this.accounts.get(pair.a)?.events ?? 0, this.accounts.get(pair.b)?.events ?? 0);
      return pair.count >= o.minTieShare * fewest;
    };
    // Groups and their roots do not depend on the order pairs are read in.
    for (const pair of this.strongPairs) {
      if (!tied(pair)) continue;
      for (const x of [pair.a, pair.b]) if (!parent.has(x)) parent.set(x, x);
      const ra = find(pair.a);
      const rb = find(pair.b);
      // The smaller id becomes the root, so groups do not depend on the order pairs were seen in.
      if (ra < rb) parent.set(rb, ra);
      else if (rb < ra) parent.set(ra, rb);
    }
    const groups = new Map<string, string[]>();
    for (const account of parent.keys()) {
      const root = find(account);
      const group = groups.get(root);
      if (group) group.push(account);
      else groups.set(root, [account]);
    }
    const tiedPairs = new Map<string, number>();
    for (const pair of this.strongPairs) {
      if (!tied(pair)) continue;
      const root = find(pair.a);
      tiedPairs.set(root, (tiedPairs.get(root) ?? 0) + 1);
    }

    // Which counted events each group took part in.
    const groupEvents = new Map<string, { event: CoordinationEvent; members: string[] }[]>();
    for (const event of this.events.values()) {
      if (!event.counted) continue;
      const byGroup = new Map<string, string[]>();
      for (const account of event.members.keys()) {
        if (!parent.has(account)) continue;
        const root = find(account);
        const members = byGroup.get(root);
        if (members) members.push(account);
        else byGroup.set(root, [account]);
      }
      for (const [root, members] of byGroup) {
        const size = groups.get(root)?.length ?? 0;
        if (members.length < Math.max(3, size / 4)) continue;
        const list = groupEvents.get(root);
        if (list) list.push({ event, members });
        else groupEvents.set(root, [{ event, members }]);
      }
    }

    const found: Campaign[] = [];
    const claimed = new Set<string>();
    const candidates = [...groups].filter(([, members]) => members.length >= o.minCampaignAccounts);
    // Bigger groups claim their previous id first.
    candidates.sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
    for (const [root, members] of candidates) {
      const events = groupEvents.get(root) ?? [];
      if (events.length < o.minCampaignEvents) continue;
      const n = members.length;
      const tiedCount = tiedPairs.get(root) ?? 0;
      if (tiedCount < o.minDensity * ((n * (n - 1)) / 2)) continue;
      const campaign = this.describe(members, events, tiedCount, claimed);
      if (campaign.score < o.minScore) continue;
      claimed.add(campaign.id);
      for (const account of campaign.accounts) {
        const state = this.accounts.get(account.account);
        if (state && state.campaign !== campaign.id) {
          state.campaign = campaign.id;
          this.ledger.mark(timeChunk("a", state.last));
        }
      }
      found.push(campaign);
    }
    found.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    return found;
  }

  /** The campaigns whose last event is at most activeGraceMs before `time`. */
  activeCampaigns(time: number = this.watermark): Campaign[] {
    return this.campaigns().filter((campaign) => campaign.lastSeen + this.options.activeGraceMs >= time);
  }

  private describe(
    members: string[],
    events: { event: CoordinationEvent; members: string[] }[],
    tiedPairs: number,
    claimed: ReadonlySet<string>,
  ): Campaign {
    const o = this.options;
    members.sort();
    events.sort((a, b) => a.event.first - b.event.first || (a.event.id < b.event.id ? -1 : 1));
    const perAccount = new Map<string, { events: number; posts: number }>();
    const posts = new Set<string>();
    let firstSeen = Number.POSITIVE_INFINITY;
    let lastSeen = Number.NEGATIVE_INFINITY;
    let copyEvents = 0;
    let amplificationEvents = 0;
    let biggestCopy: { event: CoordinationEvent; members: string[] } | null = null;
    let biggestShare: { event: CoordinationEvent; members: string[] } | null = null;
    for (const entry of events) {
      const { event } = entry;
      if (event.kind === "copy") {
        copyEvents++;
        if (!biggestCopy || entry.members.length > biggestCopy.members.length) biggestCopy = entry;
      } else {
        amplificationEvents++;
        if (!biggestShare || entry.members.length > biggestShare.members.length) biggestShare = entry;
      }
      for (const account of entry.members) {
        const member = event.members.get(account) as EventMember;
        posts.add(member.post);
        if (member.time < firstSeen) firstSeen = member.time;
        if (member.time > lastSeen) lastSeen = member.time;
        const tally = perAccount.get(account) ?? { events: 0, posts: 0 };
        tally.events++;
        tally.posts++;
        perAccount.set(account, tally);
      }
    }
    const n = members.length;
    const states = members.map((account) => this.accounts.get(account));
    const handles = states.map((state) => state?.handle ?? "");
    const { patterned, stem } = patternedHandles(handles);
    const historyKnown = firstSeen - this.observedSince >= o.freshHorizonMs;
    const fresh = historyKnown
      ? states.filter((state) => state !== undefined && firstSeen - state.first < o.freshHorizonMs).length
      : 0;
    const followers = states.map((state) => state?.followers ?? 0).sort((a, b) => a - b);
    const medianFollowers = followers[Math.floor(n / 2)] ?? 0;
    let items = 0;
    let shares = 0;
    for (const state of states) {
      items += state?.items ?? 0;
      shares += state?.shares ?? 0;
    }
    const spanHours = Math.max(1 / 6, (lastSeen - firstSeen) / 3_600_000);
    const ratePerAccountHour = items / n / spanHours;
    const density = n > 1 ? tiedPairs / ((n * (n - 1)) / 2) : 0;

    const together = events.length;
    const sync = Math.min(1, together / 6);
    const score = clamp01(
      0.4 * sync +
        0.2 * density +
        0.1 * (patterned / n) +
        0.1 * (fresh / n) +
        0.1 * (medianFollowers < 100 ? 1 : medianFollowers < 1000 ? 0.5 : 0) +
        0.1 * Math.min(1, ratePerAccountHour / 4),
    );
    const reasons: CampaignReason[] = [];
    if (copyEvents > 0) {
      reasons.push({ kind: "copies", value: copyEvents, detail: `${copyEvents} waves of near-identical posts` });
    }
    if (amplificationEvents > 0) {
      reasons.push({
        kind: "amplification",
        value: amplificationEvents,
        detail: `${amplificationEvents} posts shared together within minutes`,
      });
    }
    reasons.push({
      kind: "ties",
      value: round2(density),
      detail: `${Math.round(density * 100)}% of account pairs acted together ${o.minPairEvents}+ times`,
    });
    if (fresh > 0) {
      reasons.push({
        kind: "new-accounts",
        value: round2(fresh / n),
        detail: `${Math.round((100 * fresh) / n)}% of accounts new`,
      });
    }
    if (patterned > 0) {
      reasons.push({
        kind: "handles",
        value: round2(patterned / n),
        detail: `${Math.round((100 * patterned) / n)}% of handles are "${stem}" + digits`,
      });
    }
    reasons.push({ kind: "followers", value: medianFollowers, detail: `median ${medianFollowers} followers` });
    if (items > 0 && shares / items >= 0.3) {
      reasons.push({
        kind: "shares",
        value: round2(shares / items),
        detail: `${Math.round((100 * shares) / items)}% of posts are shares`,
      });
    }
    reasons.push({
      kind: "rate",
      value: round2(ratePerAccountHour),
      detail: `${round2(ratePerAccountHour)} posts per account per hour`,
    });

    const accounts: CampaignAccount[] = members.map((account, i) => {
      const tally = perAccount.get(account) ?? { events: 0, posts: 0 };
      return {
        account,
        handle: handles[i] as string,
        score: round2(score * Math.min(1, tally.events / Math.max(1, together / 2))),
        events: tally.events,
        posts: tally.posts,
      };
    });
    // Keep a growing campaign's id: the one most of its accounts had, else a new one from its first event.
    const previous = new Map<string, number>();
    for (const state of states) {
      if (state?.campaign && !claimed.has(state.campaign)) {
        previous.set(state.campaign, (previous.get(state.campaign) ?? 0) + 1);
      }
    }
    let id: string | null = null;
    let best = 0;
    for (const [candidate, count] of previous) {
      if (count > best || (count === best && id !== null && candidate < id)) {
        id = candidate;
        best = count;
      }
    }
    const first = events[0]?.event as CoordinationEvent;
    id ??= `${first.platform}-${fnv1a(`${first.id}|${members[0]}`).toString(36)}`;
    const sharedText = biggestCopy?.event.text ?? biggestShare?.event.text ?? "";
    return {
      id,
      platform: first.platform,
      accounts,
      posts: [...posts].sort().slice(0, MAX_CAMPAIGN_POSTS),
      postCount: posts.size,
      firstSeen,
      lastSeen,
      text: sharedText,
      target: biggestShare?.event.target ?? null,
      copyEvents,
      amplificationEvents,
      score: round2(score),
      reasons,
    };
  }

  /** The account's coordination score in the campaigns found now (0 when in none). */
  accountScores(campaigns: readonly Campaign[] = this.campaigns()): Map<string, number> {
    const scores = new Map<string, number>();
    for (const campaign of campaigns) {
      for (const account of campaign.accounts) {
        scores.set(account.account, Math.max(scores.get(account.account) ?? 0, account.score));
      }
    }
    return scores;
  }

  private touchAccount(key: string, item: CoordinationItem, isShare: boolean): void {
    let state = this.accounts.get(key);
    if (state) {
      // Most recently seen last, so the oldest are evicted first.
      this.accounts.delete(key);
      this.ledger.mark(timeChunk("a", state.last));
      state.handle = item.handle;
      state.followers = item.followers;
      if (item.eventTime < state.first) state.first = item.eventTime;
      if (item.eventTime > state.last) state.last = item.eventTime;
    } else {
      state = {
        handle: item.handle,
        followers: item.followers,
        first: item.eventTime,
        last: item.eventTime,
        items: 0,
        shares: 0,
        campaign: null,
        events: 0,
        seq: 0,
      };
    }
    state.items++;
    if (isShare) state.shares++;
    state.seq = ++this.seq;
    this.accounts.set(key, state);
    this.ledger.mark(timeChunk("a", state.last));
    if (this.accounts.size > this.options.maxAccounts) {
      const [oldest, evicted] = this.accounts.entries().next().value as [string, AccountState];
      this.accounts.delete(oldest);
      this.ledger.mark(timeChunk("a", evicted.last));
      this.evicted.accounts++;
    }
  }

  private amplify(account: string, item: CoordinationItem, plain: boolean): void {
    const targetKey = `${item.platform}:${item.parentId}`;
    let event = this.targets.get(targetKey);
    if (!event) {
      event = {
        id: `share:${targetKey}`,
        kind: "amplification",
        platform: item.platform,
        first: item.eventTime,
        last: item.eventTime,
        text: "",
        target: item.parentId,
        members: new Map(),
        counted: false,
        seq: ++this.seq,
        shard: 0,
      };
      this.targets.set(targetKey, event);
      this.addEvent(event);
    }
    if (plain && event.text === "") {
      event.text = item.text.replace(/^RT @[\p{L}\p{N}_.]+:\s*/u, "");
      this.ledger.mark(shardedChunk("e", event.last, event.shard));
    }
    this.join(event, account, item, this.options.coShareWindowMs);
  }

  private copy(account: string, item: CoordinationItem, words: string[]): void {
    const o = this.options;
    const sig = signature(shingleHashes(words));
    const found: (Bucket | undefined)[] = [];
    for (let band = 0; band < BANDS; band++) found.push(this.buckets.find(sig, band));
    let best: CopyRef | null = null;
    let bestSimilarity = o.copySimilarity;
    const lookup = ++this.lookups;
    for (const bucket of found) {
      if (!bucket) continue;
      for (const ref of bucket.refs) {
        if (ref.lookup === lookup || Math.abs(ref.time - item.eventTime) > o.copyWindowMs) continue;
        ref.lookup = lookup;
        const s = similarityAtLeast(sig, ref.signature, bestSimilarity);
        if (s >= bestSimilarity) {
          best = ref;
          bestSimilarity = s;
        }
      }
    }
    // A copy whose event was swept (it had stopped growing) starts a new one.
    let event = best && this.events.get(best.event.id) === best.event ? best.event : undefined;
    if (!event) {
      event = {
        id: `copy:${item.platform}:${item.id}`,
        kind: "copy",
        platform: item.platform,
        first: item.eventTime,
        last: item.eventTime,
        text: item.text,
        target: null,
        members: new Map(),
        counted: false,
        seq: ++this.seq,
        shard: 0,
      };
      this.addEvent(event);
    }
    const ref: CopyRef = {
      seq: ++this.seq,
      time: item.eventTime,
      signature: sig,
      event,
      bands: 0,
      buckets: [],
      lookup,
    };
    // The buckets looked up are still the ones held: nothing since dropped a bucket.
    found.forEach((held, band) => {
      ref.bands |= 1 << band;
      let bucket = held;
      if (!bucket) bucket = this.buckets.open(sig, band, ref);
      else {
        // The latest few copies of a text are enough to find its event; stock phrases stay cheap.
        if (bucket.refs.length >= MAX_BUCKET_REFS) {
          this.leaveBucket(bucket.refs.shift() as CopyRef, band);
          this.evicted.bucketCopies++;
        }
        bucket.refs.push(ref);
      }
      ref.buckets.push(bucket);
    });
    this.copies.set(ref.seq, ref);
    this.ledger.mark(timeChunk("r", ref.time));
    if (this.copies.size > o.maxCopies) {
      const oldest = this.copies.values().next().value as CopyRef;
      oldest.buckets.forEach((bucket, band) => {
        if ((oldest.bands & (1 << band)) === 0) return;
        bucket.refs.splice(bucket.refs.indexOf(oldest), 1);
        if (bucket.refs.length === 0) this.buckets.close(bucket);
        this.leaveBucket(oldest, band);
      });
      this.evicted.copies++;
    }
    this.join(event, account, item, o.copyWindowMs);
  }

  /** Adds the account to the event and ties it to the members that acted within `windowMs` of it. */
  private join(event: CoordinationEvent, account: string, item: CoordinationItem, windowMs: number): void {
    const o = this.options;
    if (event.members.has(account)) return;
    if (event.members.size >= o.maxEventAccounts) {
      this.evicted.eventAccounts++;
      return;
    }
    const time = item.eventTime;
    this.ledger.mark(shardedChunk("e", event.last, event.shard));
    if (time < event.first) event.first = time;
    if (time > event.last) event.last = time;
    event.members.set(account, { post: item.id, time });
    this.ledger.mark(shardedChunk("e", event.last, event.shard));
    if (!event.counted) {
      if (event.members.size < o.minEventAccounts) return;
      event.counted = true;
      for (const member of event.members.keys()) this.countEvent(member);
      const members = [...event.members];
      for (let i = 0; i < members.length; i++) {
        for (let j = i + 1; j < members.length; j++) {
          const [a, ma] = members[i] as [string, EventMember];
          const [b, mb] = members[j] as [string, EventMember];
          if (Math.abs(ma.time - mb.time) <= windowMs) this.tie(a, b, Math.max(ma.time, mb.time));
        }
      }
      return;
    }
    this.countEvent(account);
    for (const [other, member] of event.members) {
      if (other !== account && Math.abs(member.time - time) <= windowMs)
        this.tie(account, other, Math.max(member.time, time));
    }
  }

  private countEvent(account: string): void {
    const state = this.accounts.get(account);
    if (!state) return;
    state.events++;
    this.ledger.mark(timeChunk("a", state.last));
  }

  private tie(x: string, y: string, time: number): void {
    const [a, b] = x < y ? [x, y] : [y, x];
    const key = `${a}\n${b}`;
    const pair = this.pairs.get(key);
    if (pair) {
      this.pairs.delete(key);
      this.ledger.mark(shardedChunk("p", pair.last, pair.shard));
      pair.count++;
      if (time > pair.last) {
        this.pairIndex.move(pair.last, time, pair);
        pair.last = time;
      }
      pair.seq = ++this.seq;
      this.pairs.set(key, pair);
      this.ledger.mark(shardedChunk("p", pair.last, pair.shard));
      if (pair.count >= this.options.minPairEvents) this.strongPairs.add(pair);
    } else {
      const created: Pair = { key, a, b, count: 1, last: time, seq: ++this.seq, shard: fnv1a(key) % CHUNK_SHARDS };
      this.pairs.set(key, created);
      this.pairIndex.add(time, created);
      if (created.count >= this.options.minPairEvents) this.strongPairs.add(created);
      this.ledger.mark(shardedChunk("p", time, created.shard));
      if (this.pairs.size > this.options.maxPairs) {
        this.dropPair(this.pairs.values().next().value as Pair);
        this.evicted.pairs++;
      }
    }
  }

  private dropPair(pair: Pair): void {
    this.pairs.delete(pair.key);
    this.pairIndex.delete(pair.last, pair);
    this.strongPairs.delete(pair);
    this.ledger.mark(shardedChunk("p", pair.last, pair.shard));
  }

  /** Drops what has aged out of every window. */
  private sweep(): void {
    const o = this.options;
    const now = this.watermark;
    this.lastSweep = now;
    const copyHorizon = now - 2 * o.copyWindowMs;
    // A bucket's copies leave from its front while they are older than the horizon. A bucket with
    // such a front holds an old copy, and every copy held is in `copies`: their buckets are the
    // ones to look at (far fewer than all).
    for (const old of this.copies.values()) {
      if (old.time >= copyHorizon) continue;
      for (let band = 0; band < BANDS; band++) {
        if ((old.bands & (1 << band)) === 0) continue;
        const bucket = old.buckets[band] as Bucket;
        let keep = 0;
        while (keep < bucket.refs.length && (bucket.refs[keep] as CopyRef).time < copyHorizon) keep++;
        if (keep === 0) continue;
        for (const ref of bucket.refs.splice(0, keep)) this.leaveBucket(ref, band);
        if (bucket.refs.length === 0) this.buckets.close(bucket);
      }
    }
    const evidenceHorizon = now - o.evidenceTtlMs;
    for (const [id, event] of this.events) {
      // Events that never gathered enough accounts are dropped once no copy or share can join them.
      const gone = event.counted
        ? event.last < evidenceHorizon
        : event.last < now - 2 * Math.max(o.copyWindowMs, o.coShareWindowMs);
      if (!gone) continue;
      this.events.delete(id);
      this.ledger.mark(shardedChunk("e", event.last, event.shard));
      if (event.kind === "amplification") this.targets.delete(`${event.platform}:${event.target}`);
    }
    const lastBucket = this.pairIndex.bucketOf(evidenceHorizon);
    for (const bucket of this.pairIndex.buckets()) {
      if (bucket > lastBucket) continue;
      for (const pair of this.pairIndex.rows(bucket)) if (pair.last < evidenceHorizon) this.dropPair(pair);
    }
    const accountHorizon = now - o.accountTtlMs;
    for (const [key, state] of this.accounts) {
      if (state.last >= accountHorizon) break;
      this.accounts.delete(key);
      this.ledger.mark(timeChunk("a", state.last));
    }
  }

  /** Holds a new event; beyond maxEvents the oldest goes (a copy still pointing at it matches nothing). */
  private addEvent(event: CoordinationEvent): void {
    event.shard = fnv1a(event.id) % CHUNK_SHARDS;
    this.events.set(event.id, event);
    this.ledger.mark(shardedChunk("e", event.last, event.shard));
    if (this.events.size <= this.options.maxEvents) return;
    const oldest = this.events.values().next().value as CoordinationEvent;
    this.events.delete(oldest.id);
    if (oldest.kind === "amplification") this.targets.delete(`${oldest.platform}:${oldest.target}`);
    this.ledger.mark(shardedChunk("e", oldest.last, oldest.shard));
    this.evicted.events++;
  }

  /** The copy is no longer in its band's bucket; once in none, it is forgotten. */
  private leaveBucket(ref: CopyRef, band: number): void {
    ref.bands &= ~(1 << band);
    if (ref.bands === 0) this.copies.delete(ref.seq);
    this.ledger.mark(timeChunk("r", ref.time));
  }
}

/** Stands in for the swept event a copy restored from chunks still refers to (copy() ignores it). */
function detachedEvent(id: string): CoordinationEvent {
  return {
    id,
    kind: "copy",
    platform: "",
    first: 0,
    last: 0,
    text: "",
    target: null,
    members: new Map(),
    counted: false,
    seq: 0,
    shard: 0,
  };
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export { handleStem, hasDigitTail };
