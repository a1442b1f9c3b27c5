/**
 * Telegram Bot API: `POST <apiBase>/bot<token>/sendMessage` with the chat id and the bilingual text.
 * The API answers 200 with `{"ok": true}`; anything else is a failed delivery.
 */

import type { ChannelConfig } from "../../processors/alerts/channels.js";
import type { Alert } from "../../schemas/types.generated.js";
import { type Channel, DeliveryError, postJson } from "./channel.js";
import { alertText } from "./format.js";

/** Telegram refuses messages longer than this. */
const MAX_MESSAGE = 4096;

export function telegramChannel(name: string, config: Extract<ChannelConfig, { type: "telegram" }>): Channel {
  const url = `${config.apiBase.replace(/\/+$/, "")}/bot${config.token}/sendMessage`;
  return {
    name,
    type: "telegram",
    async send(alert: Alert, signal: AbortSignal) {
      const text = alertText(alert).full.slice(0, MAX_MESSAGE);
      const answer = await postJson(
        name,
        url,
        JSON.stringify({ chat_id: config.chatId, text, disable_web_page_preview: true }),
        signal,
      );
      let ok = false;
      try {
        ok = (JSON.parse(answer) as { ok?: unknown }).ok === true;
      } catch {
        // Not JSON: not the Bot API.
      }
      if (!ok) throw new DeliveryError(name, "the Bot API did not answer ok");
    },
  };
}
