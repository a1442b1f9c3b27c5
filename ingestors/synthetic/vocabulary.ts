/**
 * The words the simulator writes with: person names, places, slang spellings, emoji and the text
 * templates. All written for this project (no copied corpus).
 *
 * Template syntax (compiled once by text.ts, which rejects unknown slots):
 *   {agency}   how a citizen names the agency: an alias, or its official @handle on that platform
 *   {Agency}   the agency's short name, as headlines write it
 *   {issue}    a phrase for the issue, as written in posts;  {Issue}: the same in headline case
 *   {tag}      a hashtag of the issue;  {friend}: an @mention of another user;  {site}: the agency's website
 *   {+word}    the word, sometimes elongated the way people stress it ("lama" -> "lamaaa")
 *   {name}     one spelling from WORD_VARIANTS[name] (slang, emoji, places, durations)
 * Emoji variants carry their own leading space (or are empty), so templates write "beres{e-}".
 */

// biome-ignore format: a word list reads better packed
export const FIRST_NAMES = [
  "Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Nur", "Fajar", "Intan", "Wahyu", "Ayu", "Dimas",
  "Rina", "Eko", "Sri", "Yusuf", "Fitri", "Hendra", "Lestari", "Bayu", "Indah", "Rudi", "Nanda", "Arif", "Wulan",
  "Galih", "Maya", "Teguh", "Ratna", "Ilham", "Dian", "Joko", "Sari", "Rahmat", "Novi", "Aditya", "Mega", "Yoga",
  "Citra", "Bagus", "Tiara", "Reza", "Anisa", "Firman", "Lia", "Hadi", "Ningsih", "Irfan", "Desi", "Gilang", "Vina",
  "Ucok", "Butet", "Made", "Komang", "Ketut", "Wayan", "Asep", "Euis", "Ujang", "Cecep", "Daeng", "Andika",
] as const;

// biome-ignore format: a word list reads better packed
export const LAST_NAMES = [
  "Santoso", "Saputra", "Wijaya", "Hidayat", "Pratama", "Kurniawan", "Siregar", "Nasution", "Simanjuntak",
  "Sihombing", "Harahap", "Setiawan", "Rahmawati", "Gunawan", "Purnomo", "Susanto", "Halim", "Tanjung", "Lubis",
  "Pangaribuan", "Wibowo", "Nugroho", "Permana", "Maulana", "Ramadhan", "Putra", "Sari", "Utami", "Hutapea",
  "Manurung", "Sinaga", "Situmorang", "Syahputra", "Firmansyah", "Hakim", "Prasetyo", "Wardhana", "Suryadi",
] as const;

/** Friendly titles people put in front of their name in handles ("kang_asep", "mbak_dewi"). */
export const HANDLE_PREFIXES = [
  "kang",
  "mas",
  "mbak",
  "bang",
  "cak",
  "neng",
  "teh",
  "uda",
  "bung",
  "si",
  "pak",
  "bu",
] as const;

