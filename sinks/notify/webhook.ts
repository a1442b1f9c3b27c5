/**
 * Generic webhook: POSTs the Alert record as JSON, signed the Standard Webhooks way
 * (https://www.standardwebhooks.com/): `webhook-id` is the alert id (the same on every
 * redelivery, so the receiver drops duplicates), `webhook-timestamp` the sending time in seconds,
 * and `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` with the
 * channel's secret. Signing the id and the time with the body lets the receiver refuse a
 * replayed request (timestamp outside its window, sinks/notify/README.md) and trust the id.
 */
import { createHmac } from "node:crypto";
import type { Alert } from "../../schemas/types.generated.js";
import { type Channel, postJson } from "./channel.js";
import type { ChannelConfig } from "./config.js";

export const ALERT_ID_HEADER = "webhook-id";
export const TIMESTAMP_HEADER = "webhook-timestamp";
export const SIGNATURE_HEADER = "webhook-signature";

/** `v1,<base64>`: the signature of one delivery attempt. */
export function signWebhook(id: string, timestampSeconds: number, body: string, secret: string): string {
  const mac = createHmac("sha256", secret).update(`${id}.${timestampSeconds}.${body}`).digest("base64");
  return `v1,${mac}`;
}

export function webhookChannel(name: string, config: Extract<ChannelConfig, { type: "webhook" }>): Channel {
  return {
    name,
    type: "webhook",
    async send(alert: Alert, signal: AbortSignal) {
      const body = JSON.stringify(alert);
      // Every attempt is signed afresh: a retry an hour later is not a replay.
      const timestamp = Math.floor(Date.now() / 1000);
      await postJson(name, config.url, body, signal, {
        [ALERT_ID_HEADER]: alert.id,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhook(alert.id, timestamp, body, config.secret),
      });
    },
  };
}
