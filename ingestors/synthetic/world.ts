/**
 * The simulated social world: accounts, threads and their engagement. It writes each mention
 * (author, text, ids, parent) and schedules the engagement snapshots of top posts; the streams in
 * scenarios.ts decide when mentions happen and what they are about.
 */
import type { SourceEvent, SyntheticPlace } from "../../runtime/ingestor.js";
import type { EngagementCounts, Mention, MentionKind } from "../../schemas/types.generated.js";
import { AGENCIES, ISSUES, type Issue } from "./agencies.js";
import { type Account, AuthorPool } from "./authors.js";
import { AGENCY_SHARE, agencyAt, tone, USUAL_TONE } from "./conversation.js";
import {
  countsAt,
  type EngagementCurve,
  engagementCurve,
  SNAPSHOT_AGES_MS,
  VIRAL_SNAPSHOT_AGES_MS,
  viralEngagementCurve,
} from "./engagement.js";
import { type PlaceTruth, placeOfNames } from "./places.js";
import { KIND_MIX, type Outlet, PLATFORM_SHARE, type SimulatedPlatform, slugify, socialIdentity } from "./platforms.js";
import { AnswerDesk } from "./questions.js";
import { Random, type WeightedTable } from "./random.js";
import { Schedule, type Timed } from "./schedule.js";
import { compileTemplates, extractEntities, Subject, type Template, writeText } from "./text.js";
import { type ThreadItem, Threads } from "./threads.js";
import {
  GENERIC_HASHTAGS,
  HEADLINE_TEMPLATES,
  LEDE_TEMPLATES,
  OFFICIAL_POST_TEMPLATES,
  OFFICIAL_REPLY_TEMPLATES,
  POST_TEMPLATES,
  REPLY_TEMPLATES,
  type Sentiment,
  SHARE_TEMPLATES,
  VIRAL_POST_TEMPLATES,
} from "./vocabulary.js";

const POSTS = compileTemplates(POST_TEMPLATES);
const REPLIES = compileTemplates(REPLY_TEMPLATES);
const SHARES = compileTemplates(SHARE_TEMPLATES);
const HEADLINES = compileTemplates(HEADLINE_TEMPLATES);
const LEDES = compileTemplates(LEDE_TEMPLATES);
const OFFICIAL_POSTS = compileTemplates(OFFICIAL_POST_TEMPLATES);
const OFFICIAL_REPLIES = compileTemplates(OFFICIAL_REPLY_TEMPLATES);
const VIRAL_POSTS = compileTemplates(VIRAL_POST_TEMPLATES);

type SocialPlatform = Exclude<SimulatedPlatform, "news">;

/** Chance that a person's post ends with the issue's hashtag. */
const HASHTAG_CHANCE: Readonly<Record<SocialPlatform, number>> = {
  x: 0.3,
  facebook: 0.1,
  instagram: 0.5,
  youtube: 0.05,
  tiktok: 0.5,
  forum: 0,
};
/** Chance that a person's post also carries one of the platform's generic hashtags. */
const GENERIC_HASHTAG_CHANCE = 0.3;
/** Chance that a person types without capitals. */
const CASUAL_CHANCE: Readonly<Record<SocialPlatform, number>> = {
  x: 0.3,
  facebook: 0.15,
  instagram: 0.3,
  youtube: 0.3,
  tiktok: 0.4,
  forum: 0.1,
};
/** Chance that a person's post links a recent news article about the agency. */
const ARTICLE_LINK_CHANCE = 0.05;
/** Chances, in ordinary traffic, that a post comes from the agency or from a news portal's account. */
const OFFICIAL_POST_CHANCE = 0.03;
const MEDIA_POST_CHANCE = 0.04;
/** Chance, in ordinary traffic, that the agency's account answers a negative post or comment. */
const OFFICIAL_REPLY_CHANCE = 0.06;
/** Chance that a response answers another response rather than the top post. */
const NESTED_RESPONSE_CHANCE = 0.3;
/** Share of X shares that are quotes with their own text; the rest are plain retweets. */
const QUOTE_CHANCE = 0.3;
/** In a viral cascade: chance a response is a share rather than a reply, and of a share being a quote. */
const CASCADE_SHARE_CHANCE = 0.6;
const CASCADE_QUOTE_CHANCE = 0.5;
/** Chance that a cascade item answers the viral post itself rather than someone in the cascade. */
const CASCADE_ROOT_CHANCE = 0.4;
/** A viral post's author is a small or medium account. */
const VIRAL_AUTHOR_FOLLOWERS = [500, 30_000] as const;

