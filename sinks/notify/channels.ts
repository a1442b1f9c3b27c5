/** Builds the channels of a rules file's `channels:` section, by name. */

import type { ChannelConfig } from "../../processors/alerts/channels.js";
import type { Channel } from "./channel.js";
import { emailChannel } from "./email.js";
import { slackChannel } from "./slack.js";
import { telegramChannel } from "./telegram.js";
import { webhookChannel } from "./webhook.js";

export function createChannel(name: string, config: ChannelConfig): Channel {
  switch (config.type) {
    case "webhook":
      return webhookChannel(name, config);
    case "telegram":
      return telegramChannel(name, config);
    case "slack":
      return slackChannel(name, config);
    case "email":
      return emailChannel(name, config);
  }
}

export function createChannels(configs: ReadonlyMap<string, ChannelConfig>): Map<string, Channel> {
  return new Map([...configs].map(([name, config]) => [name, createChannel(name, config)]));
}