export const WORD_VARIANTS = {
  neg: ["gak", "gak", "gak", "ga", "ga", "nggak", "gk", "tdk", "enggak", "ngga"],
  yg: ["yg", "yg", "yang"],
  bgt: ["bgt", "bgt", "bgt", "banget", "banget", "bngt", "bangettt"],
  udh: ["udh", "udh", "udah", "udah", "sudah", "dah"],
  blm: ["blm", "belum", "belum", "blom"],
  krn: ["krn", "karena", "soalnya", "gara2"],
  tp: ["tp", "tp", "tapi", "tapi", "tpi"],
  aja: ["aja", "aja", "aja", "doang", "saja"],
  sih: ["sih", "sih", "sihh", "sih"],
  dong: ["dong", "dong", "dongg", "donk"],
  wkwk: ["wkwk", "wkwkwk", "wkwkwkwk", "awokawok", "haha", "xixixi", "wkwkwk"],
  gmn: ["gmn", "gimana", "gimana", "bagaimana"],
  knp: ["knp", "kenapa", "kenapa", "napa"],
  emg: ["emg", "emang", "emang", "memang"],
  bnr: ["bnr", "bener", "bener", "benar"],
  tlg: ["tlg", "tolong", "tolong"],
  bkn: ["bkn", "bukan", "bukan"],
  jgn: ["jgn", "jangan", "jangan"],
  org: ["org", "orang", "orang"],
  skrg: ["skrg", "sekarang", "sekarang"],
  makasih: ["makasih", "makasih", "terima kasih", "mksh", "trims", "thx"],
  duration: [
    "dari pagi",
    "dari subuh",
    "3 jam",
    "2 minggu",
    "sebulan",
    "seharian",
    "berbulan-bulan",
    "dari minggu lalu",
    "5 jam",
  ],
  // biome-ignore format: a word list reads better packed
  place: [
    "Jakarta", "Bekasi", "Depok", "Bogor", "Tangerang", "Surabaya", "Medan", "Makassar", "Bandung", "Semarang",
    "Palembang", "Yogyakarta", "Denpasar", "Balikpapan", "Pontianak", "Kupang", "Jayapura", "Ambon", "Padang",
    "Malang", "Solo", "Cirebon", "Pekanbaru", "Manado",
  ],
  "e-": ["", "", "", " 😡", " 😤", " 🙄", " 😒", " 😭", " 🤬", " 😩", " 😡😡", " 🙄🙄", " 😭😭😭", " 🤦‍♂️", " 💀"],
  "e+": ["", "", "", " 🙏", " 👍", " 😊", " ❤️", " 👏👏", " 🔥", " 💪", " 🥰", " 🙏🙏"],
  e0: ["", "", "", "", " 🤔", " 🙏", " 😅"],
} as const satisfies Record<string, readonly string[]>;

export type Sentiment = "positive" | "neutral" | "negative";
export type TemplatesBySentiment = Readonly<Record<Sentiment, readonly string[]>>;

