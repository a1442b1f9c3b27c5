/** The few lines a delivered report travels with (email body, Telegram caption, Slack message). */
import type { ReportData } from "./data.js";
import { formatFigure, formatPeriod } from "./html.js";
import { LABELS, type Lang } from "./labels.js";

export function reportSummary(data: ReportData, lang: Lang): { subject: string; text: string } {
  const l = LABELS[lang];
  const period = formatPeriod(data.period, lang);
  const subject = `${l.title}: ${data.agencyName}, ${period}`;
  if (!data.hasData) return { subject, text: `${subject}\n\n${l.noData}` };
  const lines = (["reach", "frequency", "influence", "conversation", "sustainability"] as const).map((measure) => {
    const first = data.measures[measure][0];
    return first
      ? `${l[measure]}: ${l[first.key as keyof typeof l]} ${formatFigure(first.current.value, first.kind, lang)}`
      : l[measure];
  });
  return { subject, text: [subject, "", ...lines].join("\n") };
}
