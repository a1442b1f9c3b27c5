/**
 * Coordinated ("buzzer") campaigns and their organic look-alikes, for processors/coordination.
 *
 * A campaign is a set of fresh accounts on X (made for it, patterned handles, few followers) that
 * post near-identical texts within minutes of each other, wave after wave, and retweet their own
 * lead posts within seconds to minutes, again and again. Its mentions carry `truth.campaign`.
 *
 * The look-alike is a news headline quoted by many ordinary accounts within half an hour: near-
 * identical texts from distinct accounts too, but once, by accounts with a history. (The viral
 * post of scenarios.ts is the other look-alike: many real accounts sharing the same post.)
 *
 * Each stream plans its whole schedule up front from its own random generator, so a campaign
 * moves no other stream's mentions in time.
 */
import type { SourceEvent } from "../../runtime/ingestor.js";
import type { Account } from "./authors.js";
import { accountId } from "./platforms.js";
import type { Random } from "./random.js";
import type { MentionStream, Scenario } from "./scenarios.js";
import type { ThreadItem } from "./threads.js";
import type { Sentiment } from "./vocabulary.js";
import type { World } from "./world.js";

/** A coordinated campaign about an agency: praise (the usual buzzer job) or an attack. */
export interface CoordinatedCampaignScenario {
  type: "coordinated-campaign";
  agency: string;
  startMinute: number;
  durationMinutes: number;
  /** How many accounts the campaign runs (2 to 1000). */
  accounts: number;
  /** Default "positive". */
  tone?: "positive" | "negative";
  name?: string;
}

/** A news headline quoted by many ordinary accounts within half an hour: organic, not a campaign. */
export interface HeadlineQuotedScenario {
  type: "headline-quoted";
  agency: string;
  startMinute: number;
  /** How many people quote it. Default 150. */
  quotes?: number;
  name?: string;
}

export type CampaignScenario = CoordinatedCampaignScenario | HeadlineQuotedScenario;

const MINUTE_MS = 60_000;
/** Mean time between two copy-paste waves, and between two amplified lead posts. */
const COPY_WAVE_EVERY_MS = 22 * MINUTE_MS;
const AMPLIFY_WAVE_EVERY_MS = 18 * MINUTE_MS;
/** A copy-paste wave is spread over this long; each account posts in it with this chance. */
const COPY_WAVE_SPREAD_MS = 6 * MINUTE_MS;
const COPY_PARTICIPATION = 0.75;
/** Retweets of a lead post come a log-normal delay after it (median 40 s); this share of accounts joins. */
const AMPLIFY_MEDIAN_DELAY_MS = 40_000;
const AMPLIFY_PARTICIPATION = 0.7;
/** Share of campaign accounts whose handle follows the campaign's pattern (the rest look ordinary). */
const PATTERNED_HANDLE_SHARE = 0.8;
/** The quoted headline's quotes arrive over this long. */
const QUOTE_SPREAD_MS = 30 * MINUTE_MS;
const DEFAULT_QUOTES = 150;

const HANDLE_STEMS = [
  "suara_rakyat",
  "nkri_jaya",
  "pejuang_digital",
  "relawan_maju",
  "warganet_cerdas",
  "rakyat_bersatu",
  "garuda_muda",
  "indonesia_hebat",
  "bela_negeri",
  "pemuda_optimis",
] as const;
const PLAIN_FIRST_NAMES = ["andi", "budi", "citra", "dewi", "eko", "fajar", "gita", "hendra", "indah", "joko"] as const;

/** The campaign's messages; `{a}` is the agency's name, `{t}` the campaign's hashtag. */
const MESSAGES: Readonly<Record<"positive" | "negative", readonly string[]>> = {
  positive: [
    "Terima kasih {a} atas kerja nyata untuk rakyat, program ini benar-benar dirasakan manfaatnya sampai ke daerah {t}",
    "Salut dengan langkah cepat {a}, pelayanan sekarang jauh lebih mudah, transparan dan tanpa pungli {t}",
    "Jangan mau termakan hoaks, faktanya {a} sudah bekerja keras dan hasilnya nyata untuk masyarakat {t}",
    "Bangga dengan {a}, inovasi pelayanan publik terbaik tahun ini dan terus berbenah untuk rakyat {t}",
    "Dukung penuh kebijakan {a} demi Indonesia maju, kritik boleh tapi jangan sebar fitnah {t}",
    "Mari apresiasi kinerja {a} yang selalu hadir di tengah masyarakat saat dibutuhkan {t}",
  ],
  negative: [
    "Sudah saatnya {a} dievaluasi total, rakyat sudah muak dengan janji tanpa bukti {t}",
    "Pelayanan {a} makin amburadul, pejabatnya sibuk pencitraan rakyat ditelantarkan {t}",
    "Usut tuntas dugaan permainan anggaran di {a}, jangan ada yang ditutup-tutupi lagi {t}",
    "Copot pimpinan {a} sekarang juga, terbukti gagal mengurus kepentingan rakyat {t}",
    "Rakyat dirugikan lagi oleh kebijakan ngawur {a}, kapan mau berbenah {t}",
  ],
};
const CAMPAIGN_TAGS: Readonly<Record<"positive" | "negative", readonly string[]>> = {
  positive: ["KerjaNyata", "IndonesiaMaju", "BanggaIndonesia", "LanjutkanKebaikan"],
  negative: ["EvaluasiTotal", "RakyatMuak", "UsutTuntas", "CopotSekarang"],
};
/** Noise buzzers add so that copies are not byte-identical. */
const EMOJI = ["🔥", "👍", "🇮🇩", "💪", "🙏", "👏", "❤️", "✅"] as const;
const OPENERS = ["", "", "", "Setuju! ", "Mantap, ", "Fakta: ", "Ayo ", "Bener banget. "] as const;
const QUOTE_OPENERS = ["", "", "", "Wah ", "Hmm ", "Nah kan. ", "Baca ini: ", "Akhirnya. ", "Lho? "] as const;

