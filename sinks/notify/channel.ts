/**
 * A notification channel: sends one alert, resolves when the far end accepted it, throws
 * `DeliveryError` otherwise. Messages never include URLs or credentials (a Telegram URL holds the
 * bot token, a Slack webhook URL is itself the secret): only the channel's name, the HTTP status or
 * the network error code.
 */
import { ErrorCode, SimakError } from "../../runtime/errors.js";
import type { Alert } from "../../schemas/types.generated.js";

/** A file to deliver (a scheduled report): email attaches it, Telegram sends it, Slack posts the text. */
export interface ChannelDocument {
  /** Stable per report and period: the email's Message-ID, so mail clients drop a duplicate. */
  id: string;
  subject: string;
  /** Plain text: what the file holds, in a few lines. */
  text: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface Channel {
  readonly name: string;
  readonly type: string;
  send(alert: Alert, signal: AbortSignal): Promise<void>;
  /** Delivers a document; absent where the far end cannot take one (a webhook). */
  sendDocument?(document: ChannelDocument, signal: AbortSignal): Promise<void>;
}

export class DeliveryError extends SimakError {
  constructor(channel: string, reason: string) {
    super(ErrorCode.NotifyDeliveryFailed, `channel '${channel}': ${reason}`);
    this.name = "DeliveryError";
  }
}

/** What went wrong in a request, without its URL: "HTTP 503", "ECONNREFUSED", "timed out". */
function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") return "timed out";
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    if (cause?.code) return cause.code;
    return error.name;
  }
  return "unknown error";
}

/** POSTs a body (JSON text or a form) and returns the response text; DeliveryError as postJson. */
async function post(
  channel: string,
  url: string,
  body: string | FormData,
  signal: AbortSignal,
  headers: Record<string, string>,
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers, body, signal });
  } catch (error) {
    throw new DeliveryError(channel, reasonOf(error));
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) throw new DeliveryError(channel, `HTTP ${response.status}`);
  return text;
}

/** POSTs a multipart form (a file upload) and returns the response text; DeliveryError as postJson. */
export function postForm(channel: string, url: string, form: FormData, signal: AbortSignal): Promise<string> {
  return post(channel, url, form, signal, {});
}

/**
 * POSTs a JSON body and returns the response text; throws DeliveryError on a network error or a
 * non-2xx status. `body` is sent byte for byte as given (the webhook signs exactly these bytes).
 */
export async function postJson(
  channel: string,
  url: string,
  body: string,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<string> {
  return post(channel, url, body, signal, { "content-type": "application/json", ...headers });
}
