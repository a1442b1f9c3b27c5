/**
 * The read-only SQL endpoint (/api/sql) of a running Simak process. Embedded ClickHouse lives
 * inside the process that runs the pipeline and holds its data folder, so `simak sql` and `simak
 * report` ask that process when one is running (with the configured credentials).
 */
import type { SimakConfig } from "../../runtime/config.js";
import { isWildcard } from "../../runtime/http-access.js";

/** The configured credentials as an Authorization header, for the process's own /api/sql. */
function credentials(config: SimakConfig): Record<string, string> {
  const { token, username, password } = config.dashboard;
  if (token) return { authorization: `Bearer ${token}` };
  if (username) return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
  return {};
}

/** How long a query through the running process may take before the command gives up. */
const ENDPOINT_TIMEOUT_MS = 120_000;

/**
 * Runs `query` on the running process's /api/sql and returns its text in `format`; undefined when
 * no process answers there. Throws with the endpoint's message when it refuses or fails the query.
 */
export async function queryRunningProcess(
  config: SimakConfig,
  query: string,
  format: string,
): Promise<string | undefined> {
  // A process bound to every interface is reached on loopback, a name its Host check accepts.
  const host = isWildcard(config.http.host)
    ? "127.0.0.1"
    : config.http.host.includes(":")
      ? `[${config.http.host}]`
      : config.http.host;
  const endpoint = `http://${host}:${config.http.port}/api/sql?format=${encodeURIComponent(format)}`;
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/sql", ...credentials(config) },
    body: query,
    signal: AbortSignal.timeout(ENDPOINT_TIMEOUT_MS),
  }).catch((error: Error) => {
    if (error.name === "TimeoutError") throw new Error(`${endpoint}: no answer within ${ENDPOINT_TIMEOUT_MS / 1000} s`);
    return undefined;
  });
  if (!response) return undefined;
  const text = await response.text();
  if (!response.ok) throw new Error(text.trim() || `HTTP ${response.status}`);
  return text;
}