const OFFICIAL_TONE = tone(0, 0.45);
/** Replies in a viral cascade are mostly outraged. */
const CASCADE_TONE = tone(0.7, 0.05);

/**
 * Where a mention is, as the places tagger should find it: what its text names (none when it names
 * two provinces as often), else, when it names none, its author's profile location.
 */
function truePlace(named: readonly PlaceTruth[], account: Account): SyntheticPlace | null {
  if (named.length > 0) {
    const place = placeOfNames(named);
    return place && { ...place, source: "text" };
  }
  return account.home && { ...account.home, source: "profile" };
}

/** Delay between publication and the ingestor seeing it: a few seconds, at most 45. */
function ingestDelay(random: Random): number {
  return Math.round(Math.min(45_000, 300 + random.logNormal(2_500, 0.8)));
}

/** What a stream of mentions is about. */
export interface Topic {
  /** An index into AGENCIES, or null to draw one by its share of the conversation. */
  agency: number | null;
  /** The issue, or null to draw one of the agency's issues per mention. */
  issue: Issue | null;
  /** The tone, or null for the agency's usual tone. */
  tone: WeightedTable<Sentiment> | null;
  /** Reported in the ground truth. */
  scenario: string | null;
}

/** A mention together with the thread item it became (null for a plain retweet: nothing attaches to it). */
export interface Composed {
  event: SourceEvent & { type: "mention" };
  item: ThreadItem | null;
}

/** Everything `publish` needs to turn into a Mention. */
interface Draft {
  time: number;
  platform: SimulatedPlatform;
  kind: MentionKind;
  account: Account;
  text: string;
  parent: ThreadItem | null;
  agency: number;
  issue: Issue;
  sentiment: Sentiment;
  scenario: string | null;
  /** False for items nothing replies to or shares (plain retweets). */
  attachable: boolean;
  /** An article's headline. */
  title?: string;
  /** Id and URL when not derived from the platform's conventions (articles). */
  identity?: { id: string; url: string | null };
  /** The places a copied text names (a plain retweet, a portal's post of its headline); else those written for it. */
  named?: readonly PlaceTruth[];
  /** An article's headline's places. */
  titleNamed?: readonly PlaceTruth[];
  /** A top post's engagement curve and snapshot ages, when not the usual ones. */
  curve?: EngagementCurve;
  snapshotAges?: readonly number[];
}

interface PendingSnapshot extends Timed {
  item: ThreadItem;
  postTime: number;
  curve: EngagementCurve;
  ages: readonly number[];
  step: number;
}

export class World {
  private readonly random: Random;
  private readonly authors: AuthorPool;
  private readonly threads = new Threads(AGENCIES.length);
  private readonly snapshots = new Schedule<PendingSnapshot>();
  private readonly subject = new Subject();
  private readonly desk: AnswerDesk;
  private readonly friendHandle = (platform: string): string =>
    this.authors.person(platform as SimulatedPlatform, this.random).author.handle;
  /** Unique per mention; keeps time-derived ids unique within a millisecond. */
  private serial = 0;
  private articles = 0;

  constructor(
    private readonly source: string,
    seed: number,
    people: number,
  ) {
    this.random = new Random(seed, "world");
    this.authors = new AuthorPool(people, new Random(seed, "authors"), seed);
    this.desk = new AnswerDesk(seed);
  }

