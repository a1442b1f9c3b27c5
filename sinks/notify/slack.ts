/**
 * Slack incoming webhook: `text` (the fallback shown in notifications) and `blocks` (the Indonesian
 * section, the English section, the alert id). Slack answers 200 "ok".
 */

import type { ChannelConfig } from "../../processors/alerts/channels.js";
import type { Alert } from "../../schemas/types.generated.js";
import { type Channel, type ChannelDocument, postJson } from "./channel.js";
import { alertText } from "./format.js";

export function slackPayload(alert: Alert) {
  const text = alertText(alert);
  return {
    text: text.subject,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: text.indonesian } },
      { type: "section", text: { type: "mrkdwn", text: text.english } },
      { type: "context", elements: [{ type: "mrkdwn", text: `id: ${alert.id}` }] },
    ],
  };
}

export function slackChannel(name: string, config: Extract<ChannelConfig, { type: "slack" }>): Channel {
  return {
    name,
    type: "slack",
    async send(alert: Alert, signal: AbortSignal) {
      await postJson(name, config.webhookUrl, JSON.stringify(slackPayload(alert)), signal);
    },
    /**
     * An incoming webhook carries no file: the document's text (what it holds, with its key
     * numbers) and its file name; the file itself goes by email or Telegram.
     */
    async sendDocument(document: ChannelDocument, signal: AbortSignal) {
      const payload = {
        text: document.subject,
        blocks: [
          { type: "section", text: { type: "mrkdwn", text: `*${document.subject}*\n${document.text}` } },
          { type: "context", elements: [{ type: "mrkdwn", text: `${document.filename} · id: ${document.id}` }] },
        ],
      };
      await postJson(name, config.webhookUrl, JSON.stringify(payload), signal);
    },
  };
}
