/**
 * Email over SMTP (nodemailer): the bilingual text, subject with both headlines, and the alert id
 * in `X-Simak-Alert-Id` and as the Message-ID, so mail clients thread and drop duplicates. On a
 * plain connection (port 587) STARTTLS is required unless the channel says `requireTls: false` or
 * `tls: false` (a loopback test server).
 */
import { createTransport } from "nodemailer";
import type { ChannelConfig } from "../../processors/alerts/channels.js";
import type { Alert } from "../../schemas/types.generated.js";
import { type Channel, type ChannelDocument, DeliveryError } from "./channel.js";
import { alertText } from "./format.js";

/** Settles with the send, or rejects on abort (a hung server); either way the listener goes. */
function settle(name: string, sending: Promise<unknown>, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(new DeliveryError(name, "timed out"));
    signal.addEventListener("abort", onAbort, { once: true });
    sending.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      (error: { code?: string; responseCode?: number }) => {
        signal.removeEventListener("abort", onAbort);
        const reason = [error.code, error.responseCode && `SMTP ${error.responseCode}`].filter(Boolean).join(" ");
        reject(new DeliveryError(name, reason || "SMTP error"));
      },
    );
  });
}

export function emailChannel(name: string, config: Extract<ChannelConfig, { type: "email" }>): Channel {
  const transport = createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ignoreTLS: !config.tls,
    requireTLS: config.tls && config.requireTls && !config.secure,
    ...(config.user === undefined ? {} : { auth: { user: config.user, pass: config.password ?? "" } }),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  const domain = config.from.slice(config.from.indexOf("@") + 1);
  return {
    name,
    type: "email",
    async send(alert: Alert, signal: AbortSignal) {
      const text = alertText(alert);
      await settle(
        name,
        transport.sendMail({
          from: config.from,
          to: config.to,
          subject: text.subject,
          text: text.full,
          messageId: `<${encodeURIComponent(alert.id)}@${domain}>`,
          headers: { "X-Simak-Alert-Id": alert.id },
        }),
        signal,
      );
    },
    async sendDocument(document: ChannelDocument, signal: AbortSignal) {
      await settle(
        name,
        transport.sendMail({
          from: config.from,
          to: config.to,
          subject: document.subject,
          text: document.text,
          messageId: `<${encodeURIComponent(document.id)}@${domain}>`,
          headers: { "X-Simak-Report-Id": document.id },
          attachments: [{ filename: document.filename, content: document.content, contentType: document.contentType }],
        }),
        signal,
      );
    },
  };
}
