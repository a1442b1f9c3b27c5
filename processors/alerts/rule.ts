/**
 * One alert rule, as validated from the rules file (zod). Durations are written `5m`, `2h`, `1d`
 * and held in minutes. Defaults are here, documented in README.md.
 */
import { z } from "zod";
import type { AlertSeverity, Platform } from "../../schemas/types.generated.js";
import { PLATFORMS } from "../topics/parse.js";
import { EVENT_KINDS, type EventKind } from "./series.js";

/** Signals over the per-minute counts, compared with a baseline. */
export const AGGREGATE_SIGNALS = ["negative-count", "negative-share", "total-volume", "net-sentiment-drop"] as const;
export const SIGNALS = [...AGGREGATE_SIGNALS, ...EVENT_KINDS] as const;
export type AggregateSignal = (typeof AGGREGATE_SIGNALS)[number];
export type Signal = AggregateSignal | EventKind;

export const SEVERITIES: readonly AlertSeverity[] = ["info", "warning", "critical"];

export function isEventSignal(signal: Signal): signal is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(signal);
}

const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440 };

const duration = z
  .string()
  .regex(/^[1-9]\d*[mhd]$/, "expected a duration like 5m, 2h or 1d")
  .transform((text) => Number(text.slice(0, -1)) * (UNIT_MINUTES[text.slice(-1)] as number));

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected a local time HH:MM")
  .transform((text) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3)));

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isTimeZone, "unknown IANA time zone");
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_./-]*$/, "use letters, digits, '-', '_', '.' and '/'");
const severity = z.enum(["info", "warning", "critical"]);

export const ruleSchema = z
  .strictObject({
    description: z.string().optional(),
    enabled: z.boolean().default(true),
    scope: z
      .strictObject({
        agency: id.nullable().default(null),
        queryId: id.nullable().default(null),
        platform: z
          .enum(PLATFORMS as [Platform, ...Platform[]])
          .nullable()
          .default(null),
        /** Two-digit Kemendagri province code of the mentions' place ("32": Jawa Barat); quote it in YAML. */
        province: z
          .string()
          .regex(/^\d{2}$/, 'expected a two-digit province code such as "32"')
          .nullable()
          .default(null),
      })
      .default({ agency: null, queryId: null, platform: null, province: null }),
    signal: z.enum(SIGNALS),
    /** The signal is computed over the last `window` minutes, every minute. */
    window: duration.default(5),
    baseline: z
      .strictObject({
        /** How many weeks of the same hour of the week the median looks back on. */
        weeks: z.int().min(1).max(12).default(4),
        /** Baseline samples taken per hour (window values at evenly spaced minutes). */
        samplesPerHour: z
          .int()
          .min(1)
          .refine((n) => 60 % n === 0, "must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60)")
          .default(4),
        /** Samples an hour-of-week slot needs before its median is used. */
        minSamples: z.int().min(2).default(8),
        /**
         * Samples the EWMA fallback needs before it is used; default one day's worth, so that its
         * variance has seen the daily swing (with less, the morning rise looks like a spike).
         */
        ewmaMinSamples: z.int().min(2).optional(),
        /** Weight of the newest sample in the EWMA fallback. */
        ewmaAlpha: z.number().gt(0).lte(1).default(0.05),
        /**
         * The least baseline, in the signal's unit: the baseline never goes below it, and while no
         * estimate has enough samples it is the baseline (unset: no firing while warming up).
         */
        floor: z.number().min(0).optional(),
        /** Lowest spread for share and net-sentiment signals (counts use sqrt(baseline), Poisson). */
        minSpread: z.number().gt(0).default(0.05),
      })
      .default({ weeks: 4, samplesPerHour: 4, minSamples: 8, ewmaAlpha: 0.05, minSpread: 0.05 }),
    threshold: z
      .strictObject({
        /** Robust z-score the value must reach (aggregate signals). */
        z: z.number().positive().default(3),
        /** Mentions the window must hold: negatives for negative-count, all mentions otherwise. */
        minVolume: z.int().min(0).default(10),
        /** negative-share only, required: the share of negative mentions must reach this too. */
        share: z.number().gt(0).lte(1).optional(),
        /** Event signals: events of the kind the window must hold. */
        minEvents: z.int().min(1).default(1),
      })
      .default({ z: 3, minVolume: 10, minEvents: 1 }),
    resolve: z
      .strictObject({
        /** Back to normal below this z (default: half of threshold.z). */
        z: z.number().min(0).optional(),
        /** ... for this long, evaluated every minute. */
        after: duration.default(5),
      })
      .default({ after: 5 }),
    /** After firing, the same rule and scope does not fire again for this long. */
    cooldown: duration.default(30),
    severity: severity.default("warning"),
    /** Names of the channels (the file's `channels:` section) to notify. */
    channels: z.array(z.string()).default([]),
    /** Local time zone of the hour of the week and of quiet hours. */
    timeZone: timeZone.default("Asia/Jakarta"),
    /** Notifications below `minSeverity` raised in [from, to) local time wait until `to`. */
    quietHours: z
      .strictObject({ from: clockTime, to: clockTime, minSeverity: severity.default("critical") })
      .refine((hours) => hours.from !== hours.to, "'from' and 'to' must differ")
      .optional(),
  })
  .superRefine((rule, context) => {
    if (rule.signal === "negative-share" && rule.threshold.share === undefined)
      context.addIssue({
        code: "custom",
        path: ["threshold", "share"],
        message: "negative-share needs threshold.share",
      });
    if (rule.signal !== "negative-share" && rule.threshold.share !== undefined)
      context.addIssue({
        code: "custom",
        path: ["threshold", "share"],
        message: "threshold.share is for negative-share",
      });
    if (rule.window > 24 * 60) context.addIssue({ code: "custom", path: ["window"], message: "window is at most 1d" });
    if (rule.scope.province !== null && rule.scope.queryId !== null)
      context.addIssue({
        code: "custom",
        path: ["scope", "province"],
        message:
          "a province scope is for an agency or all mentions, not a query (the province rollups keep no queries)",
      });
  });

export type AlertRule = z.output<typeof ruleSchema> & { id: string };
