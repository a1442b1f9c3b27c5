/**
 * Scheduled evaluation reports, the rules file's `reports:` section: which agency's report goes to
 * which channels of the same file, weekly or monthly (sinks/report/README.md; delivered by the
 * alert stage's leader, pipeline/stages/report-schedule.ts).
 *
 *   reports:
 *     bpjs-bulanan:
 *       agency: bpjs-kesehatan
 *       period: monthly          # or weekly (Monday to Sunday)
 *       zone: Asia/Jakarta       # whose days the period is; default the agency's responsiveness zone
 *       lang: id                 # or en
 *       channels: [humas-email, humas-telegram]
 */
import { z } from "zod";
import { isTimeZone } from "../../runtime/local-time.js";

export const reportScheduleSchema = z.strictObject({
  agency: z.string().min(1),
  period: z.enum(["weekly", "monthly"]),
  zone: z.string().refine(isTimeZone, "expected an IANA time zone, e.g. Asia/Jakarta").optional(),
  lang: z.enum(["id", "en"]).default("id"),
  channels: z.array(z.string().min(1)).min(1, "name at least one channel"),
  enabled: z.boolean().default(true),
});

export type ReportSchedule = z.output<typeof reportScheduleSchema> & { id: string };
