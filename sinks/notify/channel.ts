/**
 * A notification channel: sends one alert, resolves when the far end accepted it, throws
 * `DeliveryError` otherwise. Messages never include URLs or credentials (a Telegram URL holds the
 * bot token, a Slack webhook URL is itself the secret): only the channel's name, the HTTP status or
 * the network error code.
 */
import { ErrorCode, SimakError } from "../../runtime/errors.js";
import type { Alert } from "../../schemas/types.generated.js";

export interface Channel {
  readonly name: string;
  readonly type: string;
  send(alert: Alert, signal: AbortSignal): Promise<void>;
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
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      signal,
    });
  } catch (error) {
    throw new DeliveryError(channel, reasonOf(error));
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) throw new DeliveryError(channel, `HTTP ${response.status}`);
  return text;
}
