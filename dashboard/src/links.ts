/**
 * Addresses from stored mentions become links only when they are http(s): a post's `url` comes
 * from outside, and a `javascript:` or `data:` address must never run in the monitoring room,
 * where the access token lives in sessionStorage.
 */
export function httpHref(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}
