/**
 * The accounts that write: ordinary people (most with tens to hundreds of followers, a few
 * influencers with up to millions), news portals' accounts and the agencies' official accounts.
 * Follower counts are heavy-tailed because reach, influence and virality all depend on them.
 */
import type { Author } from "../../schemas/types.generated.js";
import { AGENCIES } from "./agencies.js";
import { type PlaceTruth, profileLocation } from "./places.js";
import {
  accountId,
  OUTLETS,
  type Outlet,
  PLATFORM_WEIGHTS,
  SIMULATED_PLATFORMS,
  type SimulatedPlatform,
} from "./platforms.js";
import { Random, WeightedTable } from "./random.js";
import { FIRST_NAMES, HANDLE_PREFIXES, LAST_NAMES } from "./vocabulary.js";

export interface Account {
  /** Copied into every Mention the account writes. */
  author: Readonly<Author>;
  platform: SimulatedPlatform;
  /** Set for a news portal's accounts. */
  outlet: Outlet | null;
  /** Where the profile location (author.location) is: ground truth; null without one or abroad. */
  home: PlaceTruth | null;
}

/** Platforms where ordinary people post (news portals publish only their own articles). */
const PEOPLE_PLATFORMS = SIMULATED_PLATFORMS.filter((platform) => platform !== "news");
const PEOPLE_PLATFORM_SHARE = new WeightedTable(PLATFORM_WEIGHTS.filter(([platform]) => platform !== "news"));

/** Share of people who are influencers, with log-uniform followers over INFLUENCER_FOLLOWERS. */
const INFLUENCER_SHARE = 0.015;
const INFLUENCER_FOLLOWERS = [20_000, 5_000_000] as const;
/** Everyone else: log-normal around a median of 150 followers. */
const ORDINARY_MEDIAN_FOLLOWERS = 150;
const ORDINARY_FOLLOWERS_SIGMA = 1.5;
/** Kaskus profiles have few followers compared to the social networks. */
const FORUM_FOLLOWER_SCALE = 0.05;

function personFollowers(platform: SimulatedPlatform, random: Random): number {
  const followers = random.chance(INFLUENCER_SHARE)
    ? random.logUniform(...INFLUENCER_FOLLOWERS)
    : random.logNormal(ORDINARY_MEDIAN_FOLLOWERS, ORDINARY_FOLLOWERS_SIGMA);
  return Math.round(platform === "forum" ? followers * FORUM_FOLLOWER_SCALE : followers);
}

function isVerifiedPerson(platform: SimulatedPlatform, followers: number, random: Random): boolean {
  if (platform === "forum") return false;
  if (followers >= 100_000) return random.chance(0.7);
  if (followers >= 10_000) return random.chance(0.1);
  return random.chance(0.01);
}

function personHandle(first: string, last: string, platform: SimulatedPlatform, random: Random): string {
  const f = first.toLowerCase();
  const l = last.toLowerCase();
  const digits = String(random.int(100) + (random.chance(0.3) ? 1970 : 0));
  switch (random.int(6)) {
    case 0:
      return f + l;
    case 1:
      // Dots are allowed in handles only on instagram and tiktok.
      return platform === "instagram" || platform === "tiktok" ? `${f}.${l}` : `${f}_${l}`;
    case 2:
      return f + digits;
    case 3:
      return `${random.pick(HANDLE_PREFIXES)}_${f}`;
    case 4:
      return `${f}${l.charAt(0)}${digits}`;
    default:
      return `ini${f}`;
  }
}

function personDisplayName(first: string, last: string, random: Random): string {
  switch (random.int(5)) {
    case 0:
      return first;
    case 1:
      return `${first} ${last.charAt(0)}.`;
    case 2:
      return `${first.toLowerCase()} ${random.pick(["🌻", "✨", "🇮🇩", "🙏", "☕"])}`;
    default:
      return `${first} ${last}`;
  }
}

