/**
 * Meta's webhooks (developers.facebook.com/docs/graph-api/webhooks/getting-started): the GET
 * verification handshake (hub.mode=subscribe, hub.verify_token, hub.challenge echoed) and POSTs
 * signed `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`. The signature is
 * checked over the bytes as received (Meta signs its escaped-unicode form: re-serialised JSON
 * would not match), in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/** The `sha256=<hex>` header a sender computes. */
export function signMetaBody(appSecret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`;
}

/** True when `header` is the body's signature with `appSecret`. */
export function verifyMetaSignature(header: string | undefined, body: Buffer, appSecret: string): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const offered = Buffer.from(header.slice(7), "hex");
  const expected = createHmac("sha256", appSecret).update(body).digest();
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

/** Constant-time comparison of two strings of any length (hashed to equal lengths first). */
export function sameSecret(a: string, b: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The challenge to echo, or null when the request is not a valid subscription check. */
export function handshakeChallenge(query: URLSearchParams, verifyToken: string): string | null {
  const challenge = query.get("hub.challenge");
  if (query.get("hub.mode") !== "subscribe" || challenge === null) return null;
  return sameSecret(query.get("hub.verify_token") ?? "", verifyToken) ? challenge : null;
}

/** A notification's envelope: changes by entry (a page or an IG account). */
export const notification = z.object({
  object: z.string(),
  entry: z.array(
    z.object({
      id: z.string(),
      /** Epoch seconds. */
      time: z.number(),
      changes: z.array(z.object({ field: z.string(), value: z.unknown() })).default([]),
    }),
  ),
});
