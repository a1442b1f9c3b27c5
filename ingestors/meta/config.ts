/** A `meta` entry of the sources file (ingestors/meta/README.md). */
import { z } from "zod";

const graphId = z.string().regex(/^\d+$/, "expected a numeric Graph API id");

export const metaSourceSchema = z
  .object({
    type: z.literal("meta"),
    /** Facebook Pages the agency manages (page ids). */
    pages: z.array(graphId).default([]),
    /** Instagram professional accounts linked to those pages (IG user ids). */
    instagramAccounts: z.array(graphId).default([]),
    /** A Page or system-user access token, through a ${ENV} reference. */
    accessToken: z.string().min(1),
    /** Webhook deliveries on SIMAK_WEBHOOK_LISTEN; absent: the poll alone. */
    webhook: z
      .object({
        /** Default /hooks/<id>. */
        path: z
          .string()
          .regex(/^\/[A-Za-z0-9/_-]*$/, "expected a path such as /hooks/meta")
          .optional(),
        /** The app secret: X-Hub-Signature-256 is its HMAC of the body. A ${ENV} reference. */
        appSecret: z.string().min(16, "at least 16 characters"),
        /** The token typed into the app dashboard's webhook form, echoed back in hub.verify_token. */
        verifyToken: z.string().min(8, "at least 8 characters"),
        /** Largest accepted body, bytes (413 beyond). */
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .default(1024 * 1024),
      })
      .strict()
      .optional(),
    /** Minutes between two reconciliation polls of a page or account. */
    pollMinutes: z.number().min(1).default(10),
    /** Each poll reads from its last start minus this many minutes (late and edited items). */
    lookbackMinutes: z.number().min(0).default(10),
    /** The first poll (nothing stored yet) reads this many hours back. */
    initialHours: z.number().min(0).default(24),
    /** Posts younger than this many hours are re-read each poll for new comments and their counts. */
    commentWindowHours: z.number().min(0).default(72),
    /** Pause when a usage header reaches this percentage (Meta throttles at 100). */
    pauseAtPercent: z.number().min(1).max(100).default(90),
    apiVersion: z
      .string()
      .regex(/^v\d+\.\d+$/, "expected e.g. v21.0")
      .default("v21.0"),
    /** The Graph API's address (tests point it at a fake). */
    baseUrl: z.url().default("https://graph.facebook.com"),
    /** Per request, seconds. */
    timeoutSeconds: z.number().int().positive().default(20),
  })
  .strict()
  .refine((entry) => entry.pages.length > 0 || entry.instagramAccounts.length > 0, {
    message: "a meta source needs 'pages' or 'instagramAccounts'",
  });

export type MetaSourceConfig = z.infer<typeof metaSourceSchema>;
