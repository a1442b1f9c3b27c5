import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../runtime/config.js";
import { createLogger, logsArePretty } from "../../runtime/logger.js";
import { formatLogRecord, prettyLogDestination } from "../../runtime/pretty-log.js";

const at = new Date(2026, 0, 2, 3, 4, 5).getTime();

describe("human-readable log lines", () => {
  it("shows time, level, stage, message and a few fields, long values shortened", () => {
    const line = formatLogRecord(
      {
        level: 30,
        time: at,
        pid: 1,
        hostname: "h",
        name: "simak",
        stage: "sink",
        msg: "stage started",
        rows: 12,
        note: "two words",
        long: "x".repeat(80),
      },
      { colors: false },
    );
    expect(line).toBe(`03:04:05 INFO  sink stage started rows=12 note="two words" long=${"x".repeat(59)}…\n`);
  });

  it("puts an error's message first and its stack below an error line", () => {
    const line = formatLogRecord(
      {
        level: 50,
        time: at,
        msg: "poll failed",
        err: { message: "boom", stack: "Error: boom\n    at a (f.ts:1)\n    at b (g.ts:2)" },
      },
      { colors: false },
    );
    expect(line).toBe("03:04:05 ERROR poll failed err=boom\n    at a (f.ts:1)\n    at b (g.ts:2)\n");
  });

  it("formats what pino writes, secrets still redacted; other text passes through", () => {
    let written = "";
    const out = new Writable({
      write(chunk, _, callback) {
        written += String(chunk);
        callback();
      },
    });
    const logger = createLogger("info", "simak", prettyLogDestination(out, { colors: false }));
    logger.info({ component: "bus", password: "hunter2" }, "connected");
    prettyLogDestination(out, { colors: false }).write("not json\n");
    expect(written).toMatch(/^\d\d:\d\d:\d\d INFO {2}bus connected password=\*\*\*\nnot json\n$/);
  });

  it("SIMAK_LOG_FORMAT: auto is readable only on a terminal; json and pretty force it; other values fail at start", () => {
    const terminal = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    expect(loadConfig({}).log.format).toBe("auto");
    expect([logsArePretty("auto", terminal), logsArePretty("auto", pipe)]).toEqual([true, false]);
    expect([logsArePretty("json", terminal), logsArePretty("pretty", pipe)]).toEqual([false, true]);
    expect(() => loadConfig({ SIMAK_LOG_FORMAT: "yaml" })).toThrow(/SIMAK_LOG_FORMAT \(log\.format\)/);
  });
});
