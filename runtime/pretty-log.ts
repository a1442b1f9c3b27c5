/**
 * Human-readable log lines for a terminal: pino still writes its JSON line, this destination turns
 * each one into `time LEVEL stage message key=value ...` (a few fields, long values shortened).
 *
 * A formatter of our own rather than pino-pretty: we print one fixed layout, and pino-pretty would
 * bring ten more packages into production for it. Lines that are not pino JSON pass through as is.
 */
import type { DestinationStream } from "pino";

const LEVELS: Record<number, { label: string; color: number }> = {
  10: { label: "TRACE", color: 90 },
  20: { label: "DEBUG", color: 90 },
  30: { label: "INFO", color: 32 },
  40: { label: "WARN", color: 33 },
  50: { label: "ERROR", color: 31 },
  60: { label: "FATAL", color: 35 },
};
/** pino's own fields, and the ones already shown in the line's head. */
const HIDDEN = new Set(["level", "time", "pid", "hostname", "name", "msg", "stage", "component", "err"]);
const MAX_FIELDS = 6;
const MAX_VALUE_CHARS = 60;
const MAX_STACK_LINES = 6;

export interface PrettyLogOptions {
  /** ANSI colours; off when the output is not a terminal or NO_COLOR is set. */
  colors: boolean;
}

/** Colours for a terminal that has not asked for none (https://no-color.org). */
export function terminalColors(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR;
}

function shorten(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function showValue(value: unknown): string {
  if (typeof value === "string") return shorten(/[\s"=]/.test(value) ? JSON.stringify(value) : value);
  return shorten(JSON.stringify(value) ?? String(value));
}

/** One pino JSON record as one line (and, for errors, the first lines of the stack below it). */
export function formatLogRecord(record: Record<string, unknown>, options: PrettyLogOptions): string {
  const paint = (color: number, text: string) => (options.colors ? `\u001b[${color}m${text}\u001b[0m` : text);
  const level = LEVELS[Number(record.level)] ?? { label: String(record.level), color: 0 };
  const time = new Date(typeof record.time === "number" ? record.time : Date.now()).toTimeString().slice(0, 8);
  const who = record.stage ?? record.component;
  const fields = Object.entries(record)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .slice(0, MAX_FIELDS)
    .map(([key, value]) => `${paint(90, `${key}=`)}${showValue(value)}`);
  const err = record.err as { message?: string; stack?: string } | undefined;
  if (err?.message) fields.unshift(`${paint(90, "err=")}${showValue(err.message)}`);
  const head = [
    paint(90, time),
    paint(level.color, level.label.padEnd(5)),
    ...(who === undefined ? [] : [paint(36, String(who))]),
    String(record.msg ?? ""),
    ...fields,
  ].join(" ");
  const stack =
    err?.stack && Number(record.level) >= 50
      ? err.stack
          .split("\n")
          .slice(1, MAX_STACK_LINES + 1)
          .map((line) => `\n    ${paint(90, line.trim())}`)
          .join("")
      : "";
  return `${head}${stack}\n`;
}

/** A pino destination writing formatted lines to `out` (stderr on a terminal). */
export function prettyLogDestination(out: NodeJS.WritableStream, options: PrettyLogOptions): DestinationStream {
  return {
    write(line: string) {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        out.write(line);
        return;
      }
      out.write(
        record && typeof record === "object" ? formatLogRecord(record as Record<string, unknown>, options) : line,
      );
    },
  };
}