  /** Time of the earliest pending official answer to a question (questions.ts), Infinity if none. */
  get nextAnswerTime(): number {
    return this.desk.nextTime;
  }

  /** Publishes the earliest pending official answer: a reply to the question, in its thread. */
  takeAnswer(): Composed {
    const { question, official, time } = this.desk.take();
    const { platform, agency, issue } = question;
    this.about(platform, agency, issue);
    let text = this.write(this.random.pick(OFFICIAL_REPLIES.neutral), false);
    if (platform === "x") text = `@${question.account.author.handle} ${text}`;
    question.replies++;
    const answer = this.publish({
      time,
      platform,
      kind: platform === "x" || platform === "forum" ? "reply" : "comment",
      account: official,
      text,
      parent: question,
      agency,
      issue,
      sentiment: "neutral",
      scenario: null,
      attachable: true,
    });
    if (answer.event.truth) answer.event.truth.answerTo = question.id;
    return answer;
  }

  /** Time of the earliest pending engagement snapshot, Infinity if none. */
  get nextSnapshotTime(): number {
    return this.snapshots.peek()?.time ?? Number.POSITIVE_INFINITY;
  }

  /** Emits the earliest pending snapshot and schedules that post's next one. */
  takeSnapshot(): SourceEvent & { type: "engagement" } {
    const pending = this.snapshots.pop();
    if (pending === undefined) throw new Error("no engagement snapshot is pending");
    const { item, curve, postTime, time } = pending;
    const { likes, shares, replies, views, clicks } = countsAt(curve, time - postTime, item.shares, item.replies);
    const engagement = {
      platform: item.platform,
      postId: item.id,
      eventTime: time,
      likes,
      shares,
      replies,
      views,
      clicks,
      source: this.source,
    };
    pending.step++;
    const nextAge = pending.ages[pending.step];
    if (nextAge !== undefined) {
      pending.time = postTime + nextAge;
      this.snapshots.push(pending);
    }
    return { type: "engagement", engagement };
  }

  /** A mention on a platform and of a kind drawn from the usual mix. */
  compose(time: number, topic: Topic): Composed {
    const random = this.random;
    const agency = topic.agency ?? AGENCY_SHARE.pick(random);
    const mood = topic.tone ?? (USUAL_TONE[agency] as WeightedTable<Sentiment>);
    const platform = PLATFORM_SHARE.pick(random);
    const kind = KIND_MIX[platform].pick(random);
    if (kind === "share") {
      const original = this.threads.recentRoot(platform, agency, random);
      if (original) return this.share(time, original, QUOTE_CHANCE, topic.scenario);
    } else if (kind === "reply" || kind === "comment") {
      const parent = random.chance(NESTED_RESPONSE_CHANCE)
        ? this.threads.recentResponse(platform, agency, random)
        : this.threads.recentRoot(platform, agency, random);
      if (parent) return this.respond(time, kind, parent, mood.pick(random), topic.scenario);
    }
    // A top post: asked for, or the first in a thread that does not exist yet.
    const issue = topic.issue ?? this.issueOf(agency);
    return platform === "news"
      ? this.article(time, agency, issue, mood.pick(random), topic.scenario)
      : this.post(time, platform, agency, issue, mood.pick(random), topic.scenario);
  }

  /** The post that starts a viral cascade: a complaint by a small or medium X account. */
  viralPost(time: number, agency: number, scenario: string): Composed {
    const random = this.random;
    const account = this.authors.personWithFollowers("x", ...VIRAL_AUTHOR_FOLLOWERS, random);
    const issue = this.issueOf(agency);
    this.about("x", agency, issue);
    const text = this.write(random.pick(VIRAL_POSTS.negative), random.chance(CASUAL_CHANCE.x));
    return this.publish({
      time,
      platform: "x",
      kind: "post",
      account,
      text,
      parent: null,
      agency,
      issue,
      sentiment: "negative",
      scenario,
      attachable: true,
      curve: viralEngagementCurve(random),
      snapshotAges: VIRAL_SNAPSHOT_AGES_MS,
    });
  }

