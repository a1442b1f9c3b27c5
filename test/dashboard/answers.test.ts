/** The "Perlu dijawab" data: the queue oldest first with filters, counts, and staff closing an item. */
import { beforeAll, describe, expect, it } from "vitest";
import { answerCounts, closeItem, needsAnswer, parseQueueFilter } from "../../dashboard/server/answers.js";
import { dataVersion } from "../../dashboard/server/queries.js";
import { BadRequest } from "../../dashboard/server/range.js";
import { localWeek } from "../../processors/responsiveness/index.js";
import { seedResponsiveness } from "../fixtures/responsiveness.js";
import { useMigratedStorage } from "../support/storage.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 00:00 UTC two weeks ago (test/fixtures/responsiveness.ts's table). */
const MONDAY = Date.parse(`${localWeek(Date.now() - 14 * DAY, "UTC")}T00:00:00Z`);
const AGENCY = "bpjs-kesehatan";
const storage = useMigratedStorage({ database: "answers" });

beforeAll(async () => {
  await seedResponsiveness(storage, AGENCY, MONDAY);
});

describe("needs an answer", () => {
  it("lists open and overdue items by default, oldest first, and filters by status and platform", async () => {
    expect(await needsAnswer(storage, parseQueueFilter(new URLSearchParams(`agency=${AGENCY}`)))).toEqual([
      {
        agency: AGENCY,
        platform: "x",
        itemId: "s3",
        url: "https://x.com/i/status/s3",
        authorHandle: "warga",
        text: "@BPJSKesehatanRI gimana cara pindah faskes",
        kind: "question",
        status: "overdue",
        askedAt: MONDAY + DAY + 2 * HOUR,
        dueAt: MONDAY + DAY + 6 * HOUR,
        answeredAt: null,
        answeringAccount: null,
        secondsToAnswer: null,
        closedAt: null,
        closedBy: null,
      },
    ]);
    const answered = await needsAnswer(storage, parseQueueFilter(new URLSearchParams("status=answered,closed")));
    expect(answered.map((item) => [item.itemId, item.status, item.secondsToAnswer, item.closedBy])).toEqual([
      ["s1", "answered", 1800, null],
      ["s2", "answered", 7200, null],
      ["s4", "closed", null, "humas.bpjs"],
      ["s5", "answered", 86_400, null],
    ]);
    expect(
      await needsAnswer(storage, parseQueueFilter(new URLSearchParams("platform=instagram&status=answered"))),
    ).toEqual([]);
    expect(() => parseQueueFilter(new URLSearchParams("status=open,late"))).toThrow(BadRequest);
  });

  it("counts the waiting items per agency, and closes one with who and when", async () => {
    expect(await answerCounts(storage)).toEqual({ [AGENCY]: { open: 0, overdue: 1 } });
    const before = Date.now();
    const version = await dataVersion(storage);
    expect(await closeItem(storage, { agency: AGENCY, platform: "x", itemId: "s3" }, "humas.andi")).toBe(true);
    expect(await closeItem(storage, { agency: AGENCY, platform: "x", itemId: "nope" }, "humas.andi")).toBe(false);
    expect(await answerCounts(storage)).toEqual({});
    // Browsers listening for changes hear of the closure.
    expect(await dataVersion(storage)).not.toBe(version);
    const [closed] = await needsAnswer(storage, { agency: AGENCY, statuses: ["closed"], platform: "x" }).then((items) =>
      items.filter((item) => item.itemId === "s3"),
    );
    expect(closed?.status).toBe("closed");
    expect(closed?.closedBy).toBe("humas.andi");
    expect(closed?.closedAt).toBeGreaterThanOrEqual(before);
  });
});
