import { describe, expect, it } from "vitest";
import { AccountRegistry } from "../../../processors/accounts/index.js";
import type { Assessment } from "../../../processors/responsiveness/classifier.js";
import { addressedAgencies, type TrackerOptions, track } from "../../../processors/responsiveness/tracker.js";
import {
  addWorkingTime,
  DEFAULT_WORKING_HOURS,
  localDate,
  localWeek,
  parseDailyHours,
} from "../../../processors/responsiveness/working-hours.js";
import type { Mention, TaggedMention, Tags } from "../../../schemas/types.generated.js";
import { postWith } from "../../fixtures/mentions.js";

const HOUR = 3_600_000;
const WIB = DEFAULT_WORKING_HOURS;
const WIT = { ...DEFAULT_WORKING_HOURS, timeZone: "Asia/Jayapura" };
const iso = (time: number) => new Date(time).toISOString();

describe("working hours", () => {
  // 2024-03-01 was a Friday.
  it("counts only Monday-Friday 08:00-16:00 local time (Asia/Jakarta, UTC+7)", () => {
    // Friday 15:00 WIB: 1 h on Friday, 3 h from Monday 08:00 -> Monday 11:00 WIB.
    expect(iso(addWorkingTime(Date.parse("2024-03-01T08:00:00Z"), 4 * HOUR, WIB))).toBe("2024-03-04T04:00:00.000Z");
    // Saturday 10:00 WIB: nothing counts until Monday 08:00 -> Monday 12:00 WIB.
    expect(iso(addWorkingTime(Date.parse("2024-03-02T03:00:00Z"), 4 * HOUR, WIB))).toBe("2024-03-04T05:00:00.000Z");
    // Tuesday 07:00 WIB, before opening -> 12:00 WIB.
    expect(iso(addWorkingTime(Date.parse("2024-03-05T00:00:00Z"), 4 * HOUR, WIB))).toBe("2024-03-05T05:00:00.000Z");
    // Wednesday 13:30 WIB: 2.5 h that day, 1.5 h on Thursday -> Thursday 09:30 WIB.
    expect(iso(addWorkingTime(Date.parse("2024-03-06T06:30:00Z"), 4 * HOUR, WIB))).toBe("2024-03-07T02:30:00.000Z");
    // Exactly at closing time with the budget spent: due at 16:00, not the next morning.
    expect(iso(addWorkingTime(Date.parse("2024-03-06T05:00:00Z"), 4 * HOUR, WIB))).toBe("2024-03-06T09:00:00.000Z");
    // 20 working hours from Thursday 08:00 WIB: Thu 8 + Fri 8 + Mon 4 -> Monday 12:00 WIB.
    expect(iso(addWorkingTime(Date.parse("2024-02-29T01:00:00Z"), 20 * HOUR, WIB))).toBe("2024-03-04T05:00:00.000Z");
  });

  it("uses the agency's zone: the same instant is after hours in Jayapura (UTC+9)", () => {
    // Friday 08:00 UTC is 15:00 WIB but 17:00 WIT: nothing left on Friday in Jayapura -> Monday 12:00 WIT.
    expect(iso(addWorkingTime(Date.parse("2024-03-01T08:00:00Z"), 4 * HOUR, WIT))).toBe("2024-03-04T03:00:00.000Z");
  });

  it("gives the local day and the Monday of the local week", () => {
    // Sunday 20:00 WIB belongs to the week of Monday 26 February; 01:00 WIB on Monday to the next.
    expect(localDate(Date.parse("2024-03-03T13:00:00Z"), "Asia/Jakarta")).toBe("2024-03-03");
    expect(localWeek(Date.parse("2024-03-03T13:00:00Z"), "Asia/Jakarta")).toBe("2024-02-26");
    expect(localDate(Date.parse("2024-03-03T18:00:00Z"), "Asia/Jakarta")).toBe("2024-03-04");
    expect(localWeek(Date.parse("2024-03-03T18:00:00Z"), "Asia/Jakarta")).toBe("2024-03-04");
    expect(localDate(Date.parse("2024-03-03T18:00:00Z"), "UTC")).toBe("2024-03-03");
  });

  it("parses daily hours and refuses bad ones", () => {
    expect(parseDailyHours("07:30-15:30")).toEqual({ startMinute: 450, endMinute: 930 });
    expect(() => parseDailyHours("8-16")).toThrow('expected HH:MM-HH:MM, got "8-16"');
    expect(() => parseDailyHours("16:00-08:00")).toThrow("expected a start before the end");
  });
});

const registry = new AccountRegistry({
  agencies: [
    { id: "bpjs-kesehatan", name: "BPJS Kesehatan", accounts: { x: [{ handle: "BPJSKesehatanRI" }] } },
    { id: "polri", name: "Polri", accounts: { x: [{ handle: "DivHumas_Polri" }] } },
  ],
});

