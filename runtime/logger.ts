/**
 * pino JSON logs on stderr, so stdout carries only what a command prints (query results, counts);
 * on a terminal, the same records as human-readable lines (runtime/pretty-log.ts).
 * Secrets never reach a log line: known secret fields are redacted by path.
 */
import { pino } from "pino";
import type { SimakConfig } from "./config.js";
import { prettyLogDestination, terminalColors } from "./pretty-log.js";

export type Logger = pino.Logger;

/** Logs to stderr, or to `destination` (tests read what would be logged). */
export function createLogger(
  level: string,
  name = "simak",
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      name,
      level,
      redact: {
        paths: [
          "password",
          "*.password",
          "*.*.password",
          "token",
          "*.token",
          "authorization",
          "*.authorization",
          // Notification channels (sinks/notify): the webhook signing key and the Slack URL.
          "secret",
          "*.secret",
          "webhookUrl",
          "*.webhookUrl",
        ],
        censor: "***",
      },
    },
    destination,
  );
}

/** Whether `log.format` means human-readable lines here: `auto` does when stderr, where logs go, is a terminal. */
export function logsArePretty(
  format: SimakConfig["log"]["format"],
  stream: NodeJS.WriteStream = process.stderr,
): boolean {
  return format === "pretty" || (format === "auto" && stream.isTTY === true);
}

/** The logger of a command: JSON lines, or readable ones per `log.format`. */
export function createConsoleLogger(log: SimakConfig["log"]): Logger {
  if (!logsArePretty(log.format)) return createLogger(log.level);
  return createLogger(
    log.level,
    "simak",
    prettyLogDestination(process.stderr, { colors: terminalColors(process.stderr) }),
  );
}
