/**
 * Notification channels as written in the alert rules file's `channels:` section (validated with
 * zod there; `${ENV_VAR}` references are already substituted). Fields holding secrets: webhook
 * `secret`, telegram `token`, slack `webhookUrl` (the URL is the credential), email `password`.
 * They are never logged: the delivery loop logs channel names only.
 */
import { z } from "zod";

const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });

export const channelSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("webhook"),
    url: httpUrl,
    /** HMAC-SHA256 key of the webhook-signature header (sinks/notify/README.md). */
    secret: z.string().min(16, "the signing secret needs at least 16 characters"),
  }),
  z.strictObject({
    type: z.literal("telegram"),
    token: z.string().min(1),
    chatId: z.union([z.string().min(1), z.int()]).transform(String),
    /** The Bot API's address; tests point it at a local fake. */
    apiBase: httpUrl.default("https://api.telegram.org"),
  }),
  z.strictObject({
    type: z.literal("slack"),
    webhookUrl: httpUrl,
  }),
  z.strictObject({
    type: z.literal("email"),
    host: z.string().min(1),
    port: z.int().min(1).max(65535).default(587),
    /** true: TLS from the start (port 465); false: STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    /** false: never STARTTLS (a loopback test server); default true. */
    tls: z.boolean().default(true),
    /**
     * With `tls` and not `secure`: refuse to send (and to log in) unless the server upgrades with
     * STARTTLS, so a man in the middle cannot strip it and read the password. Default true.
     */
    requireTls: z.boolean().default(true),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    from: z.email(),
    to: z.array(z.email()).min(1),
  }),
]);

export type ChannelConfig = z.output<typeof channelSchema>;
export type ChannelType = ChannelConfig["type"];
