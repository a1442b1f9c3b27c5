/** Local fake endpoints on 127.0.0.1 for the notification tests, and a sample alert. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { Alert } from "../../../schemas/types.generated.js";

export function sampleAlert(fields: Partial<Alert> = {}): Alert {
  const windowEnd = Date.UTC(2024, 0, 15, 3, 5); // 10:05 WIB
  return {
    id: "bpjs-negative-count:bpjs-kesehatan/*/*:2024-01-15T03:05:00.000Z:firing",
    ruleId: "bpjs-negative-count",
    status: "firing",
    severity: "warning",
    agency: "bpjs-kesehatan",
    queryId: null,
    platform: "x",
    signal: "negative-count",
    observed: 58,
    baseline: 25,
    threshold: 45,
    windowStart: windowEnd - 5 * 60_000,
    windowEnd,
    firedAt: windowEnd,
    message: "negative-count 58 over 5m",
    topPostIds: ["p2", "p1"],
    topAuthorIds: ["a2"],
    incidentId: "bpjs-negative-count:bpjs-kesehatan/*/*:2024-01-15T03:05:00.000Z",
    z: 6.6,
    baselineMethod: "hour-of-week",
    volume: 58,
    notifyAt: null,
    channels: ["hook"],
    ...fields,
  };
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * An HTTP endpoint that records every request and answers `answer` (default 200 "ok"), or 503
 * while `down()` is true.
 */
export class FakeHttpEndpoint {
  readonly requests: ReceivedRequest[] = [];
  /** Requests answered 2xx. */
  readonly accepted: ReceivedRequest[] = [];
  down: () => boolean = () => false;
  answer: (request: ReceivedRequest) => { status: number; body: string } = () => ({ status: 200, body: "ok" });
  private server: Server | null = null;

  /** Listens on `port` (0: any free port). */
  async listen(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const request = {
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        };
        this.requests.push(request);
        const { status, body } = this.down() ? { status: 503, body: "down" } : this.answer(request);
        if (status < 300) this.accepted.push(request);
        res.writeHead(status, { "content-type": "text/plain" }).end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.server = server;
    return this;
  }

  get port(): number {
    if (!this.server) throw new Error("the endpoint is not listening");
    return (this.server.address() as AddressInfo).port;
  }

  url(path = "/"): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A port nothing listens on now (connections are refused), to listen on later. */
export async function freePort(): Promise<number> {
  const probe = await new FakeHttpEndpoint().listen();
  const port = probe.port;
  await probe.close();
  return port;
}

export interface ReceivedMail {
  from: string;
  to: string[];
  /** Headers unfolded, body decoded from quoted-printable. */
  headers: string;
  body: string;
}

/** Quoted-printable to text (nodemailer encodes non-ASCII bodies this way). */
function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => `%${hex}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, "%25"));
}

/** An SMTP server on 127.0.0.1 without TLS or auth, keeping every message. */
export class FakeSmtpServer {
  readonly mails: ReceivedMail[] = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const split = raw.indexOf("\r\n\r\n");
        const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
        const rawBody = raw.slice(split + 4);
        const body = /content-transfer-encoding: quoted-printable/i.test(headers)
          ? decodeQuotedPrintable(rawBody)
          : rawBody;
        this.mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          headers,
          body,
        });
        callback();
      });
    },
  });

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
