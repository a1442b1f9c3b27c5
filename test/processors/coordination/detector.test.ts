import { describe, expect, it } from "vitest";
import {
  CoordinationDetector,
  type CoordinationItem,
  copyWords,
  patternedHandles,
} from "../../../processors/coordination/index.js";

const T0 = Date.UTC(2025, 5, 2, 1, 0, 0);
const MINUTE = 60_000;
const MESSAGES = [
  "Terima kasih Polri atas kerja nyata untuk rakyat, program ini benar-benar dirasakan manfaatnya",
  "Salut dengan langkah cepat Polri, pelayanan sekarang jauh lebih mudah, transparan dan tanpa pungli",
  "Jangan mau termakan hoaks, faktanya Polri sudah bekerja keras dan hasilnya nyata untuk masyarakat",
];
const NOISE = ["", " 🔥", " 👍👍", " https://bit.ly/abc1234", "", " 🇮🇩"];

let serial = 0;
function item(account: string, text: string, time: number, extra: Partial<CoordinationItem> = {}): CoordinationItem {
  return {
    platform: "x",
    id: `p${serial++}`,
    kind: "post",
    authorId: account,
    handle: account,
    followers: 12,
    text,
    eventTime: time,
    parentId: null,
    ...extra,
  };
}

const buzzers = (n: number) => Array.from({ length: n }, (_, i) => `suara_rakyat${1000 + i * 37}`);
const people = (n: number, prefix = "warga") =>
  Array.from({ length: n }, (_, i) => `${prefix}_${["andi", "budi", "sari", "tono"][i % 4]}${i}`);

/** Three copy-paste waves 20 minutes apart, each account posting within two minutes. */
function copyWaves(detector: CoordinationDetector, accounts: string[], start: number): void {
  MESSAGES.forEach((message, wave) => {
    accounts.forEach((account, i) => {
      const text = `${i % 3 === 0 ? `@teman${i} ` : ""}${message}${NOISE[i % NOISE.length]}`;
      detector.add(item(account, text, start + wave * 20 * MINUTE + i * 5_000));
    });
  });
}

