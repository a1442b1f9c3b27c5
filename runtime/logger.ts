/**
 * pino JSON logs on stderr, so stdout carries only what a command prints (query results, counts).
 * Secrets never reach a log line: known secret fields are redacted by path.
 */
import { pino } from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string, name = "simak"): Logger {
  return pino(
    {
      name,
      level,
      redact: {
        paths: ["password", "*.password", "*.*.password", "token", "*.token", "authorization", "*.authorization"],
        censor: "***",
      },
    },
    pino.destination(2),
  );
}
