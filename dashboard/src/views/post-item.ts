/** A post in a list (an issue's posts, an account's posts in a network). */
import { type IssuePostRow, SENTIMENTS, type Sentiment } from "../../shared/types.js";
import { SENTIMENT_COLOURS, SENTIMENT_LABELS } from "../charts.js";
import { h } from "../dom.js";
import { formatDateTime } from "../format.js";
import { nameOf, t } from "../i18n.js";

/** Its sentiment (named, not by colour alone), time, platform, author and text. */
export function postItem(post: IssuePostRow): HTMLElement {
  const known = (SENTIMENTS as readonly string[]).includes(post.sentiment) ? (post.sentiment as Sentiment) : "unknown";
  return h(
    "li",
    { class: `stream-item sentiment-${known}`, "data-post": `${post.platform}:${post.id}` },
    h(
      "span",
      { class: `sentiment-tag sentiment-${known}`, style: `border-color:${SENTIMENT_COLOURS[known]}` },
      t(SENTIMENT_LABELS[known]),
    ),
    h("time", {}, formatDateTime(post.time)),
    h("span", { class: "muted" }, ` ${nameOf("platform", post.platform)} · @${post.handle} `),
    h("p", {}, post.text),
  );
}
