/**
 * Standard Webhooks signatures (github.com/standard-webhooks/standard-webhooks, spec.md): the
 * sender signs `${webhook-id}.${webhook-timestamp}.${raw body}` with HMAC-SHA256 and sends
 * `webhook-signature: v1,<base64>` (several, space-separated, while a secret rotates). Secrets
 * written `whsec_<base64>` are the key's bytes in base64; any other string is used as it is.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export interface SignedRequest {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  body: Buffer;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

function keyOf(secret: string): Buffer {
  return secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : Buffer.from(secret, "utf8");
}

/** The `v1,<base64>` signature of a message, as a sender computes it. */
export function signWebhook(secret: string, id: string, timestamp: number, body: Buffer | string): string {
  const mac = createHmac("sha256", keyOf(secret));
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest("base64")}`;
}

export function verifyWebhook(
  request: SignedRequest,
  secrets: readonly string[],
  nowMs: number,
  toleranceSeconds: number,
): Verdict {
  const { id, timestamp, signature, body } = request;
  if (!id || !timestamp || !signature)
    return { ok: false, reason: "missing webhook-id, webhook-timestamp or webhook-signature" };
  if (!/^\d+$/.test(timestamp)) return { ok: false, reason: "webhook-timestamp is not epoch seconds" };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds)
    return { ok: false, reason: `webhook-timestamp is more than ${toleranceSeconds} s from now` };
  const offered = signature
    .split(" ")
    .filter((part) => part.startsWith("v1,"))
    .map((part) => Buffer.from(part.slice(3), "base64"));
  for (const secret of secrets) {
    const expected = Buffer.from(signWebhook(secret, id, Number(timestamp), body).slice(3), "base64");
    if (offered.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected)))
      return { ok: true };
  }
  return { ok: false, reason: "no valid v1 signature" };
}
