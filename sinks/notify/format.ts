/**
 * The human text of an alert, Bahasa Indonesia first, then English: what fired, where, the numbers
 * that made it fire, the window in WIB, the evidence, the alert id.
 */
import type { Alert } from "../../schemas/types.generated.js";

interface Wording {
  status: Record<Alert["status"], string>;
  severity: Record<Alert["severity"], string>;
  signal: Record<string, string>;
  scope: string;
  anyAgency: string;
  anyPlatform: string;
  value: (alert: Alert, minutes: number) => string;
  window: string;
  rule: string;
  posts: string;
  authors: string;
}

const round = (value: number) => Number(value.toFixed(Math.abs(value) < 10 ? 3 : 1)).toString();

function numbers(alert: Alert, labels: [string, string, string]): string {
  const [baseline, threshold, volume] = labels;
  const z = alert.z === null ? "" : `, z ${round(alert.z)}`;
  return `${baseline} ${round(alert.baseline)}${alert.baselineMethod ? ` (${alert.baselineMethod})` : ""}, ${threshold} ${round(alert.threshold)}${z}, ${volume} ${alert.volume ?? "-"}`;
}

const INDONESIAN: Wording = {
  status: { firing: "PERINGATAN", resolved: "PULIH" },
  severity: { info: "info", warning: "waspada", critical: "kritis" },
  signal: {
    "negative-count": "Lonjakan sebutan negatif",
    "negative-share": "Proporsi sentimen negatif naik",
    "total-volume": "Lonjakan volume percakapan",
    "net-sentiment-drop": "Sentimen bersih turun",
    "viral-negative-post": "Unggahan negatif viral",
    "influential-negative": "Sebutan negatif dari akun berpengaruh",
    impersonation: "Dugaan akun peniru (impersonasi)",
    "overdue-question": "Pertanyaan warga belum dijawab melewati batas waktu",
    "negative-issue": "Isu negatif baru sedang naik",
  },
  scope: "Lingkup",
  anyAgency: "semua instansi",
  anyPlatform: "semua platform",
  value: (alert, minutes) =>
    `Nilai ${round(alert.observed)} dalam ${minutes} menit; ${numbers(alert, ["baseline", "ambang", "volume"])}`,
  window: "Waktu",
  rule: "Aturan",
  posts: "Unggahan teratas",
  authors: "Akun teratas",
};

const ENGLISH: Wording = {
  status: { firing: "ALERT", resolved: "RESOLVED" },
  severity: { info: "info", warning: "warning", critical: "critical" },
  signal: {
    "negative-count": "Negative mention spike",
    "negative-share": "Negative share rise",
    "total-volume": "Conversation volume surge",
    "net-sentiment-drop": "Net sentiment drop",
    "viral-negative-post": "Viral negative post",
    "influential-negative": "Negative mention by an influential author",
    impersonation: "Suspected impersonation",
    "overdue-question": "Questions left unanswered past their due time",
    "negative-issue": "A new negative issue is rising",
  },
  scope: "Scope",
  anyAgency: "all agencies",
  anyPlatform: "all platforms",
  value: (alert, minutes) =>
    `Observed ${round(alert.observed)} over ${minutes} min; ${numbers(alert, ["baseline", "threshold", "volume"])}`,
  window: "Window",
  rule: "Rule",
  posts: "Top posts",
  authors: "Top authors",
};

const WIB = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Asia/Jakarta",
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const WIB_TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Asia/Jakarta",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** "15 Jan 2024, 10:00-10:05 WIB" */
export function windowText(alert: Alert): string {
  return `${WIB.format(alert.windowStart)}-${WIB_TIME.format(alert.windowEnd)} WIB`;
}

/** "PERINGATAN (waspada): Lonjakan sebutan negatif" */
export function headline(alert: Alert, wording: Wording): string {
  return `${wording.status[alert.status]} (${wording.severity[alert.severity]}): ${wording.signal[alert.signal] ?? alert.signal}`;
}

function section(alert: Alert, wording: Wording): string[] {
  const scope = [alert.agency ?? wording.anyAgency, alert.queryId, alert.platform ?? wording.anyPlatform]
    .filter(Boolean)
    .join(" · ");
  const minutes = Math.round((alert.windowEnd - alert.windowStart) / 60_000);
  const lines = [
    headline(alert, wording),
    `${wording.scope}: ${scope}`,
    wording.value(alert, minutes),
    `${wording.window}: ${windowText(alert)}`,
    `${wording.rule}: ${alert.ruleId}`,
  ];
  if (alert.topPostIds.length > 0) lines.push(`${wording.posts}: ${alert.topPostIds.join(", ")}`);
  if (alert.topAuthorIds.length > 0) lines.push(`${wording.authors}: ${alert.topAuthorIds.join(", ")}`);
  return lines;
}

export interface AlertText {
  /** One line for a subject: both headlines. */
  subject: string;
  indonesian: string;
  english: string;
  /** Indonesian, a blank line, English, a blank line, the alert id. */
  full: string;
}

export function alertText(alert: Alert): AlertText {
  const indonesian = section(alert, INDONESIAN).join("\n");
  const english = section(alert, ENGLISH).join("\n");
  return {
    subject: `[Simak] ${headline(alert, INDONESIAN)} / ${headline(alert, ENGLISH)}`,
    indonesian,
    english,
    full: `${indonesian}\n\n${english}\n\nid: ${alert.id}`,
  };
}