export class AuthorPool {
  private readonly people = new Map<SimulatedPlatform, Account[]>();
  private readonly media = new Map<SimulatedPlatform, Account[]>();
  /** Keyed by `${platform}:${agency index}`. */
  private readonly officials = new Map<string, Account>();

  /** `seed` seeds the profile locations' own stream, so they shift no other choice. */
  constructor(people: number, random: Random, seed: number) {
    const locations = new Random(seed, "profile-locations");
    const taken = new Map<SimulatedPlatform, Set<string>>(SIMULATED_PLATFORMS.map((p) => [p, new Set()]));
    const unique = (platform: SimulatedPlatform, handle: string): string => {
      const used = taken.get(platform) as Set<string>;
      let candidate = handle;
      while (used.has(candidate)) candidate = `${handle}${random.int(1000)}`;
      used.add(candidate);
      return candidate;
    };
    const add = (into: Map<SimulatedPlatform, Account[]>, account: Account): void => {
      const list = into.get(account.platform);
      if (list) list.push(account);
      else into.set(account.platform, [account]);
    };

    for (let i = 0; i < people; i++) {
      // The first few go round-robin so that every platform has someone even in a tiny pool.
      const platform = PEOPLE_PLATFORMS[i] ?? PEOPLE_PLATFORM_SHARE.pick(random);
      const first = random.pick(FIRST_NAMES);
      const last = random.pick(LAST_NAMES);
      const followers = personFollowers(platform, random);
      const [location, home] = profileLocation(locations) ?? [null, null];
      const author: Author = {
        id: accountId(platform, random),
        handle: unique(platform, personHandle(first, last, platform, random)),
        // Kaskus shows usernames only.
        name: platform === "forum" ? null : personDisplayName(first, last, random),
        followers,
        verified: isVerifiedPerson(platform, followers, random),
        location,
      };
      add(this.people, { author, platform, outlet: null, home });
    }

    for (const outlet of OUTLETS) {
      for (const platform of SIMULATED_PLATFORMS) {
        if (platform === "forum") continue;
        const author: Author = {
          id: platform === "news" ? outlet.domain : accountId(platform, random),
          handle: unique(platform, outlet.handle),
          name: outlet.name,
          followers: Math.round(random.logUniform(1_000_000, 20_000_000)),
          verified: true,
          location: null,
        };
        add(this.media, { author, platform, outlet, home: null });
      }
    }

    AGENCIES.forEach((agency, index) => {
      for (const platform of SIMULATED_PLATFORMS) {
        const handle = agency.handles[platform];
        if (handle === undefined) continue;
        const author: Author = {
          id: accountId(platform, random),
          handle: unique(platform, handle),
          name: agency.name,
          followers: Math.round(random.logUniform(200_000, 8_000_000)),
          verified: true,
          location: null,
        };
        this.officials.set(`${platform}:${index}`, { author, platform, outlet: null, home: null });
      }
    });
  }

  person(platform: SimulatedPlatform, random: Random): Account {
    return random.pick(this.people.get(platform) as Account[]);
  }

  /**
   * A person with followers in [min, max) if one is found within a few tries (the pool may have
   * none in a range), otherwise any person on the platform.
   */
  personWithFollowers(platform: SimulatedPlatform, min: number, max: number, random: Random): Account {
    let account = this.person(platform, random);
    for (let tries = 0; tries < 200; tries++) {
      if (account.author.followers >= min && account.author.followers < max) return account;
      account = this.person(platform, random);
    }
    return account;
  }

  /** A news portal's account on the platform (on "news", the portal itself). */
  mediaAccount(platform: SimulatedPlatform, random: Random): Account {
    return random.pick(this.media.get(platform) as Account[]);
  }

  /** The media account of a given portal on the platform. */
  outletAccount(outlet: Outlet, platform: SimulatedPlatform): Account | undefined {
    return this.media.get(platform)?.find((account) => account.outlet === outlet);
  }

  official(platform: SimulatedPlatform, agencyIndex: number): Account | undefined {
    return this.officials.get(`${platform}:${agencyIndex}`);
  }
}