function tagged(mention: Partial<Mention>, tags: Partial<Tags> = {}): TaggedMention {
  return {
    mention: postWith(mention),
    tags: {
      sentiment: null,
      topics: [],
      virality: null,
      influence: null,
      segment: null,
      account: null,
      place: null,
      ...tags,
    },
    processedTime: 0,
  };
}

const asks = (text: string): Assessment =>
  text.includes("?")
    ? { asks: true, kind: "question", probability: 0.9 }
    : { asks: false, kind: "none", probability: 0.1 };
const options: TrackerOptions = {
  assess: asks,
  registry: () => registry,
  workingHours: (agency) => (agency === "polri" ? WIT : WIB),
  answerWithinMs: 4 * HOUR,
};
const friday15Wib = Date.parse("2024-03-01T08:00:00Z");

describe("tracker", () => {
  it("records a question in a reply under an official post, in the thread of the root, due in working time", () => {
    const item = tagged(
      { id: "q1", kind: "reply", parentId: "c9", rootId: "root1", text: "kapan cair?", eventTime: friday15Wib },
      { account: { role: "audience_response", agency: "bpjs-kesehatan", score: null, reasons: [] } },
    );
    expect(track(item, options)).toEqual({
      asked: [
        {
          agency: "bpjs-kesehatan",
          platform: "x",
          itemId: "q1",
          threadId: "root1",
          url: null,
          authorHandle: "warga",
          text: "kapan cair?",
          kind: "question",
          probability: 0.9,
          addressed: "reply",
          askedAt: friday15Wib,
          dueAt: Date.parse("2024-03-04T04:00:00Z"),
          askedDay: "2024-03-01",
          askedWeek: "2024-02-26",
          timeZone: "Asia/Jakarta",
        },
      ],
      answers: [],
    });
  });

  it("addresses a post to every agency by handle and by monitoring query, once each, strongest way first", () => {
    const item = tagged(
      { id: "p5", mentionedHandles: ["bpjskesehatanri", "someone"], text: "gimana ini?" },
      {
        topics: [
          { queryId: "q-bpjs", agency: "bpjs-kesehatan" },
          { queryId: "q-polri", agency: "polri" },
        ],
      },
    );
    expect([...addressedAgencies(item, registry)]).toEqual([
      ["bpjs-kesehatan", "handle"],
      ["polri", "query"],
    ]);
    const { asked } = track(item, options);
    expect(asked.map((a) => [a.agency, a.threadId, a.timeZone])).toEqual([
      ["bpjs-kesehatan", "p5", "Asia/Jakarta"],
      ["polri", "p5", "Asia/Jayapura"],
    ]);
  });

  it("addresses by monitoring query only a post of its own, not a reply in someone else's thread", () => {
    const topics = [{ queryId: "q-polri", agency: "polri" }];
    expect(addressedAgencies(tagged({ id: "p6", text: "kapan?" }, { topics }), registry)).toEqual(
      new Map([["polri", "query"]]),
    );
    const reply = tagged({ id: "r6", kind: "reply", parentId: "p7", rootId: "p7", text: "kapan?" }, { topics });
    expect(addressedAgencies(reply, registry)).toEqual(new Map());
  });

  it("records nothing for a text that asks nothing, a post addressed to no agency, a share or an article", () => {
    const reply = { account: { role: "audience_response" as const, agency: "polri", score: null, reasons: [] } };
    expect(track(tagged({ kind: "reply", rootId: "r", text: "mantap" }, reply), options)).toEqual({
      asked: [],
      answers: [],
    });
    expect(track(tagged({ text: "kapan?" }), options)).toEqual({ asked: [], answers: [] });
    expect(track(tagged({ kind: "share", rootId: "r", text: "kapan?" }, reply), options)).toEqual({
      asked: [],
      answers: [],
    });
    const topics = [{ queryId: "q-polri", agency: "polri" }];
    expect(track(tagged({ kind: "article", text: "kapan?" }, { topics }), options)).toEqual({ asked: [], answers: [] });
  });

  it("records an official reply as an answer in its thread; an official post answers nothing", () => {
    const official = { account: { role: "official" as const, agency: "polri", score: null, reasons: [] } };
    const author = { id: "o1", handle: "DivHumas_Polri", name: null, followers: 1, verified: true, location: null };
    const reply = tagged(
      { id: "a1", kind: "reply", parentId: "q1", rootId: "root1", author, text: "sudah kami cek?" },
      official,
    );
    expect(track(reply, options)).toEqual({
      asked: [],
      answers: [
        {
          agency: "polri",
          platform: "x",
          threadId: "root1",
          answerId: "a1",
          answeredAt: reply.mention.eventTime,
          account: "DivHumas_Polri",
        },
      ],
    });
    // A direct reply to a root question: the thread is the parent.
    const direct = tagged({ id: "a2", kind: "comment", parentId: "p5", author, text: "siap" }, official);
    expect(track(direct, options).answers[0]?.threadId).toBe("p5");
    expect(track(tagged({ id: "o2", author, text: "info?" }, official), options)).toEqual({ asked: [], answers: [] });
  });
});
