/**
 * The dashboard's data API. An access token given once in the page address (?token=) is kept for
 * the session, taken out of the address bar (and so out of the history, bookmarks and screenshots)
 * and sent with every request as a bearer; only the event stream, which EventSource opens without
 * headers, carries it in its address. With basic auth the browser sends the credentials.
 */
const TOKEN_KEY = "simak.token";
const API = "/api/dashboard/";

function token(): string | null {
  const params = new URLSearchParams(location.search);
  const fromAddress = params.get("token");
  if (fromAddress) {
    sessionStorage.setItem(TOKEN_KEY, fromAddress);
    params.delete("token");
    const rest = params.toString();
    history.replaceState(history.state, "", `${location.pathname}${rest ? `?${rest}` : ""}${location.hash}`);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function headers(): HeadersInit {
  const known = token();
  return known ? { authorization: `Bearer ${known}` } : {};
}

export async function getJson<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${API}${path}?${new URLSearchParams(params)}`, { headers: headers() });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

export async function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(`${API}${path}`, {
    method: "POST",
    headers: { ...headers(), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Calls `onChange` when new data lands; `onStatus` with whether the stream is connected. */
export function listenForChanges(onChange: () => void, onStatus: (connected: boolean) => void): EventSource {
  const known = token();
  const source = new EventSource(`${API}events${known ? `?${new URLSearchParams({ token: known })}` : ""}`);
  source.addEventListener("ready", () => onStatus(true));
  source.addEventListener("changed", onChange);
  source.addEventListener("error", () => onStatus(false));
  return source;
}
