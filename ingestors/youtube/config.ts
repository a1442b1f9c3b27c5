/** A `youtube` entry of the sources file (ingestors/youtube/README.md). */
import { z } from "zod";

export const youtubeSourceSchema = z
  .object({
    type: z.literal("youtube"),
    /** The agency's channels (UC... ids): their Atom feeds cost no quota. */
    channels: z
      .array(z.string().regex(/^UC[A-Za-z0-9_-]{22}$/, "expected a channel id (UC + 22 characters)"))
      .default([]),
    /** A YouTube Data API v3 key, through a ${ENV} reference: counts, comments and search need it. */
    apiKey: z.string().min(1).optional(),
    /** Keyword searches (search.list, 100 units each page), a few times a day. */
    search: z
      .object({
        keywords: z.array(z.string().min(1)).min(1),
        everyHours: z.number().min(1).default(6),
        regionCode: z.string().length(2).default("ID"),
        relevanceLanguage: z.string().default("id"),
        /** Pages of 50 results per search (each 100 units). */
        maxPages: z.number().int().min(1).max(10).default(1),
      })
      .strict()
      .optional(),
    /** Minutes between two polls of a channel (its feed, then counts and comments). */
    pollMinutes: z.number().min(1).default(15),
    /** Videos this young are re-read for counts and comments. */
    commentWindowDays: z.number().min(0).default(7),
    /** Each poll reads from its last start minus this many minutes. */
    lookbackMinutes: z.number().min(0).default(10),
    /** The project's daily quota in units (Google's default 10 000), reset at midnight Pacific time. */
    dailyQuota: z.number().int().positive().default(10_000),
    /** Units kept back: requests stop when fewer are left, until the reset. */
    reserveUnits: z.number().int().min(0).default(200),
    /** The Data API's address (tests point it at a fake). */
    baseUrl: z.url().default("https://www.googleapis.com"),
    /** Where channel feeds are served (tests point it at a fake). */
    feedBaseUrl: z.url().default("https://www.youtube.com"),
    /** Per request, seconds. */
    timeoutSeconds: z.number().int().positive().default(20),
  })
  .strict()
  .refine((entry) => entry.channels.length > 0 || entry.search !== undefined, {
    message: "a youtube source needs 'channels' or 'search'",
  })
  .refine((entry) => entry.search === undefined || entry.apiKey !== undefined, {
    message: "search needs an apiKey",
    path: ["search"],
  });

export type YoutubeSourceConfig = z.infer<typeof youtubeSourceSchema>;
