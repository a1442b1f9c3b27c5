/**
 * Memory of recent items per platform and agency, from which replies, comments and shares pick
 * their parent. Parents are always items generated earlier, on the same platform, about the same
 * agency; recent and widely followed posts attract more responses.
 */
import type { Issue } from "./agencies.js";
import type { Account } from "./authors.js";
import type { PlaceTruth } from "./places.js";
import { SIMULATED_PLATFORMS, type SimulatedPlatform, type ThreadAnchor } from "./platforms.js";
import type { Random } from "./random.js";
import type { Sentiment } from "./vocabulary.js";

/** An item that later items can reply to or share. */
export interface ThreadItem extends ThreadAnchor {
  platform: SimulatedPlatform;
  agency: number;
  issue: Issue;
  account: Account;
  text: string;
  /** An article's headline. */
  title: string | null;
  /** The places its text names, and its headline's (articles). */
  named: readonly PlaceTruth[];
  titleNamed: readonly PlaceTruth[];
  sentiment: Sentiment;
  /** The thread's top post; null for a top post itself. */
  root: ThreadItem | null;
  /** 0 for a top post, parent's depth + 1 below it. */
  depth: number;
  /** Direct replies/comments and shares generated so far. */
  replies: number;
  shares: number;
}

const PLATFORM_INDEX = Object.fromEntries(SIMULATED_PLATFORMS.map((platform, i) => [platform, i])) as Record<
  SimulatedPlatform,
  number
>;

/** How many recent items are remembered per platform and agency. */
const CAPACITY = 256;

/** A ring of the most recent items. */
class RecentItems {
  private readonly items: ThreadItem[] = [];
  private newest = -1;

  add(item: ThreadItem): void {
    this.newest = (this.newest + 1) % CAPACITY;
    this.items[this.newest] = item;
  }

  /**
   * Biased to recent items (the age is drawn as count * u^2) and, between two candidates, to the
   * one with more followers: a cheap form of preferential attachment.
   */
  pick(random: Random): ThreadItem | undefined {
    if (this.items.length === 0) return undefined;
    const a = this.recent(random);
    const b = this.recent(random);
    return a.account.author.followers >= b.account.author.followers ? a : b;
  }

  private recent(random: Random): ThreadItem {
    const u = random.next();
    return this.items[(this.newest - Math.floor(this.items.length * u * u) + CAPACITY) % CAPACITY] as ThreadItem;
  }
}

export class Threads {
  /** Indexed by platform index * agency count + agency index. */
  private readonly roots: RecentItems[] = [];
  private readonly responses: RecentItems[] = [];

  constructor(private readonly agencyCount: number) {
    for (let i = 0; i < SIMULATED_PLATFORMS.length * agencyCount; i++) {
      this.roots.push(new RecentItems());
      this.responses.push(new RecentItems());
    }
  }

  /** Remembers an item; top posts and the responses below them are kept apart. */
  add(item: ThreadItem): void {
    (item.root === null ? this.roots : this.responses)[this.slot(item.platform, item.agency)]?.add(item);
  }

  /** A recent top post or article. */
  recentRoot(platform: SimulatedPlatform, agency: number, random: Random): ThreadItem | undefined {
    return this.roots[this.slot(platform, agency)]?.pick(random);
  }

  /** A recent reply, comment or quote. */
  recentResponse(platform: SimulatedPlatform, agency: number, random: Random): ThreadItem | undefined {
    return this.responses[this.slot(platform, agency)]?.pick(random);
  }

  private slot(platform: SimulatedPlatform, agency: number): number {
    return PLATFORM_INDEX[platform] * this.agencyCount + agency;
  }
}