describe("coordination detector", () => {
  it("finds a copy-paste campaign: its accounts, posts, text, time span and reasons", () => {
    const detector = new CoordinationDetector();
    const accounts = buzzers(8);
    copyWaves(detector, accounts, T0);
    const [campaign, ...rest] = detector.campaigns();
    expect(rest).toEqual([]);
    expect(campaign?.accounts.map((a) => a.account)).toEqual(accounts.map((a) => `x:${a}`).sort());
    expect(campaign?.copyEvents).toBe(3);
    expect(campaign?.amplificationEvents).toBe(0);
    expect(campaign?.postCount).toBe(24);
    expect(campaign?.firstSeen).toBe(T0);
    expect(campaign?.lastSeen).toBe(T0 + 40 * MINUTE + 7 * 5_000);
    expect(campaign?.reasons.map((r) => r.kind)).toEqual(["copies", "ties", "handles", "followers", "rate"]);
    expect(campaign?.reasons.find((r) => r.kind === "handles")?.value).toBe(1);
    expect(campaign?.score).toBeGreaterThanOrEqual(0.5);
    const scores = detector.accountScores([campaign as NonNullable<typeof campaign>]);
    expect(scores.get("x:suara_rakyat1000")).toBe(campaign?.score);
    expect(scores.get("x:someone_else")).toBeUndefined();
  });

  it("finds synchronized amplification: the same accounts retweeting post after post within a minute", () => {
    const detector = new CoordinationDetector();
    const accounts = buzzers(6);
    for (let wave = 0; wave < 3; wave++) {
      const start = T0 + wave * 30 * MINUTE;
      const lead = item("pemimpin", `Pengumuman ${wave}`, start);
      detector.add(lead);
      accounts.forEach((account, i) => {
        detector.add(
          item(account, `RT @pemimpin: Pengumuman ${wave}`, start + 3_000 + i * 4_000, {
            kind: "share",
            parentId: lead.id,
          }),
        );
      });
    }
    const campaigns = detector.campaigns();
    expect(campaigns).toHaveLength(1);
    expect(campaigns[0]?.amplificationEvents).toBe(3);
    // Retweets of one post are amplification, never copies of each other.
    expect(campaigns[0]?.copyEvents).toBe(0);
    expect(campaigns[0]?.accounts).toHaveLength(6);
    expect(campaigns[0]?.text).toMatch(/^Pengumuman \d$/);
  });

  it("does not flag a viral post shared once by many real accounts, nor a headline quoted by many", () => {
    const detector = new CoordinationDetector();
    const crowd = people(200);
    const viral = item("korban", "Tolong viralkan, ortu saya sudah tiga hari menunggu di rumah sakit", T0);
    detector.add(viral);
    crowd.forEach((account, i) => {
      detector.add(
        item(account, `RT @korban: ${viral.text}`, T0 + i * 2_000, {
          kind: "share",
          parentId: viral.id,
          followers: 300,
        }),
      );
    });
    const headline = "KPK Tetapkan Tiga Tersangka Baru Kasus Korupsi Bansos https://news.example/kpk-tersangka";
    crowd.forEach((account, i) => {
      detector.add(
        item(account, `${["", "Wah ", "Nah kan. "][i % 3]}${headline}`, T0 + 20 * MINUTE + i * 3_000, {
          followers: 300,
        }),
      );
    });
    expect(detector.campaigns()).toEqual([]);
  });

  it("ignores very short, link-only and hashtag-only copies", () => {
    const detector = new CoordinationDetector();
    const accounts = buzzers(8);
    for (const [wave, text] of [
      "mantap 🔥🔥",
      "https://bit.ly/abc1234",
      "#KerjaNyata #IndonesiaMaju #Polri",
    ].entries()) {
      accounts.forEach((account, i) => {
        detector.add(item(account, text, T0 + wave * 20 * MINUTE + i * 5_000));
      });
    }
    expect(detector.campaigns()).toEqual([]);
    expect(copyWords("mantap 🔥🔥")).toEqual(["mantap"]);
    expect(copyWords("https://bit.ly/abc1234")).toEqual([]);
    expect(copyWords("#KerjaNyata #IndonesiaMaju")).toEqual([]);
    expect(copyWords("RT @a: Terima kasih Polri atas kerja nyata")).toEqual([]);
    expect(copyWords("@budi Terima kasih Polri 🙏 https://x.co/1 #Mantap")).toEqual(["terima", "kasih", "polri"]);
  });

  it("calls accounts new only once it has watched long enough to know", () => {
    const fresh = new CoordinationDetector();
    copyWaves(fresh, buzzers(8), T0);
    expect(fresh.campaigns()[0]?.reasons.some((r) => r.kind === "new-accounts")).toBe(false);

    const watched = new CoordinationDetector();
    // Seven hours of someone else's posts before the campaign starts.
    for (let h = 0; h <= 7; h++) watched.add(item("pengamat", `catatan jam ${h}`, T0 + h * 3_600_000));
    copyWaves(watched, buzzers(8), T0 + 7 * 3_600_000);
    const reason = watched.campaigns()[0]?.reasons.find((r) => r.kind === "new-accounts");
    expect(reason?.value).toBe(1);
  });

  it("keeps a growing campaign's id", () => {
    const detector = new CoordinationDetector();
    const accounts = buzzers(10);
    copyWaves(detector, accounts.slice(0, 6), T0);
    const first = detector.campaigns()[0]?.id;
    copyWaves(detector, accounts, T0 + 90 * MINUTE);
    const later = detector.campaigns();
    expect(later).toHaveLength(1);
    expect(later[0]?.id).toBe(first);
    expect(later[0]?.accounts).toHaveLength(10);
  });

  it("holds its state within the configured bounds", () => {
    const detector = new CoordinationDetector({ maxPairs: 50, maxAccounts: 20 });
    copyWaves(detector, buzzers(30), T0);
    expect(detector.size.pairs).toBeLessThanOrEqual(50);
    expect(detector.size.accounts).toBeLessThanOrEqual(20);
    // Evidence older than a day is dropped.
    detector.add(item("nanti", "satu hari kemudian", T0 + 26 * 3_600_000));
    expect(detector.size.pairs).toBe(0);
    expect(detector.campaigns()).toEqual([]);
  });

  it("recognises handle recipes shared by several accounts", () => {
    expect(patternedHandles(["nkri_jaya1234", "nkri_jaya9876", "NKRI_JAYA5555", "budi1985", "sari_w"])).toEqual({
      patterned: 3,
      stem: "nkri_jaya",
    });
    expect(patternedHandles(["budi1985", "budi1990", "sari"])).toEqual({ patterned: 0, stem: null });
  });
});
