/** The sources file: the example loads and builds, and every problem names file, line, column and key. */
import { describe, expect, it } from "vitest";
import { createSourceIngestor } from "../../ingestors/registry.js";
import { compileSourcesFile, loadSourcesFile, SourcesFileError, unchangedSources } from "../../ingestors/sources.js";
import { loadConfig } from "../../runtime/config.js";

const ENV = {
  WEBHOOK_VENDOR_SECRET: "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
  WEBHOOK_VENDOR_SECRET_PREVIOUS: "previous-secret-0123456789",
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
    expect(sources.sources[4]).toMatchObject({
      secrets: [ENV.WEBHOOK_VENDOR_SECRET, ENV.WEBHOOK_VENDOR_SECRET_PREVIOUS],
      toleranceSeconds: 300,
    });
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
    expect(() => createSourceIngestor(sources.sources[4] as never, loadConfig({}), {})).toThrow(
      "set SIMAK_WEBHOOK_LISTEN",
    );
  });

  it("names file, line, column and key of every problem", () => {
    expect(
      problems(`sources:
  - id: Berita
    type: rss
  - id: ok
    type: meta
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
      "sources.yaml:5:11: source 'ok': type: expected one of rss, webhook, x, synthetic, replay ('meta' is not implemented yet)",
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
