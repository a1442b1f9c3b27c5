/**
 * Telegram Bot API: `POST <apiBase>/bot<token>/sendMessage` with the chat id and the bilingual text.
 * The API answers 200 with `{"ok": true}`; anything else is a failed delivery.
 */

import type { ChannelConfig } from "../../processors/alerts/channels.js";
import type { Alert } from "../../schemas/types.generated.js";
import { type Channel, type ChannelDocument, DeliveryError, postForm, postJson } from "./channel.js";
import { alertText } from "./format.js";

/** Telegram refuses messages longer than this. */
const MAX_MESSAGE = 4096;
/** ... and document captions longer than this. */
const MAX_CAPTION = 1024;

/** Whether the Bot API answered `{"ok": true}`. */
function answeredOk(answer: string): boolean {
  try {
    return (JSON.parse(answer) as { ok?: unknown }).ok === true;
  } catch {
    // Not JSON: not the Bot API.
    return false;
  }
}

export function telegramChannel(name: string, config: Extract<ChannelConfig, { type: "telegram" }>): Channel {
  const bot = `${config.apiBase.replace(/\/+$/, "")}/bot${config.token}`;
  const url = `${bot}/sendMessage`;
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
      if (!answeredOk(answer)) throw new DeliveryError(name, "the Bot API did not answer ok");
    },
    /** `sendDocument`: the file, captioned with the document's text. */
    async sendDocument(document: ChannelDocument, signal: AbortSignal) {
      const form = new FormData();
      form.set("chat_id", config.chatId);
      form.set("caption", document.text.slice(0, MAX_CAPTION));
      form.set("document", new Blob([document.content], { type: document.contentType }), document.filename);
      const answer = await postForm(name, `${bot}/sendDocument`, form, signal);
      if (!answeredOk(answer)) throw new DeliveryError(name, "the Bot API did not answer ok");
    },
  };
}