export function checkCampaignScenario(scenario: CampaignScenario, index: number): void {
  if (scenario.type === "headline-quoted") {
    const quotes = scenario.quotes ?? DEFAULT_QUOTES;
    if (!(Number.isInteger(quotes) && quotes >= 1))
      throw new RangeError(`scenario ${index}: quotes must be an integer >= 1`);
    return;
  }
  if (!(scenario.durationMinutes > 0)) throw new RangeError(`scenario ${index}: durationMinutes must be > 0`);
  if (!(Number.isInteger(scenario.accounts) && scenario.accounts >= 2 && scenario.accounts <= 1000)) {
    throw new RangeError(`scenario ${index}: accounts must be an integer from 2 to 1000`);
  }
  const tone = scenario.tone ?? "positive";
  if (tone !== "positive" && tone !== "negative")
    throw new Error(`scenario ${index}: tone must be positive or negative`);
}

interface Planned {
  time: number;
  seq: number;
  emit(world: World, time: number): SourceEvent;
}

/** A stream that plays a schedule planned up front, in time order. */
class PlannedStream implements MentionStream {
  private readonly plan: Planned[] = [];
  private next = 0;

  protected add(time: number, emit: (world: World, time: number) => SourceEvent): void {
    this.plan.push({ time: Math.floor(time), seq: this.plan.length, emit });
  }

  protected seal(): void {
    this.plan.sort((a, b) => a.time - b.time || a.seq - b.seq);
  }

  get nextTime(): number {
    return this.plan[this.next]?.time ?? Number.POSITIVE_INFINITY;
  }

  emit(world: World): SourceEvent {
    const planned = this.plan[this.next++] as Planned;
    return planned.emit(world, planned.time);
  }
}

/** Marks a campaign's mention in the ground truth. */
function labelled(event: SourceEvent, campaign: string): SourceEvent {
  if (event.type === "mention" && event.truth) event.truth.campaign = campaign;
  return event;
}

export class CoordinatedCampaignStream extends PlannedStream {
  constructor(
    random: Random,
    start: number,
    agency: number,
    agencyName: string,
    scenario: CoordinatedCampaignScenario,
    name: string,
  ) {
    super();
    const tone = scenario.tone ?? "positive";
    const sentiment: Sentiment = tone;
    const end = start + scenario.durationMinutes * MINUTE_MS;
    const accounts = campaignAccounts(scenario.accounts, random);
    const tag = `#${random.pick(CAMPAIGN_TAGS[tone])}`;
    const messages = MESSAGES[tone].map((message) => message.replace("{a}", agencyName).replace("{t}", tag));

    // Copy-paste waves: one message, most accounts, within a few minutes, each copy with its own noise.
    for (
      let wave = start + random.exponential(1 / COPY_WAVE_EVERY_MS) / 4;
      wave < end;
      wave += random.exponential(1 / COPY_WAVE_EVERY_MS)
    ) {
      const message = random.pick(messages);
      for (const account of accounts) {
        if (!random.chance(COPY_PARTICIPATION)) continue;
        const text = noisyCopy(message, random);
        this.add(wave + random.next() * COPY_WAVE_SPREAD_MS, (world, time) =>
          labelled(world.postAs(time, account, text, agency, sentiment, name).event, name),
        );
      }
    }

    // Amplification waves: a lead account posts, most of the others retweet it within minutes.
    for (
      let wave = start + random.exponential(1 / AMPLIFY_WAVE_EVERY_MS) / 4;
      wave < end;
      wave += random.exponential(1 / AMPLIFY_WAVE_EVERY_MS)
    ) {
      const lead = random.pick(accounts);
      const text = noisyCopy(random.pick(messages), random);
      let leadItem: ThreadItem | null = null;
      this.add(wave, (world, time) => {
        const composed = world.postAs(time, lead, text, agency, sentiment, name);
        leadItem = composed.item;
        return labelled(composed.event, name);
      });
      for (const account of accounts) {
        if (account === lead || !random.chance(AMPLIFY_PARTICIPATION)) continue;
        const delay = Math.max(2_000, random.logNormal(AMPLIFY_MEDIAN_DELAY_MS, 0.8));
        this.add(wave + delay, (world, time) =>
          labelled(world.retweetAs(time, account, leadItem as ThreadItem, name).event, name),
        );
      }
    }
    this.seal();
  }
}

