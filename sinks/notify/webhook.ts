/**
 * Generic webhook: POSTs the Alert record as JSON. `X-Simak-Signature: sha256=<hex>` is the
 * HMAC-SHA256 of the exact body bytes with the channel's secret, so the receiver can check the
 * sender; `X-Simak-Alert-Id` lets it drop a redelivered alert.
 */
import { createHmac } from "node:crypto";
import type { Alert } from "../../schemas/types.generated.js";
import { type Channel, postJson } from "./channel.js";
import type { ChannelConfig } from "./config.js";

export const SIGNATURE_HEADER = "x-simak-signature";
export const ALERT_ID_HEADER = "x-simak-alert-id";

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function webhookChannel(name: string, config: Extract<ChannelConfig, { type: "webhook" }>): Channel {
  return {
    name,
    type: "webhook",
    async send(alert: Alert, signal: AbortSignal) {
      const body = JSON.stringify(alert);
      await postJson(name, config.url, body, signal, {
        [SIGNATURE_HEADER]: signBody(body, config.secret),
        [ALERT_ID_HEADER]: alert.id,
      });
    },
  };
}
