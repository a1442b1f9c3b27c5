/** A `webhook` entry of the sources file (ingestors/webhook/README.md). */
import { z } from "zod";

export const webhookSourceSchema = z
  .object({
    type: z.literal("webhook"),
    /** Served on SIMAK_WEBHOOK_LISTEN at this path; default /hooks/<id>. */
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9/_-]*$/, "expected a path such as /hooks/vendor")
      .optional(),
    /**
     * Standard Webhooks signing secrets (`whsec_<base64>`, or any string), through ${ENV}
     * references; several during a rotation.
     */
    secrets: z.array(z.string().min(16, "at least 16 characters")).min(1),
    /** Largest accepted body, bytes (413 beyond). */
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** Largest accepted difference between webhook-timestamp and now, seconds. */
    toleranceSeconds: z.number().int().positive().default(300),
    /** How long a delivered webhook-id is remembered (answered again without publishing), hours. */
    idempotencyHours: z.number().int().positive().default(24),
  })
  .strict();

export type WebhookSourceConfig = z.infer<typeof webhookSourceSchema>;
