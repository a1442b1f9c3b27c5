/** Canonical URLs, and Google News search feeds built from the monitoring queries. */
import { describe, expect, it } from "vitest";
import { canonicalUrl, itemId } from "../../../ingestors/rss/canonical.js";
import { googleNewsFeeds, googleQuery } from "../../../ingestors/rss/google-news.js";
import { parseQueryFile } from "../../../processors/topics/load.js";
import { parseQuery } from "../../../processors/topics/parse.js";

describe("canonical URLs", () => {
  it("strips tracking parameters and the fragment, lower-cases the host, keeps the rest", () => {
    expect(
      canonicalUrl("HTTPS://News.Detik.COM/berita/d-1/antrean?utm_source=rss&utm_medium=feed&page=2&fbclid=x#top"),
    ).toBe("https://news.detik.com/berita/d-1/antrean?page=2");
    expect(canonicalUrl("https://kompas.com/a?gclid=1")).toBe("https://kompas.com/a");
    expect(canonicalUrl("ftp://example.org/a")).toBeNull();
    expect(canonicalUrl("not a url")).toBeNull();
    expect(itemId("https://kompas.com/a?utm_campaign=x", "g")).toBe(itemId("https://KOMPAS.com/a#comments", null));
    expect(itemId(null, "tag:example.org,2003:3.2397")).toMatch(/^[0-9a-f]{40}$/);
    expect(itemId(null, null)).toBeNull();
  });
});

describe("Google News search feeds", () => {
  it("renders queries as Google search strings, widening what Google cannot express", () => {
    const render = (query: string) => googleQuery(parseQuery(query));
    expect(render('bpjs OR jkn OR "jaminan kesehatan nasional" OR @BPJSKesehatanRI OR #JKN')).toBe(
      'bpjs OR jkn OR "jaminan kesehatan nasional" OR bpjskesehatanri OR jkn',
    );
    expect(render("(bpjs OR jkn) NEAR/3 (antre* OR nunggu)")).toBe("(bpjs OR jkn) (antre OR nunggu)");
    expect(render('("rumah sakit" OR rs) AND lama NOT (bpjs OR jkn)')).toBe(
      '("rumah sakit" OR rs) lama -(bpjs OR jkn)',
    );
    expect(render("platform:x (kemenkes OR menkes)")).toBeNull();
    expect(render("platform:news kemenkes")).toBe("kemenkes");
  });

  it("builds one feed per query of the example queries file that can match news", () => {
    const queries = parseQueryFile(
      "agencies:\n  bmkg:\n    gempa: 'gempa OR tsunami'\n    keluhan-x: 'platform:x bmkg'\n",
      "queries.yaml",
    );
    const feeds = googleNewsFeeds("https://news.google.com", queries, {
      hl: "id",
      gl: "ID",
      ceid: "ID:id",
      when: "1d",
    });
    expect(feeds).toEqual([
      {
        queryId: "bmkg/gempa",
        url: "https://news.google.com/rss/search?q=gempa+OR+tsunami+when%3A1d&hl=id&gl=ID&ceid=ID%3Aid",
      },
    ]);
  });
});