/** What citizens post (x, facebook, instagram, tiktok, youtube videos, forum threads). */
export const POST_TEMPLATES: TemplatesBySentiment = {
  negative: [
    "{agency} {gmn} {sih}, {issue} {neg} beres2{e-}",
    "{udh} {duration} ngurus {issue} {tp} {blm} ada kejelasan. {tlg} {agency} {dong}{e-}",
    "{+capek} {bgt} sama {issue}. {agency} kerjanya ngapain {aja} {sih}{e-}",
    "antri {duration} cuma buat {issue}, sistemnya error mulu. {bnr}2 {+parah}{e-}",
    "{agency} tolong lah, {issue} di {place} {+kacau} {bgt}{e-}",
    "literally {issue} makin hari makin {+ribet}. {agency} please deh{e-}",
    "lapor soal {issue} ke {agency} {tp} dicuekin. {emg} harus viral dulu ya baru ditanggapin?{e-}",
    "Kecewa sama {agency}. {issue} {yg} dijanjiin {neg} ada realisasinya{e-}",
    "pelayanan {agency} soal {issue} {+lemot} {bgt}, {org} {udh} nunggu {duration}{e-}",
    "{knp} {sih} tiap ada masalah {issue} {agency} selalu telat respon{e-}",
    "{agency} ini {gmn}, {issue} ribet, webnya down, CS-nya {neg} bisa dihubungi{e-}",
    "honestly capek {bgt} sama {issue}. {tp} yaudah rakyat kecil bisa apa{e-}",
    "{issue} di {place} makin parah, {agency} kemana {aja}??{e-}",
    "Sudah {duration} menunggu kejelasan {issue} dari {agency}, sampai sekarang belum ada jawaban. Mengecewakan.{e-}",
    "{agency} {bkn}nya bantu malah bikin {issue} makin ribet{e-}",
    "gk abis pikir sm {issue} {skrg}. {agency} tolong evaluasi{e-}",
    "mau komplain {issue} {aja} susahnya minta ampun. {agency} {+tolong}{e-}",
    "{agency} no comment deh, {issue} gini2 {aja} dari dulu{e-}",
    "ini {issue} kapan beresnya {sih}?? {udh} {duration} {wkwk} nangis{e-}",
    "Ribet {bgt} urusan {issue}. Oper sana oper sini, ujung2nya disuruh balik besok. Thanks for nothing {agency}{e-}",
    "{agency} hrs tanggung jawab soal {issue}, {jgn} cuma janji doang{e-}",
    "Kalian ngerasa {neg} {sih} {issue} {skrg} makin aneh? {agency} {tlg} dijelasin{e-}",
    "seriously, {issue} di {place} {neg} ada perbaikan sama sekali. {agency} bangun{e-}",
  ],
  neutral: [
    "Ada {yg} tau info terbaru soal {issue} dari {agency}?{e0}",
    "{agency} {udh} update soal {issue} {blm} ya? mau tanya {dong}",
    "Cara ngurus {issue} {gmn} ya {skrg}? ada {yg} pernah?{e0}",
    "Info {issue} di {place} hari ini {gmn} gaes?",
    "btw {issue} itu {skrg} lewat aplikasi atau masih harus datang langsung ke kantor {agency}?",
    "Mau nanya, jadwal {issue} di {place} {udh} keluar {blm}? cc {agency}",
    "{agency} lagi rame dibahas soal {issue}, ada {yg} ngikutin?{e0}",
    "Nunggu pengumuman resmi {agency} soal {issue} {aja} deh",
    "kalo soal {issue} tanya ke {agency} langsung {aja} kali ya",
    "FYI, {agency} katanya bakal rilis aturan baru soal {issue} minggu depan",
    "Ada {yg} punya nomor pengaduan {agency} buat {issue}?",
    "Lagi baca2 soal {issue}. Menurut kalian {gmn}?{e0}",
    "thread soal {issue} {yg} kemarin {udh} ada update dari {agency}?",
    "Hari ini ke kantor {agency} di {place} buat urus {issue}, lumayan rame",
  ],
  positive: [
    "Salut sama {agency}, {issue} {skrg} cepet {bgt}{e+}",
    "Baru urus {issue}, ternyata gampang {bgt}! {makasih} {agency}{e+}",
    "{agency} keren, respon soal {issue} cepet {bgt}{e+}",
    "Akhirnya {issue} beres juga. Thank you {agency}{e+}",
    "pelayanan {agency} soal {issue} di {place} makin oke, petugasnya ramah{e+}",
    "Jujur kaget, {issue} {skrg} bisa online dan lancar jaya. Good job {agency}{e+}",
    "Apresiasi buat {agency} {yg} gercep nanganin {issue}{e+}",
    "{+mantap} {agency}, {issue} {udh} jauh lebih baik dari tahun lalu{e+}",
    "So far so good {sih} urusan {issue} sama {agency}{e+}",
    "Terima kasih {agency} atas penanganan {issue} yang cepat dan transparan{e+}",
    "Tumben {issue} lancar, {agency} lagi on fire nih {wkwk}{e+}",
    "Semoga {agency} konsisten kayak gini terus soal {issue}{e+}",
  ],
};

