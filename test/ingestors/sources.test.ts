/** The sources file: the example loads and builds, and every problem names file, line, column and key. */
import { describe, expect, it } from "vitest";
import { createSourceIngestor } from "../../ingestors/registry.js";
import {
  compileSourcesFile,
  expectedSilenceMs,
  loadSourcesFile,
  SourcesFileError,
  unchangedSources,
} from "../../ingestors/sources.js";
import { loadConfig } from "../../runtime/config.js";

const ENV = {
  WEBHOOK_VENDOR_SECRET: "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
  WEBHOOK_VENDOR_SECRET_PREVIOUS: "previous-secret-0123456789",
  META_PAGE_TOKEN: "EAAB-page-token",
  META_APP_SECRET: "meta-app-secret-0123456789",
  META_VERIFY_TOKEN: "verify-token-simak",
  YOUTUBE_API_KEY: "AIza-example-key",
  TIKTOK_ACCESS_TOKEN: "act.example-token",
  X_BEARER_TOKEN: "AAAAAAAAAAAAAAAAAAAAAexample-bearer",
};

function problems(yaml: string, env: Record<string, string> = ENV): string[] {
  try {
    compileSourcesFile(yaml, "sources.yaml", env);
  } catch (error) {
    expect(error).toBeInstanceOf(SourcesFileError);
    return (error as Error).message.split("\n");
  }
  throw new Error("the file loaded");
}