  /** One more share or reply in the cascade below `members[0]`, the viral post; it may answer any member. */
  cascade(time: number, members: readonly ThreadItem[], scenario: string): Composed {
    const random = this.random;
    let parent = members[0] as ThreadItem;
    if (!random.chance(CASCADE_ROOT_CHANCE)) {
      // Between two members, the one with more followers: big accounts spread it further.
      const a = random.pick(members);
      const b = random.pick(members);
      parent = a.account.author.followers >= b.account.author.followers ? a : b;
    }
    return random.chance(CASCADE_SHARE_CHANCE)
      ? this.share(time, parent, CASCADE_QUOTE_CHANCE, scenario)
      : this.respond(time, "reply", parent, CASCADE_TONE.pick(random), scenario);
  }

  /** A top post on X by a given account with a given text: a coordinated campaign's (campaigns.ts). */
  postAs(
    time: number,
    account: Account,
    text: string,
    agency: number,
    sentiment: Sentiment,
    scenario: string,
  ): Composed {
    const issue = this.issueOf(agency);
    return this.publish({
      time,
      platform: "x",
      kind: "post",
      account,
      text,
      parent: null,
      agency,
      issue,
      sentiment,
      scenario,
      attachable: true,
    });
  }

  /** A plain retweet of `original` by a given account: a campaign's amplification (campaigns.ts). */
  retweetAs(time: number, account: Account, original: ThreadItem, scenario: string): Composed {
    return this.share(time, original, 0, scenario, account);
  }

  /** A news article about the agency, as ordinary traffic writes them (campaigns.ts' quoted headline). */
  headline(time: number, agency: number, scenario: string): Composed {
    return this.article(time, agency, this.issueOf(agency), "neutral", scenario);
  }

  /** An ordinary person's account on the platform. */
  person(platform: SimulatedPlatform): Account {
    return this.authors.person(platform, this.random);
  }

  /** A person on X posting a text of their own about the agency (campaigns.ts' quoted headline). */
  personPost(time: number, account: Account, text: string, about: ThreadItem, scenario: string): Composed {
    return this.publish({
      time,
      platform: "x",
      kind: "post",
      account,
      text,
      parent: null,
      agency: about.agency,
      issue: about.issue,
      sentiment: about.sentiment,
      scenario,
      attachable: true,
      named: about.titleNamed,
    });
  }

  private post(
    time: number,
    platform: SocialPlatform,
    agency: number,
    issue: Issue,
    sentiment: Sentiment,
    scenario: string | null,
  ): Composed {
    const random = this.random;
    const draft = { time, platform, kind: "post" as const, parent: null, agency, scenario, attachable: true };
    // Agencies and portals post in ordinary traffic; a scenario's extra mentions come from people.
    if (scenario === null) {
      const official = this.authors.official(platform, agency);
      if (official && random.chance(OFFICIAL_POST_CHANCE)) {
        const mood = OFFICIAL_TONE.pick(random);
        this.about(platform, agency, issue);
        const text = this.write(random.pick(OFFICIAL_POSTS[mood]), false);
        return this.publish({ ...draft, account: official, text, issue, sentiment: mood });
      }
      if (random.chance(MEDIA_POST_CHANCE)) {
        const article = this.threads.recentRoot("news", agency, random);
        const outlet = article?.account.outlet;
        const account = outlet && this.authors.outletAccount(outlet, platform);
        if (article && account) {
          const text = `${article.title} ${article.url}`;
          return this.publish({
            ...draft,
            account,
            text,
            issue: article.issue,
            sentiment: article.sentiment,
            named: article.titleNamed,
          });
        }
      }
    }
    const official = scenario === null ? this.authors.official(platform, agency) : undefined;
    if (official && this.desk.asksInPost(official)) {
      // A question to the agency naming its official handle; the agency may answer it later.
      const question = this.desk.question(sentiment);
      this.about(platform, agency, issue);
      const asked = this.write(question.template, random.chance(CASUAL_CHANCE[platform]));
      const text = `@${official.author.handle} ${asked}`;
      const account = this.authors.person(platform, random);
      const composed = this.publish({ ...draft, account, text, issue, sentiment: question.sentiment });
      this.asked(composed, official, time);
      return composed;
    }
    const account = this.authors.person(platform, random);
    this.about(platform, agency, issue);
    let text = this.write(random.pick(POSTS[sentiment]), random.chance(CASUAL_CHANCE[platform]));
    if (random.chance(HASHTAG_CHANCE[platform])) text += ` ${this.subject.tag}`;
    const generic = GENERIC_HASHTAGS[platform];
    if (generic && random.chance(GENERIC_HASHTAG_CHANCE)) text += ` #${random.pick(generic)}`;
    if (random.chance(ARTICLE_LINK_CHANCE)) {
      const article = this.threads.recentRoot("news", agency, random);
      if (article) text += ` ${article.url}`;
    }
    return this.publish({ ...draft, account, text, issue, sentiment });
  }

