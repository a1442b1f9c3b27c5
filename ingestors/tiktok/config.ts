/** A `tiktok` entry of the sources file (ingestors/tiktok/README.md). */
import { z } from "zod";

export const tiktokSourceSchema = z
  .object({
    type: z.literal("tiktok"),
    /** The account's user access token (Login Kit, scopes user.info.basic and video.list), a ${ENV} reference. */
    accessToken: z.string().min(1),
    /** Minutes between two reads of the account's videos. */
    pollMinutes: z.number().min(1).default(30),
    /** Videos this young are re-read for their counts. */
    windowDays: z.number().min(1).default(30),
    /** Pages of 20 videos read per poll at most. */
    maxPages: z.number().int().min(1).max(50).default(10),
    /** The API's address (tests point it at a fake). */
    baseUrl: z.url().default("https://open.tiktokapis.com"),
    /** Per request, seconds. */
    timeoutSeconds: z.number().int().positive().default(20),
  })
  .strict();

export type TiktokSourceConfig = z.infer<typeof tiktokSourceSchema>;
