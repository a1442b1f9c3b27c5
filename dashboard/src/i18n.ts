/**
 * Labels in Bahasa Indonesia (default) and English. Numbers and dates are always written the
 * Indonesian way (id-ID), in the configured zone (WIB, WITA or WIT), whatever the language.
 */
const id = {
  overview: "Ringkasan",
  alerts: "Peringatan",
  wall: "Mode dinding",
  exitWall: "Keluar mode dinding",
  range: "Rentang waktu",
  range1h: "1 jam terakhir",
  range24h: "24 jam terakhir",
  range7d: "7 hari terakhir",
  rangeCustom: "Atur sendiri",
  from: "Dari",
  to: "Sampai",
  apply: "Terapkan",
  language: "Bahasa",
  live: "Langsung",
  offline: "Terputus, menyambung ulang…",
  agency: "Instansi",
  persepsi: "Indeks persepsi",
  direction: "Arah",
  rising: "Naik",
  falling: "Turun",
  steady: "Stabil",
  insufficient: "Belum cukup data",
  mentions: "Sebutan",
  sentimentSplit: "Komposisi sentimen",
  positive: "Positif",
  neutral: "Netral",
  negative: "Negatif",
  noSentiment: "Tanpa label",
  recentAlerts: "Peringatan terbaru",
  noAlerts: "Belum ada peringatan.",
  noData: "Belum ada data pada rentang ini.",
  sentimentOverTime: "Sentimen dari waktu ke waktu",
  platforms: "Platform",
  viralPosts: "Unggahan paling viral",
  influencers: "Pemengaruh teratas",
  segments: "Segmen khalayak",
  measures: "Lima ukuran (PermenPAN-RB 83/2012)",
  stream: "Aliran sebutan langsung",
  reach: "Jangkauan",
  frequency: "Frekuensi dan lalu-lintas",
  influence: "Pengaruh",
  conversation: "Percakapan dan keberhasilan",
  sustainability: "Keberlanjutan",
  authors: "penulis",
  followersReached: "pengikut terjangkau",
  views: "tayangan",
  likes: "suka",
  shares: "bagikan",
  replies: "balasan",
  clicks: "klik",
  returningAuthors: "penulis kembali",
  score: "Skor",
  cascade: "Rantai",
  followers: "Pengikut",
  tier: "Tingkat",
  openPost: "Buka unggahan asli",
  firedAt: "Waktu",
  severity: "Tingkat",
  status: "Status",
  why: "Mengapa",
  observed: "teramati",
  baseline: "acuan",
  threshold: "ambang",
  acknowledge: "Tandai sudah ditangani",
  acknowledged: "Sudah ditangani",
  alertHistory: "Riwayat peringatan",
  back: "Kembali ke ringkasan",
  updated: "Diperbarui",
  firing: "aktif",
  resolved: "selesai",
  provinceMap: "Persepsi per provinsi",
  mapHint: "Klik provinsi untuk menyaring halaman ini; klik lagi untuk melepas.",
  province: "Provinsi",
  negativeShare: "Porsi negatif",
  noPlaceData: "Tanpa data",
  provinceTable: "Tabel provinsi",
  filteredTo: "Disaring ke provinsi",
  clearFilter: "Hapus saringan",
} as const;

export type LabelKey = keyof typeof id;