  private article(time: number, agency: number, issue: Issue, sentiment: Sentiment, scenario: string | null): Composed {
    const random = this.random;
    this.about("news", agency, issue);
    const headline = this.write(random.pick(HEADLINES[sentiment]), false);
    const titleNamed = this.subject.takeNamed();
    const lede = this.write(random.pick(LEDES[sentiment]), false);
    const account = this.authors.mediaAccount("news", random);
    const identity = (account.outlet as Outlet).article(++this.articles, slugify(headline), time);
    return this.publish({
      time,
      platform: "news",
      kind: "article",
      account,
      text: `${headline}. ${lede}`,
      parent: null,
      agency,
      issue,
      sentiment,
      scenario,
      attachable: true,
      title: headline,
      titleNamed,
      named: [...titleNamed, ...this.subject.takeNamed()],
      identity,
    });
  }

  private respond(
    time: number,
    kind: MentionKind,
    parent: ThreadItem,
    sentiment: Sentiment,
    scenario: string | null,
  ): Composed {
    const random = this.random;
    const { platform, agency, issue } = parent;
    const official =
      scenario === null && parent.sentiment === "negative" ? this.authors.official(platform, agency) : undefined;
    const answeredByAgency =
      official !== undefined && official !== parent.account && random.chance(OFFICIAL_REPLY_CHANCE);
    const account = answeredByAgency ? official : this.authors.person(platform, random);
    // Under the agency's own post, people ask it things; the agency may answer later (questions.ts).
    const agencyAccount = scenario === null ? this.authors.official(platform, agency) : undefined;
    const question =
      !answeredByAgency && this.desk.asksUnder(parent, agencyAccount) ? this.desk.question(sentiment) : null;
    const mood = answeredByAgency ? "neutral" : (question?.sentiment ?? sentiment);
    const template = question?.template ?? random.pick((answeredByAgency ? OFFICIAL_REPLIES : REPLIES)[mood]);
    this.about(platform, agency, issue);
    let text = this.write(template, !answeredByAgency && random.chance(this.casualChance(platform)));
    // On X a reply starts with the handle it answers.
    if (platform === "x") text = `@${parent.account.author.handle} ${text}`;
    parent.replies++;
    const composed = this.publish({
      time,
      platform,
      kind,
      account,
      text,
      parent,
      agency,
      issue,
      sentiment: mood,
      scenario,
      attachable: true,
    });
    if (question && agencyAccount) this.asked(composed, agencyAccount, time);
    return composed;
  }

  /** Marks a question to the agency in the ground truth and lets the agency consider answering it. */
  private asked(composed: Composed, official: Account, time: number): void {
    if (composed.event.truth) composed.event.truth.asks = true;
    if (composed.item) this.desk.consider(composed.item, official, time);
  }

