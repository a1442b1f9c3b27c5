/**
 * pino JSON logs on stderr, so stdout carries only what a command prints (query results, counts).
 * Secrets never reach a log line: known secret fields are redacted by path.
 */
import { pino } from "pino";

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
