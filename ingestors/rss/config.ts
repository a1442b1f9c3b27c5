/** An `rss` entry of the sources file (ingestors/rss/README.md). */
import { z } from "zod";

export const rssSourceSchema = z
  .object({
    type: z.literal("rss"),
    /** RSS 2.0 or Atom feed URLs. */
    feeds: z.array(z.url({ protocol: /^https?$/ })).default([]),
    /** Google News search feeds, one per monitoring query (processors/topics). */
    googleNews: z
      .object({
        /** Query ids (`agency/key`), or every query of the queries file when absent. */
        queries: z.array(z.string().min(1)).optional(),
        /** Google News edition: language, country, edition id. */
        hl: z.string().default("id"),
        gl: z.string().default("ID"),
        ceid: z.string().default("ID:id"),
        /** Only items of the last `when` (Google's `when:` operator, e.g. 1d, 12h). */
        when: z
          .string()
          .regex(/^\d+[hd]$/, "expected hours or days, e.g. 12h or 1d")
          .default("1d"),
      })
      .strict()
      .optional(),
    /** Google News' address (tests point it at a fake). */
    baseUrl: z.url().default("https://news.google.com"),
    /** Seconds between two polls of one feed, jittered by up to a fifth; Google News at least 60. */
    pollSeconds: z.number().int().min(30).default(180),
    /** Stamped on every item: news portals, or blogs. */
    platform: z.enum(["news", "blog"]).default("news"),
    /** Per request, seconds. */
    timeoutSeconds: z.number().int().positive().default(20),
  })
  .strict()
  .refine((entry) => entry.feeds.length > 0 || entry.googleNews !== undefined, {
    message: "an rss source needs 'feeds' or 'googleNews'",
  });

export type RssSourceConfig = z.infer<typeof rssSourceSchema>;