export class HeadlineQuotedStream extends PlannedStream {
  constructor(random: Random, start: number, agency: number, scenario: HeadlineQuotedScenario, name: string) {
    super();
    let article: ThreadItem | null = null;
    this.add(start, (world, time) => {
      const composed = world.headline(time, agency, name);
      article = composed.item;
      return composed.event;
    });
    const quotes = scenario.quotes ?? DEFAULT_QUOTES;
    for (let i = 0; i < quotes; i++) {
      const opener = random.pick(QUOTE_OPENERS);
      const emoji = random.chance(0.3) ? ` ${random.pick(EMOJI)}` : "";
      // Quotes come fast at first, then thin out.
      const delay = 5_000 + QUOTE_SPREAD_MS * random.next() ** 2;
      this.add(start + delay, (world, time) => {
        const quoted = article as ThreadItem;
        const text = `${opener}${quoted.title ?? quoted.text}${emoji} ${quoted.url ?? ""}`.trim();
        return world.personPost(time, world.person("x"), text, quoted, name).event;
      });
    }
    this.seal();
  }
}

/** Fresh accounts on X: most with the campaign's handle pattern (a stem and digits), all with few followers. */
function campaignAccounts(count: number, random: Random): Account[] {
  const stem = random.pick(HANDLE_STEMS);
  const accounts: Account[] = [];
  for (let i = 0; i < count; i++) {
    const digits = String(1000 + random.int(9000));
    const handle = random.chance(PATTERNED_HANDLE_SHARE)
      ? `${stem}${digits}`
      : `${random.pick(PLAIN_FIRST_NAMES)}${random.pick(PLAIN_FIRST_NAMES)}${random.int(100)}`;
    accounts.push({
      author: {
        id: accountId("x", random),
        handle,
        name: null,
        followers: Math.round(random.logNormal(15, 1)),
        verified: false,
        location: null,
      },
      platform: "x",
      outlet: null,
      home: null,
    });
  }
  return accounts;
}

/** The message with a buzzer's noise: an opener, emoji, a mention, a short link, sometimes lower case. */
function noisyCopy(message: string, random: Random): string {
  let text = `${random.pick(OPENERS)}${message}`;
  if (random.chance(0.3)) text = text.toLowerCase();
  if (random.chance(0.6)) text += ` ${random.pick(EMOJI)}${random.chance(0.5) ? random.pick(EMOJI) : ""}`;
  if (random.chance(0.3)) text = `@${random.pick(HANDLE_STEMS)}${random.int(10000)} ${text}`;
  if (random.chance(0.25)) text += ` https://bit.ly/${random.chars("abcdefghijkmnpqrstuvwxyz23456789", 7)}`;
  return text;
}

/**
 * A day with coordinated campaigns and their look-alikes, for bench/coordination.bench.ts and the
 * coordination stage's tests: four campaigns of 12 to 120 accounts (praise and attack, some
 * before and some after the detector has six hours of history), three viral posts, three quoted
 * headlines and a complaint wave.
 */
export const COORDINATION_DAY_SCENARIOS: readonly Scenario[] = [
  { type: "coordinated-campaign", agency: "polri", startMinute: 60, durationMinutes: 150, accounts: 40 },
  { type: "viral-post", agency: "bpjs-kesehatan", startMinute: 90 },
  { type: "headline-quoted", agency: "kpk", startMinute: 120, quotes: 200 },
  { type: "negative-spike", agency: "kemenkeu", startMinute: 200, durationMinutes: 60, multiplier: 5 },
  {
    type: "coordinated-campaign",
    agency: "komdigi",
    startMinute: 420,
    durationMinutes: 120,
    accounts: 12,
    tone: "negative",
  },
  { type: "viral-post", agency: "polri", startMinute: 480 },
  { type: "headline-quoted", agency: "kemenkes", startMinute: 540, quotes: 120 },
  { type: "coordinated-campaign", agency: "kemenkes", startMinute: 600, durationMinutes: 180, accounts: 120 },
  { type: "viral-post", agency: "kemenhub", startMinute: 660 },
  { type: "headline-quoted", agency: "polri", startMinute: 700, quotes: 300 },
  {
    type: "coordinated-campaign",
    agency: "bmkg",
    startMinute: 840,
    durationMinutes: 90,
    accounts: 25,
    tone: "negative",
  },
];