/** Replies and comments under someone else's post. */
export const REPLY_TEMPLATES: TemplatesBySentiment = {
  negative: [
    "sama kak, aku juga ngalamin{e-}",
    "{bnr} {bgt}, {agency} {emg} {+lambat}{e-}",
    "{+parah} {sih} ini{e-}",
    "{udh} biasa, {issue} dr dulu gitu2 {aja}{e-}",
    "Up biar {agency} liat!{e-}",
    "{agency} mana suaranya??{e-}",
    "ya ampun, {knp} bisa gini {sih}{e-}",
    "gk heran {sih} {wkwk}{e-}",
    "kecewa {bgt} sama pelayanannya{e-}",
    "harus viral dulu baru gerak{e-}",
    "tiap taun masalahnya sama, {neg} ada perbaikan{e-}",
    "lapor {aja} kak {tp} percuma, {neg} bakal direspon{e-}",
    "ini {yg} bikin males ngurus {issue}{e-}",
    "{agency} cuma bisa janji{e-}",
    "same here, {udh} {duration} {blm} beres juga{e-}",
  ],
  neutral: [
    "coba DM {agency} kak",
    "infonya dari mana kak?",
    "aku juga mau tau {dong}",
    "{issue} di {place} {gmn} kak?",
    "nyimak{e0}",
    "kemarin ada pengumuman di web {agency} kak, coba cek",
    "ikut nanya ya, ini berlaku buat semua daerah?",
    "tunggu rilis resminya {aja}",
    "oh gitu, baru tau",
    "cc {friend}",
    "mau tanya juga kak soal {issue}",
  ],
  positive: [
    "mantap, semoga lancar terus{e+}",
    "aku kemarin juga lancar kak{e+}",
    "good job {agency}{e+}",
    "setuju, {udh} jauh lebih baik {skrg}{e+}",
    "{makasih} infonya kak{e+}",
    "alhamdulillah ya{e+}",
    "semangat terus {agency}{e+}",
    "keren, pertahankan{e+}",
    "akhirnya ada kabar baik{e+}",
  ],
};

/** What people add when they quote or re-share a post. */
export const SHARE_TEMPLATES: TemplatesBySentiment = {
  negative: [
    "{+parah}. {agency} harus tanggung jawab{e-}",
    "Tolong bantu viralkan{e-}",
    "Ini nih masalahnya{e-}",
    "Share biar makin banyak {yg} tau{e-}",
    "Ga abis pikir{e-}",
  ],
  neutral: ["Info penting nih", "Buat {yg} nanya soal {issue}", "Nah ini", "Simpan dulu", "fyi"],
  positive: ["Kabar baik nih{e+}", "Keren {agency}{e+}", "Ini baru {+mantap}{e+}", "Semoga bermanfaat{e+}"],
};

/** News headlines; the article text is a headline, ". " and a lede of the same tone. */
export const HEADLINE_TEMPLATES: TemplatesBySentiment = {
  negative: [
    "Warga Keluhkan {Issue} di {place}, {Agency} Dinilai Lamban",
    "{Agency} Disorot soal {Issue}, DPR Minta Evaluasi Menyeluruh",
    "Masalah {Issue} Kembali Muncul, Publik Pertanyakan Kinerja {Agency}",
    "Ombudsman Temukan Maladministrasi terkait {Issue} di {place}",
    "Keluhan {Issue} Meningkat, {Agency} Didesak Berbenah",
    "Viral di Media Sosial, Warga {place} Kecewa dengan {Issue}",
    "{Agency} Dikritik karena Lambat Tangani {Issue}",
  ],
  neutral: [
    "{Agency} Jelaskan Mekanisme Baru {Issue}",
    "{Agency} Gelar Rapat Koordinasi Bahas {Issue}",
    "Begini Cara Mengurus {Issue} Terbaru dari {Agency}",
    "{Agency} Rilis Data Terbaru soal {Issue}",
    "Aturan Baru {Issue} Berlaku Bulan Depan, Ini Kata {Agency}",
    "{Agency} dan Pemda {place} Bahas {Issue}",
  ],
  positive: [
    "{Agency} Percepat Layanan {Issue}, Waktu Tunggu Turun Signifikan",
    "Layanan {Issue} Kini Bisa Online, Warga Sambut Positif",
    "{Agency} Raih Penghargaan Pelayanan Publik atas Inovasi {Issue}",
    "Penanganan {Issue} di {place} Dinilai Berhasil, {Agency} Diapresiasi",
    "Survei: Kepuasan Publik terhadap {Agency} soal {Issue} Meningkat",
  ],
};