describe("sources file", () => {
  it("loads the example, with secrets from the environment, and builds every source", async () => {
    const sources = await loadSourcesFile("config/examples/sources.yaml", ENV);
    expect(sources.sources.map((entry) => `${entry.id}:${entry.type}`)).toEqual([
      "berita-nasional:rss",
      "google-news:rss",
      "blog-kemenkes:rss",
      "x-publik:x",
      "meta-bpjs:meta",
      "youtube-bpjs:youtube",
      "tiktok-bpjs:tiktok",
      "vendor-tiktok:webhook",
      "simulator:synthetic",
      "arsip:replay",
    ]);
    expect(sources.sources[3]).toMatchObject({
      bearerToken: ENV.X_BEARER_TOKEN,
      baseUrl: "https://api.x.com",
      lookbackSeconds: 30,
      stallSeconds: 20,
    });
    expect(sources.sources[7]).toMatchObject({
      secrets: [ENV.WEBHOOK_VENDOR_SECRET, ENV.WEBHOOK_VENDOR_SECRET_PREVIOUS],
      toleranceSeconds: 300,
      silenceMinutes: 120,
    });
    // The dashboard warns after silenceMinutes, else three poll intervals; never for a file or the simulator.
    expect(sources.sources.map(expectedSilenceMs)).toEqual([
      540_000,
      900_000,
      1_800_000,
      null,
      1_800_000,
      2_700_000,
      5_400_000,
      7_200_000,
      null,
      null,
    ]);
    expect(sources.sources[0]).toMatchObject({
      pollSeconds: 180,
      platform: "news",
      baseUrl: "https://news.google.com",
    });
    const config = loadConfig({ SIMAK_WEBHOOK_LISTEN: "127.0.0.1:0" });
    const ingestors = sources.sources.map((entry) => createSourceIngestor(entry, config, {}));
    expect(ingestors.map((ingestor) => ingestor.name)).toEqual(sources.sources.map((entry) => entry.id));
    expect(ingestors[1]?.streams).toEqual([
      expect.stringMatching(/^https:\/\/news\.google\.com\/rss\/search\?q=bpjs\+OR\+jkn\+OR\+%22jaminan/),
      expect.stringMatching(/^https:\/\/news\.google\.com\/rss\/search\?q=%28bpjs\+OR\+jkn\+OR\+faskes%29/),
    ]);
    // x: one stream per query, rules from the queries file, Indonesian only.
    expect(ingestors[3]?.streams).toEqual(["bpjs-kesehatan/umum", "bpjs-kesehatan/antrean"]);
    expect(sources.sources[4]).toMatchObject({
      accessToken: ENV.META_PAGE_TOKEN,
      webhook: { appSecret: ENV.META_APP_SECRET, verifyToken: ENV.META_VERIFY_TOKEN, maxBodyBytes: 1048576 },
      commentWindowHours: 72,
      baseUrl: "https://graph.facebook.com",
    });
    expect(ingestors[4]?.streams).toEqual(["page:104425192324", "instagram:17841405822304914"]);
    expect(sources.sources[5]).toMatchObject({ apiKey: ENV.YOUTUBE_API_KEY, dailyQuota: 10_000, commentWindowDays: 7 });
    expect(ingestors[5]?.streams).toEqual([
      "channel:UCabcdefghijklmnopqrstuv",
      "search:bpjs kesehatan",
      "search:antrean faskes",
    ]);
    expect(sources.sources[6]).toMatchObject({ accessToken: ENV.TIKTOK_ACCESS_TOKEN, pollMinutes: 30, windowDays: 30 });
    expect(ingestors[6]?.streams).toEqual(["account"]);
    for (const index of [4, 7])
      expect(() => createSourceIngestor(sources.sources[index] as never, loadConfig({}), {})).toThrow(
        "set SIMAK_WEBHOOK_LISTEN",
      );
    // `simak sources test` builds the poller alone: no listener needed.
    expect(createSourceIngestor(sources.sources[4] as never, loadConfig({}), { pollOnly: true }).name).toBe(
      "meta-bpjs",
    );
  });

  it("names file, line, column and key of every problem", () => {
    expect(
      problems(`sources:
  - id: Berita
    type: rss
  - id: ok
    type: instagram
  - id: ok2
    type: rss
    feeds: [ftp://example.org/feed]
    pollSeconds: 5
    colour: blue
  - id: ok2
    type: synthetic
  - id: hook
    type: webhook
    secrets: ["\${WEBHOOK_MISSING}", "\${SIMAK_HOOK}"]
`),
    ).toEqual([
      "sources.yaml:2:9: source 'Berita': id: expected lower-case letters, digits and dashes",
      "sources.yaml:5:11: source 'ok': type: expected one of rss, meta, youtube, tiktok, webhook, x, synthetic, replay",
      "sources.yaml:8:13: source 'ok2': feeds.0: Invalid URL",
      "sources.yaml:9:18: source 'ok2': pollSeconds: Too small: expected number to be >=30",
      "sources.yaml:10:5: source 'ok2': unknown key 'colour'",
      "sources.yaml:11:9: source 'ok2': id: used by an earlier source",
      "sources.yaml:15:15: source 'hook': secrets.0: environment variable WEBHOOK_MISSING is not set",
      "sources.yaml:15:15: source 'hook': secrets.0: at least 16 characters",
      "sources.yaml:15:37: source 'hook': secrets.1: SIMAK_HOOK: SIMAK_* variables are the pipeline's configuration; name the secret otherwise, e.g. SOURCE_HOOK",
      "sources.yaml:15:37: source 'hook': secrets.1: environment variable SIMAK_HOOK is not set",
      "sources.yaml:15:37: source 'hook': secrets.1: at least 16 characters",
    ]);
    expect(problems("sources:\n  - id: a\n    type: x\n    bearerToken: AAAAAAAAAAAAAAAAAAAAAliteral-token\n")).toEqual(
      [
        `sources.yaml:4:18: source 'a': bearerToken: write it as a \${ENV} reference (e.g. "\${X_BEARER_TOKEN}"), never the secret itself`,
      ],
    );
    expect(problems("sources:\n  - id: a\n    type: rss\n")).toEqual([
      "sources.yaml:2:5: source 'a': an rss source needs 'feeds' or 'googleNews'",
    ]);
    expect(
      problems(
        `sources:\n  - { id: a, type: webhook, path: /hooks/b, secrets: [0123456789abcdef] }\n  - { id: b, type: webhook, secrets: [0123456789abcdef] }\n`,
      ),
    ).toEqual(["sources.yaml:3:11: source 'b': path: /hooks/b is already served by source 'a'"]);
    expect(problems("sources:\n  - { id: a, type: synthetic, silenceMinutes: 0 }\n")).toEqual([
      "sources.yaml:2:47: source 'a': silenceMinutes: expected a number of minutes above 0",
    ]);
    expect(
      problems(
        `sources:\n  - { id: a, type: webhook, secrets: [0123456789abcdef] }\n  - id: b\n    type: meta\n    pages: ["1"]\n    accessToken: "\${META_PAGE_TOKEN}"\n    webhook: { path: /hooks/a, appSecret: 0123456789abcdef, verifyToken: verify-me }\n  - { id: c, type: meta, accessToken: "\${META_PAGE_TOKEN}" }\n  - { id: d, type: tiktok, accessToken: act.literal }\n`,
      ),
    ).toEqual([
      "sources.yaml:7:22: source 'b': path: /hooks/a is already served by source 'a'",
      "sources.yaml:8:5: source 'c': a meta source needs 'pages' or 'instagramAccounts'",
      `sources.yaml:9:41: source 'd': accessToken: write it as a \${ENV} reference (e.g. "\${TIKTOK_ACCESS_TOKEN}"), never the secret itself`,
    ]);
    expect(
      problems("sources:\n  - { id: y, type: youtube, channels: [UC123], search: { keywords: [bpjs] } }\n"),
    ).toEqual([
      "sources.yaml:2:40: source 'y': channels.0: expected a channel id (UC + 22 characters)",
      "sources.yaml:2:48: source 'y': search: search needs an apiKey",
    ]);
    expect(problems("feeds: []\n")).toEqual(["sources.yaml:1:1: expected 'sources:' with a list of sources"]);
    expect(problems("sources: [\n")[0]).toMatch(/^sources\.yaml:\d+:\d+: invalid YAML/);
  });

  it("tells which sources a reload left unchanged", () => {
    const before = compileSourcesFile(
      "sources:\n  - {id: a, type: synthetic}\n  - {id: b, type: synthetic, speed: 1}\n",
      "s.yaml",
    );
    const after = compileSourcesFile(
      "sources:\n  - {id: a, type: synthetic}\n  - {id: b, type: synthetic, speed: 2}\n  - {id: c, type: synthetic}\n",
      "s.yaml",
    );
    expect(unchangedSources(before, after)).toEqual(new Set(["a"]));
  });
});
