/**
 * Canonical article URLs, and the item ids derived from them: the same article reached through
 * a tracking link, another feed or a share button gets one id, so it is counted once.
 */
import { createHash } from "node:crypto";

/** Query parameters that only track the click, never select the content. */
const TRACKING = /^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga)$/i;

/** Host lower-cased, fragment dropped, tracking parameters removed; null when not an http(s) URL. */
export function canonicalUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.hash = "";
  for (const name of [...url.searchParams.keys()]) if (TRACKING.test(name)) url.searchParams.delete(name);
  // URL lower-cases the host already; the search is rebuilt without a dangling "?".
  if ([...url.searchParams.keys()].length === 0) url.search = "";
  return url.toString();
}

/** The item's id: sha1 of its canonical link, else of its guid (a feed without links). */
export function itemId(link: string | null, guid: string | null): string | null {
  const canonical = link ? canonicalUrl(link) : null;
  const basis = canonical ?? guid;
  return basis ? createHash("sha1").update(basis).digest("hex") : null;
}

/** The host without `www.`: an outlet's handle. */
export function outletHandle(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return null;
  }
}