const en: Record<LabelKey, string> = {
  overview: "Overview",
  alerts: "Alerts",
  wall: "Wall mode",
  exitWall: "Leave wall mode",
  range: "Time range",
  range1h: "Last hour",
  range24h: "Last 24 hours",
  range7d: "Last 7 days",
  rangeCustom: "Custom",
  from: "From",
  to: "To",
  apply: "Apply",
  language: "Language",
  live: "Live",
  offline: "Disconnected, reconnecting…",
  agency: "Agency",
  persepsi: "Perception index",
  direction: "Direction",
  rising: "Rising",
  falling: "Falling",
  steady: "Steady",
  insufficient: "Not enough data",
  mentions: "Mentions",
  sentimentSplit: "Sentiment split",
  positive: "Positive",
  neutral: "Neutral",
  negative: "Negative",
  noSentiment: "Unlabelled",
  recentAlerts: "Recent alerts",
  noAlerts: "No alerts yet.",
  noData: "No data in this range yet.",
  sentimentOverTime: "Sentiment over time",
  platforms: "Platforms",
  viralPosts: "Most viral posts",
  influencers: "Top influencers",
  segments: "Audience segments",
  measures: "Five measures (PermenPAN-RB 83/2012)",
  stream: "Live mention stream",
  reach: "Reach",
  frequency: "Frequency and traffic",
  influence: "Influence",
  conversation: "Conversation and success",
  sustainability: "Sustainability",
  authors: "authors",
  followersReached: "followers reached",
  views: "views",
  likes: "likes",
  shares: "shares",
  replies: "replies",
  clicks: "clicks",
  returningAuthors: "returning authors",
  score: "Score",
  cascade: "Cascade",
  followers: "Followers",
  tier: "Tier",
  openPost: "Open the original post",
  firedAt: "Time",
  severity: "Severity",
  status: "Status",
  why: "Why",
  observed: "observed",
  baseline: "baseline",
  threshold: "threshold",
  acknowledge: "Acknowledge",
  acknowledged: "Acknowledged",
  alertHistory: "Alert history",
  back: "Back to the overview",
  updated: "Updated",
  firing: "firing",
  resolved: "resolved",
  provinceMap: "Perception by province",
  mapHint: "Click a province to filter this page; click it again to clear.",
  province: "Province",
  negativeShare: "Negative share",
  noPlaceData: "No data",
  provinceTable: "Province table",
  filteredTo: "Filtered to the province",
  clearFilter: "Clear filter",
};

/** Display names of the codes the data carries; a code without one is shown as stored. */
type CodeKind = "platform" | "segment" | "severity" | "tier";
const codeNames: Record<"id" | "en", Record<CodeKind, Record<string, string>>> = {
  id: {
    platform: { news: "Portal berita", forum: "Forum", blog: "Blog", web: "Situs web", other: "Lainnya" },
    segment: {
      creators: "Kreator",
      conversationalists: "Pengobrol",
      critics: "Pengulas",
      collectors: "Pengumpul",
      joiners: "Anggota",
      spectators: "Penonton",
      inactives: "Pasif",
      unknown: "Belum diketahui",
    },
    severity: { info: "Info", warning: "Waspada", critical: "Kritis" },
    tier: { nano: "Nano", micro: "Mikro", mid: "Menengah", macro: "Makro", mega: "Mega" },
  },
  en: {
    platform: { news: "News portals", forum: "Forums", blog: "Blogs", web: "Websites", other: "Other" },
    segment: {
      creators: "Creators",
      conversationalists: "Conversationalists",
      critics: "Critics",
      collectors: "Collectors",
      joiners: "Joiners",
      spectators: "Spectators",
      inactives: "Inactives",
      unknown: "Not yet known",
    },
    severity: { info: "Info", warning: "Warning", critical: "Critical" },
    tier: { nano: "Nano", micro: "Micro", mid: "Mid", macro: "Macro", mega: "Mega" },
  },
};
/** Brand names stay as they are, in both languages. */
const PLATFORM_BRANDS: Record<string, string> = {
  x: "X",
  facebook: "Facebook",
  instagram: "Instagram",
  youtube: "YouTube",
  tiktok: "TikTok",
};

export type Language = "id" | "en";
const dictionaries: Record<Language, Record<LabelKey, string>> = { id, en };
const LANGUAGE_KEY = "simak.language";

let language: Language = "id";

export function setLanguage(next: Language, remember: boolean): void {
  language = next;
  document.documentElement.lang = next;
  if (remember) localStorage.setItem(LANGUAGE_KEY, next);
}

/** The reader's earlier choice, else the deployment's default. */
export function initialLanguage(configured: Language): Language {
  const chosen = localStorage.getItem(LANGUAGE_KEY);
  return chosen === "id" || chosen === "en" ? chosen : configured;
}

export function currentLanguage(): Language {
  return language;
}

export function t(key: LabelKey): string {
  return dictionaries[language][key];
}

/** The display name of a stored platform, segment, severity or influence tier in the current language. */
export function nameOf(kind: CodeKind, code: string): string {
  return (kind === "platform" ? PLATFORM_BRANDS[code] : undefined) ?? codeNames[language][kind][code] ?? code;
}