export const LEDE_TEMPLATES: TemplatesBySentiment = {
  negative: [
    "Sejumlah warga mengaku kesulitan karena persoalan {issue} tak kunjung membaik.",
    "Keluhan warga terkait {issue} ramai di media sosial sejak pagi.",
    "Warga berharap {Agency} segera turun tangan menyelesaikan persoalan {issue}.",
  ],
  neutral: [
    "{Agency} menyampaikan keterangan resmi terkait {issue} kepada wartawan.",
    "Hal itu disampaikan dalam konferensi pers di {place}.",
    "Informasi lengkap dapat diakses melalui laman resmi {Agency}.",
  ],
  positive: [
    "Warga menilai layanan {issue} kini lebih cepat dan mudah diakses.",
    "Langkah tersebut mendapat apresiasi dari berbagai kalangan.",
  ],
};

/** Posts by the agency's own accounts: announcements, never negative about itself. */
export const OFFICIAL_POST_TEMPLATES: TemplatesBySentiment = {
  negative: [],
  neutral: [
    "[INFO] Jadwal layanan {issue} selama libur panjang. Cek selengkapnya di {site}",
    "Sobat, waspada hoaks terkait {issue}. Pastikan informasi hanya dari kanal resmi {Agency}. {tag}",
    "Pengumuman: pemeliharaan sistem layanan {issue} pukul 22.00-02.00 WIB. Mohon maaf atas ketidaknyamanannya.",
  ],
  positive: [
    "Kabar baik! Layanan {issue} kini dapat diakses secara online. Info lengkap: {site}",
    "{Agency} terus berkomitmen meningkatkan pelayanan {issue}. Terima kasih atas dukungannya 🙏 {tag}",
    "Terima kasih atas partisipasi masyarakat dalam program {issue}. Bersama kita bisa! {tag}",
  ],
};

/** The agency's official accounts answering complaints (the regulation's "responsif" principle). */
export const OFFICIAL_REPLY_TEMPLATES: TemplatesBySentiment = {
  negative: [],
  neutral: [
    "Halo Kak, mohon maaf atas ketidaknyamanannya. Mohon kirimkan detail kendala {issue} melalui DM ya. Terima kasih 🙏",
    "Hai Sobat, terima kasih atas masukannya. Keluhan terkait {issue} sudah kami teruskan ke unit terkait.",
    "Halo Kak, untuk informasi {issue} dapat menghubungi layanan pengaduan kami atau kunjungi {site}. Terima kasih.",
  ],
  positive: [],
};

/** The post that takes off in a viral-post scenario: a personal complaint with a call to spread it. */
export const VIRAL_POST_TEMPLATES: TemplatesBySentiment = {
  negative: [
    "Thread: pengalaman ngurus {issue} di {place}. {udh} {duration} bolak-balik, dipingpong sana sini, sampai {skrg} {blm} ada kejelasan. {agency} {tlg} ini {gmn}??{e-} #NoViralNoJustice",
    "Tolong viralkan. Ortu saya {udh} {duration} nunggu {issue} di {place} {tp} petugasnya malah marah2. {agency} please{e-}",
    "Gini ya pelayanan {issue} di {place}? {udh} bayar, {udh} antri, ujung2nya ditolak. {agency} harus tanggung jawab{e-} {tag}",
  ],
  neutral: [],
  positive: [],
};

/** Hashtags a platform's users add regardless of topic. */
export const GENERIC_HASHTAGS: Readonly<Partial<Record<string, readonly string[]>>> = {
  x: ["Indonesia", "PelayananPublik"],
  instagram: ["infoterkini", "indonesia", "beritaterkini"],
  tiktok: ["fyp", "viral", "xyzbca", "fypage"],
};
