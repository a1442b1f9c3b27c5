/** An `x` entry of the sources file (ingestors/x/README.md). */
import { z } from "zod";

export const xSourceSchema = z
  .object({
    type: z.literal("x"),
    /** The app's Bearer token, only as a ${ENV} reference (ingestors/sources.ts refuses a literal). */
    bearerToken: z.string().min(20, "expected an X app Bearer token"),
    /** Names the credential in budgets and rate limits: sources sharing one app share it. Default: the source id. */
    credential: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .optional(),
    /** Query ids (`agency/key`) of the queries file to follow, or every query when absent. */
    queries: z.array(z.string().min(1)).optional(),
    /** Added to every rule, e.g. `lang:id` (X writes Indonesian as `in`: `lang:in`). */
    ruleSuffix: z.string().default(""),
    /** Longest rule and search query X accepts on the app's tier (512 on Basic and pay-per-use, 1024 on Pro). */
    maxRuleLength: z.number().int().min(64).max(4096).default(512),
    /** Posts read a day (stream and search) by this credential; it pauses before the limit until 00:00 UTC. */
    dailyPostReads: z.number().int().positive().default(60_000),
    /** Search pages per query and gap; a longer gap keeps its newest posts. */
    maxSearchPages: z.number().int().positive().default(10),
    /** A restart searches from the checkpoint minus this much, for posts the stream delivered late. */
    lookbackSeconds: z.number().int().min(0).default(30),
    /** With no checkpoint yet, the first search reaches back this far (X's recent search: at most 7 days). */
    backfillMinutes: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 60)
      .default(60),
    /** Silence on the stream (X sends a keep-alive every 20 s) after which it reconnects; one second of slack is added. */
    stallSeconds: z.number().min(1).default(20),
    /** The API's address (tests point it at a fake). */
    baseUrl: z.url().default("https://api.x.com"),
    /** Per request (for the stream: until its headers), seconds. */
    timeoutSeconds: z.number().int().positive().default(30),
  })
  .strict();

export type XSourceConfig = z.infer<typeof xSourceSchema>;
