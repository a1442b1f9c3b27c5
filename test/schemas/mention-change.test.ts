/**
 * The removal-and-edit contract (MentionChange, simak.mentions.changes) stays BACKWARD compatible:
 * records written with its first version (frozen in test/fixtures/contracts) read with the
 * current one; the registry's side of it is in test/e2e/registry.test.ts.
 */
import { readFileSync } from "node:fs";
import avro from "avsc";
import { describe, expect, it } from "vitest";
import { editEvent, removalEvent } from "../../runtime/ingestor.js";
import { contracts } from "../../schemas/contracts.js";
import { postKey, TOPICS } from "../../schemas/topics.js";

const FIRST_VERSION = avro.Type.forSchema(
  JSON.parse(readFileSync(new URL("../fixtures/contracts/MentionChange.v1.avsc", import.meta.url), "utf8")),
);

describe("MentionChange contract", () => {
  it("reads records of its first version with the current schema (BACKWARD)", () => {
    const written = {
      platform: "x",
      postId: "1790000000000000001",
      change: "removed",
      reason: "deleted",
      text: null,
      changedTime: Date.UTC(2026, 11, 5, 3),
      source: "x-humas",
    };
    const current = contracts.MentionChange.type;
    const resolver = current.createResolver(FIRST_VERSION);
    expect(current.fromBuffer(FIRST_VERSION.toBuffer(written), resolver)).toEqual(written);
  });

  it("is what removalEvent and editEvent build, on its own topic keyed like the post", () => {
    const removal = removalEvent("x-humas", "x", "42", "not_found", 1_700_000_000_000);
    const edit = editEvent("x-humas", "facebook", "7_8", "teks baru", 1_700_000_060_000);
    expect(removal).toEqual({
      type: "change",
      change: {
        platform: "x",
        postId: "42",
        change: "removed",
        reason: "not_found",
        text: null,
        changedTime: 1_700_000_000_000,
        source: "x-humas",
      },
    });
    expect(edit).toEqual({
      type: "change",
      change: {
        platform: "facebook",
        postId: "7_8",
        change: "edited",
        reason: "edited",
        text: "teks baru",
        changedTime: 1_700_000_060_000,
        source: "x-humas",
      },
    });
    for (const event of [removal, edit]) {
      if (event.type !== "change") throw new Error("expected a change");
      expect(contracts.MentionChange.type.isValid(event.change)).toBe(true);
    }
    expect(TOPICS.mentionChanges).toMatchObject({
      name: "simak.mentions.changes",
      value: "MentionChange",
      consumers: ["sink"],
    });
    expect(postKey("x", "42")).toBe("x:42");
  });
});