  /** A share of `original`; on X a quote (own text and a link) with `quoteChance`, else a plain retweet. */
  private share(
    time: number,
    original: ThreadItem,
    quoteChance: number,
    scenario: string | null,
    sharer?: Account,
  ): Composed {
    const random = this.random;
    const { platform, agency, issue, sentiment } = original;
    const account = sharer ?? this.authors.person(platform, random);
    const plainRetweet = platform === "x" && !random.chance(quoteChance);
    let text: string;
    if (plainRetweet) {
      text = `RT @${original.account.author.handle}: ${original.text}`;
    } else {
      this.about(platform, agency, issue);
      text = this.write(random.pick(SHARES[sentiment]), random.chance(this.casualChance(platform)));
      if (platform === "x" && original.url !== null) text += ` ${original.url}`;
    }
    original.shares++;
    return this.publish({
      time,
      platform,
      kind: "share",
      account,
      text,
      parent: original,
      agency,
      issue,
      // Sharing passes the original's message on, so the share carries its tone.
      sentiment,
      scenario,
      attachable: !plainRetweet,
      ...(plainRetweet ? { named: original.named } : {}),
    });
  }

  private publish(draft: Draft): Composed {
    const random = this.random;
    const { time, platform, kind, account, text, parent, agency, issue, sentiment, scenario } = draft;
    const named = draft.named ?? this.subject.takeNamed();
    const root = parent === null ? null : (parent.root ?? parent);
    const identity =
      draft.identity ??
      socialIdentity(platform as SocialPlatform, kind, account.author, root, text, time, this.serial++, random);
    const item: ThreadItem = {
      id: identity.id,
      url: identity.url,
      platform,
      agency,
      issue,
      account,
      text,
      title: draft.title ?? null,
      named,
      titleNamed: draft.titleNamed ?? [],
      sentiment,
      root,
      depth: parent === null ? 0 : parent.depth + 1,
      replies: 0,
      shares: 0,
    };
    const { hashtags, mentionedHandles, links } = extractEntities(text);
    const delay = ingestDelay(random);
    let engagement: EngagementCounts = { likes: 0, shares: 0, replies: 0, views: 0, clicks: 0 };
    if (parent === null) {
      const curve = draft.curve ?? engagementCurve(platform, account.author.followers, links.length > 0, random);
      const ages = draft.snapshotAges ?? SNAPSHOT_AGES_MS;
      engagement = countsAt(curve, delay, 0, 0);
      this.snapshots.push({ time: time + (ages[0] as number), seq: 0, item, postTime: time, curve, ages, step: 0 });
    }
    const mention: Mention = {
      platform,
      id: identity.id,
      kind,
      url: identity.url,
      author: { ...account.author },
      text,
      // X and the portals state the language; the other platforms' APIs do not.
      lang: platform === "x" || platform === "news" ? "id" : null,
      eventTime: time,
      ingestTime: time + delay,
      parentId: parent?.id ?? null,
      rootId: root?.id ?? null,
      hashtags,
      mentionedHandles,
      links,
      engagement,
      source: this.source,
    };
    if (draft.attachable) this.threads.add(item);
    return {
      event: {
        type: "mention",
        mention,
        truth: { sentiment, agency: agencyAt(agency).id, scenario, place: truePlace(named, account) },
      },
      item: draft.attachable ? item : null,
    };
  }

  /** Sets what the next texts are about; texts written until the next call agree on it. */
  private about(platform: SimulatedPlatform, agency: number, issue: Issue): void {
    this.subject.choose(agencyAt(agency), issue, platform, this.random);
  }

  private write(template: Template, casual: boolean): string {
    return writeText(template, casual, this.subject, this.friendHandle, this.random);
  }

  private casualChance(platform: SimulatedPlatform): number {
    return platform === "news" ? 0 : CASUAL_CHANCE[platform];
  }

  private issueOf(agency: number): Issue {
    return ISSUES[this.random.pick(agencyAt(agency).issues)];
  }
}
