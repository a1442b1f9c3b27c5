import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorCode } from "../../../runtime/errors.js";
import { type Channel, createChannel, DeliveryError, signWebhook } from "../../../sinks/notify/index.js";
import { FakeHttpEndpoint, FakeSmtpServer, freePort, sampleAlert } from "./fakes.js";

const SECRET = "webhook-secret-0123456789";
const TOKEN = "123456:telegram-bot-token";
const signal = () => AbortSignal.timeout(5000);

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function endpoint(): Promise<FakeHttpEndpoint> {
  const fake = await new FakeHttpEndpoint().listen();
  closers.push(() => fake.close());
  return fake;
}

async function failure(channel: Channel): Promise<DeliveryError> {
  const error = await channel.send(sampleAlert(), signal()).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  expect((error as DeliveryError).code).toBe(ErrorCode.NotifyDeliveryFailed);
  return error as DeliveryError;
}

describe("notification channels", () => {
  it("webhook: POSTs the Alert record as JSON, signed Standard Webhooks style over id, time and body", async () => {
    const fake = await endpoint();
    const alert = sampleAlert();
    const before = Math.floor(Date.now() / 1000);
    await createChannel("hook", { type: "webhook", url: fake.url("/simak"), secret: SECRET }).send(alert, signal());
    const [request] = fake.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/simak");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual(alert);
    // What a receiver does (sinks/notify/README.md): the time within 5 minutes, then the signature.
    const timestamp = Number(request?.headers["webhook-timestamp"]);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(Math.abs(Date.now() / 1000 - timestamp)).toBeLessThan(300);
    expect(request?.headers["webhook-id"]).toBe(alert.id);
    const expected = createHmac("sha256", SECRET).update(`${alert.id}.${timestamp}.${request?.body}`).digest("base64");
    expect(request?.headers["webhook-signature"]).toBe(`v1,${expected}`);
    expect(request?.headers).not.toHaveProperty("x-simak-signature");
  });

  it("webhook: the signature covers the id and the time, so neither can be swapped or replayed later", () => {
    const body = JSON.stringify(sampleAlert());
    const signature = signWebhook("alert-a", 1_700_000_000, body, SECRET);
    expect(signWebhook("alert-b", 1_700_000_000, body, SECRET)).not.toBe(signature);
    expect(signWebhook("alert-a", 1_700_000_301, body, SECRET)).not.toBe(signature);
    expect(signWebhook("alert-a", 1_700_000_000, `${body} `, SECRET)).not.toBe(signature);
    // The Standard Webhooks test vector's shape: v1, then 44 base64 characters.
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it("telegram: sendMessage to the chat, Bahasa Indonesia first then English, on a configurable API base", async () => {
    const fake = await endpoint();
    fake.answer = () => ({ status: 200, body: JSON.stringify({ ok: true, result: { message_id: 1 } }) });
    const channel = createChannel("tg", { type: "telegram", token: TOKEN, chatId: "-100123", apiBase: fake.url() });
    await channel.send(sampleAlert(), signal());
    const [request] = fake.requests;
    expect(request?.path).toBe(`/bot${TOKEN}/sendMessage`);
    const body = JSON.parse(request?.body ?? "") as { chat_id: string; text: string };
    expect(body.chat_id).toBe("-100123");
    expect(body.text.split("\n")).toEqual([
      "PERINGATAN (waspada): Lonjakan sebutan negatif",
      "Lingkup: bpjs-kesehatan · x",
      "Nilai 58 dalam 5 menit; baseline 25 (hour-of-week), ambang 45, z 6.6, volume 58",
      "Waktu: 15 Jan 2024, 10:00-10:05 WIB",
      "Aturan: bpjs-negative-count",
      "Unggahan teratas: p2, p1",
      "Akun teratas: a2",
      "",
      "ALERT (warning): Negative mention spike",
      "Scope: bpjs-kesehatan · x",
      "Observed 58 over 5 min; baseline 25 (hour-of-week), threshold 45, z 6.6, volume 58",
      "Window: 15 Jan 2024, 10:00-10:05 WIB",
      "Rule: bpjs-negative-count",
      "Top posts: p2, p1",
      "Top authors: a2",
      "",
      `id: ${sampleAlert().id}`,
    ]);
    // A refusal names the channel and the status, never the token in the URL.
    fake.answer = () => ({ status: 401, body: JSON.stringify({ ok: false, description: "Unauthorized" }) });
    const refused = await failure(channel);
    expect(refused.message).toBe("channel 'tg': HTTP 401");
    fake.answer = () => ({ status: 200, body: JSON.stringify({ ok: false }) });
    expect((await failure(channel)).message).toBe("channel 'tg': the Bot API did not answer ok");
  });

  it("slack: an incoming-webhook payload with a text fallback and bilingual blocks", async () => {
    const fake = await endpoint();
    const alert = sampleAlert({ status: "resolved", severity: "critical", platform: null });
    await createChannel("slack", { type: "slack", webhookUrl: fake.url("/services/T0/B0/xyz") }).send(alert, signal());
    const payload = JSON.parse(fake.requests[0]?.body ?? "");
    expect(payload.text).toBe(
      "[Simak] PULIH (kritis): Lonjakan sebutan negatif / RESOLVED (critical): Negative mention spike",
    );
    expect(payload.blocks.map((block: { type: string }) => block.type)).toEqual(["section", "section", "context"]);
    expect(payload.blocks[0].text.text).toMatch(
      /^PULIH \(kritis\): Lonjakan sebutan negatif\nLingkup: bpjs-kesehatan · semua platform\n/,
    );
    expect(payload.blocks[1].text.text).toMatch(
      /^RESOLVED \(critical\): Negative mention spike\nScope: bpjs-kesehatan · all platforms\n/,
    );
    expect(payload.blocks[2].elements[0].text).toBe(`id: ${alert.id}`);
  });

  it("email: SMTP with both headlines as the subject, the bilingual text, and the alert id as header and Message-ID", async () => {
    const smtp = await new FakeSmtpServer().listen();
    closers.push(() => smtp.close());
    const channel = createChannel("mail", {
      type: "email",
      host: "127.0.0.1",
      port: smtp.port,
      secure: false,
      tls: false,
      requireTls: false,
      from: "simak@example.go.id",
      to: ["humas@example.go.id", "piket@example.go.id"],
    });
    const alert = sampleAlert();
    await channel.send(alert, signal());
    const [mail] = smtp.mails;
    expect(mail?.from).toBe("simak@example.go.id");
    expect(mail?.to).toEqual(["humas@example.go.id", "piket@example.go.id"]);
    expect(mail?.headers).toContain(
      "Subject: [Simak] PERINGATAN (waspada): Lonjakan sebutan negatif / ALERT (warning): Negative mention spike",
    );
    // Header names are case-insensitive; nodemailer writes "X-Simak-Alert-ID".
    expect(mail?.headers.toLowerCase()).toContain(`x-simak-alert-id: ${alert.id}`.toLowerCase());
    expect(mail?.headers).toMatch(/Message-ID: <bpjs-negative-count%3Abpjs-kesehatan%2F.*%3Afiring@example\.go\.id>/);
    const body = mail?.body.replace(/\r\n/g, "\n") ?? "";
    expect(body.indexOf("PERINGATAN (waspada)")).toBeLessThan(body.indexOf("ALERT (warning)"));
    expect(body).toContain("Nilai 58 dalam 5 menit; baseline 25 (hour-of-week), ambang 45, z 6.6, volume 58");
    expect(body).toContain("Lingkup: bpjs-kesehatan · x");
  });

  it("email: refuses to send without STARTTLS unless told otherwise, so the password never goes in the clear", async () => {
    const smtp = await new FakeSmtpServer().listen();
    closers.push(() => smtp.close());
    const settings = {
      type: "email" as const,
      host: "127.0.0.1",
      port: smtp.port,
      secure: false,
      tls: true,
      from: "simak@example.go.id",
      to: ["humas@example.go.id"],
    };
    // The fake offers no STARTTLS, as a server behind a stripping man in the middle would appear.
    const stripped = await failure(createChannel("mail", { ...settings, requireTls: true }));
    expect(stripped.message).toMatch(/^channel 'mail': /);
    expect(smtp.mails).toHaveLength(0);
    await createChannel("mail", { ...settings, requireTls: false }).send(sampleAlert(), signal());
    expect(smtp.mails).toHaveLength(1);
  });

  it("a network failure is a DeliveryError naming the channel and the error code, not the URL", async () => {
    const port = await freePort();
    const hook = createChannel("hook", { type: "webhook", url: `http://127.0.0.1:${port}/x`, secret: SECRET });
    expect((await failure(hook)).message).toBe("channel 'hook': ECONNREFUSED");
    const mail = createChannel("mail", {
      type: "email",
      host: "127.0.0.1",
      port,
      secure: false,
      tls: false,
      requireTls: false,
      from: "simak@example.go.id",
      to: ["humas@example.go.id"],
    });
    expect((await failure(mail)).message).toBe("channel 'mail': ESOCKET");
  });
});
