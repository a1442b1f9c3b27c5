/**
 * Alert notifications: channels (webhook, Telegram, Slack, email) and the delivery loop that
 * retries each (alert, channel) until delivered, exactly once per alert id. See README.md.
 */
export { type Channel, DeliveryError, postJson } from "./channel.js";
export { createChannel, createChannels } from "./channels.js";
export { type ChannelConfig, type ChannelType, channelSchema } from "./config.js";
export {
  type Backoff,
  backoffDelay,
  DEFAULT_BACKOFF,
  type DeliveryOptions,
  DeliveryQueue,
  type PassResult,
  type PendingDelivery,
} from "./delivery.js";
export { emailChannel } from "./email.js";
export { type AlertText, alertText, headline, windowText } from "./format.js";
export { notifyKeys } from "./keys.js";
export { slackChannel, slackPayload } from "./slack.js";
export { telegramChannel } from "./telegram.js";
export { ALERT_ID_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER, webhookChannel } from "./webhook.js";
