/**
 * X rules from the monitoring queries (widened, never narrowed; split along top-level ORs when too
 * long), their sync against the rules X has, and X's reconnect ladders.
 */
import { describe, expect, it } from "vitest";
import { buildRules, platformError, reconnectDelay } from "../../../ingestors/x/index.js";
import { ruleChanges } from "../../../ingestors/x/rules.js";

const q = (id: string, query: string) => ({ id, agency: "bpjs", query }) as never;

describe("x rules", () => {
  it("renders Simak's grammar as X's: phrases, OR, negation, hashtags, handles; NEAR as AND; other platforms none", () => {
    const { rules, problems } = buildRules(
      [
        q("a/1", '"antrean panjang" AND (bpjs OR jkn) NOT hoaks'),
        q("a/2", "#JKN OR @BPJSKesehatanRI"),
        q("a/3", "rumah NEAR/3 sakit"),
        q("a/4", "bpjs AND platform:news"),
        q("a/5", "bpjs AND platform:x"),
      ],
      { maxLength: 512 },
    );
    expect(problems).toEqual([]);
    expect(rules).toEqual([
      { value: '"antrean panjang" (bpjs OR jkn) -hoaks', tag: "a/1" },
      { value: "#jkn OR @bpjskesehatanri", tag: "a/2" },
      { value: "rumah sakit", tag: "a/3" },
      { value: "bpjs", tag: "a/5" },
    ]);
  });

  it("adds the suffix around an OR, and splits a rule too long along its ORs", () => {
    const long = Array.from({ length: 12 }, (_, i) => `kata${i}panjangsekali`).join(" OR ");
    const { rules, problems } = buildRules([q("a/1", "bpjs OR jkn"), q("a/2", long), q("a/3", `antre AND (${long})`)], {
      maxLength: 120,
      suffix: "lang:in -is:retweet",
    });
    expect(rules[0]).toEqual({ value: "(bpjs OR jkn) lang:in -is:retweet", tag: "a/1" });
    const split = rules.filter((rule) => rule.tag === "a/2");
    expect(split.length).toBe(3);
    expect(split.every((rule) => rule.value.length <= 120 && rule.value.endsWith(" lang:in -is:retweet"))).toBe(true);
    expect(split.flatMap((rule) => rule.value.match(/kata\d+/g))).toHaveLength(12);
    expect(problems.map((problem) => problem.tag)).toEqual(["a/3"]);
  });

  it("sync: deletes stale rules (other value or tag) and adds missing ones", () => {
    const active = [
      { id: "1", value: "bpjs", tag: "a/1" },
      { id: "2", value: "jkn", tag: "a/old" },
      { id: "3", value: "antre", tag: "a/2" },
    ];
    expect(
      ruleChanges(active, [
        { value: "bpjs", tag: "a/1" },
        { value: "antre lama", tag: "a/2" },
      ]),
    ).toEqual({
      add: [{ value: "antre lama", tag: "a/2" }],
      deleteIds: ["2", "3"],
    });
  });

  it("reconnect ladders: network linear by 250 ms to 16 s (first at once), HTTP 5 s doubling to 320 s, 429 from a minute", () => {
    expect([1, 2, 3, 65, 100].map((n) => reconnectDelay("network", n))).toEqual([0, 250, 500, 16_000, 16_000]);
    expect([1, 2, 3, 7, 9].map((n) => reconnectDelay("http", n))).toEqual([5000, 10_000, 20_000, 320_000, 320_000]);
    expect([1, 2, 3, 5, 8].map((n) => reconnectDelay("rate", n))).toEqual([60_000, 120_000, 240_000, 900_000, 900_000]);
  });

  it("X's error text: title, detail and errors' messages; else the body's first line", () => {
    expect(
      platformError(401, '{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}'),
    ).toBe("HTTP 401: Unauthorized");
    expect(platformError(400, '{"errors":[{"message":"Invalid since_id"}],"title":"Invalid Request"}')).toBe(
      "HTTP 400: Invalid Request; Invalid since_id",
    );
    expect(platformError(502, "<html>\nBad gateway</html>")).toBe("HTTP 502: <html>");
  });
});
