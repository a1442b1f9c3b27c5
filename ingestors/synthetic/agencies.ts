/**
 * Reference data on the government agencies (instansi) the simulator talks about, and the issues
 * (isu) people raise with them. The enrichment stage reuses this list to match mentions to
 * agencies and to tell official accounts (akun resmi) from the rest, so it holds facts only;
 * how much and in which tone each agency is discussed is a simulator assumption, kept apart in
 * conversation.ts.
 *
 * Official handles and websites were written from memory and have not been checked against the
 * live platforms: verify them before matching real traffic.
 */
import type { Platform } from "../../schemas/types.generated.js";

export interface Issue {
  id: string;
  label: string;
  /** Noun phrases people use for it, as written in posts (they read well after "soal" or "layanan"). */
  phrases: readonly string[];
  /** Hashtags used for it, without "#". */
  hashtags: readonly string[];
}

export const ISSUES = {
  vaksin: {
    id: "vaksin",
    label: "Vaksinasi dan imunisasi",
    phrases: ["vaksin booster", "jadwal vaksinasi", "stok vaksin", "imunisasi anak"],
    hashtags: ["VaksinBooster", "Imunisasi"],
  },
  "layanan-rs": {
    id: "layanan-rs",
    label: "Layanan rumah sakit dan puskesmas",
    phrases: ["pelayanan rumah sakit", "antrean puskesmas", "rujukan rumah sakit"],
    hashtags: ["PelayananKesehatan"],
  },
  obat: {
    id: "obat",
    label: "Ketersediaan dan harga obat",
    phrases: ["harga obat", "stok obat di puskesmas"],
    hashtags: ["ObatMurah"],
  },
  "antrean-bpjs": {
    id: "antrean-bpjs",
    label: "Antrean dan layanan JKN",
    phrases: ["antrean BPJS", "aplikasi Mobile JKN", "klaim BPJS", "rujukan faskes"],
    hashtags: ["BPJSKesehatan", "JKN"],
  },
  "iuran-bpjs": {
    id: "iuran-bpjs",
    label: "Iuran BPJS dan KRIS",
    phrases: ["iuran BPJS", "kelas rawat inap standar", "tunggakan iuran BPJS"],
    hashtags: ["IuranBPJS", "KRIS"],
  },
  pajak: {
    id: "pajak",
    label: "Pelaporan dan administrasi pajak",
    phrases: ["lapor SPT", "Coretax", "pajak penghasilan", "NPWP"],
    hashtags: ["LaporSPT", "Coretax"],
  },
  ppn: {
    id: "ppn",
    label: "Tarif PPN",
    phrases: ["kenaikan PPN", "PPN 12 persen"],
    hashtags: ["PPN12Persen"],
  },
  "bea-cukai": {
    id: "bea-cukai",
    label: "Bea masuk dan cukai",
    phrases: ["barang kiriman luar negeri", "bea masuk", "cukai rokok"],
    hashtags: ["BeaCukai"],
  },
  apbn: {
    id: "apbn",
    label: "Anggaran negara",
    phrases: ["anggaran APBN", "utang negara", "efisiensi anggaran"],
    hashtags: ["APBN", "EfisiensiAnggaran"],
  },
  tilang: {
    id: "tilang",
    label: "Tilang dan razia",
    phrases: ["tilang elektronik", "ETLE", "razia kendaraan"],
    hashtags: ["ETLE", "Tilang"],
  },
  pungli: {
    id: "pungli",
    label: "Pungutan liar dalam layanan",
    phrases: ["pungli", "pembuatan SIM", "pengurusan SKCK"],
    hashtags: ["SaberPungli"],
  },
  "laporan-polisi": {
    id: "laporan-polisi",
    label: "Penanganan laporan masyarakat",
    phrases: ["laporan polisi", "penanganan kasus", "kasus begal"],
    hashtags: ["PercumaLaporPolisi", "NoViralNoJustice"],
  },
  korupsi: {
    id: "korupsi",
    label: "Pemberantasan korupsi",
    phrases: ["kasus korupsi", "OTT pejabat", "pemberantasan korupsi"],
    hashtags: ["BerantasKorupsi"],
  },
  sinyal: {
    id: "sinyal",
    label: "Sinyal dan akses internet",
    phrases: ["sinyal internet", "internet lemot di daerah", "jaringan 4G"],
    hashtags: ["SinyalHilang"],
  },
  "judi-online": {
    id: "judi-online",
    label: "Judi online",
    phrases: ["judi online", "blokir situs judol", "iklan judol"],
    hashtags: ["BerantasJudol", "JudiOnline"],
  },
  "data-pribadi": {
    id: "data-pribadi",
    label: "Perlindungan data pribadi",
    phrases: ["kebocoran data", "keamanan PDN", "registrasi kartu SIM"],
    hashtags: ["KebocoranData"],
  },
  gempa: {
    id: "gempa",
    label: "Gempa dan tsunami",
    phrases: ["info gempa", "peringatan dini tsunami", "gempa susulan"],
    hashtags: ["InfoGempa"],
  },
  cuaca: {
    id: "cuaca",
    label: "Cuaca",
    phrases: ["prakiraan cuaca", "cuaca ekstrem", "peringatan hujan lebat"],
    hashtags: ["CuacaEkstrem", "InfoCuaca"],
  },
  banjir: {
    id: "banjir",
    label: "Banjir",
    phrases: ["penanganan banjir", "banjir rob", "pompa air", "normalisasi kali"],
    hashtags: ["BanjirJakarta", "Banjir"],
  },
  bansos: {
    id: "bansos",
    label: "Bantuan sosial",
    phrases: ["bansos", "pencairan BLT", "bantuan PKH", "data DTKS"],
    hashtags: ["Bansos", "BLT"],
  },
  mudik: {
    id: "mudik",
    label: "Mudik",
    phrases: ["mudik lebaran", "tiket kereta", "arus balik", "macet di tol"],
    hashtags: ["MudikAman", "Mudik"],
  },
  transportasi: {
    id: "transportasi",
    label: "Transportasi umum",
    phrases: ["tarif ojol", "jadwal KRL", "layanan TransJakarta", "antrean di bandara"],
    hashtags: ["TransportasiPublik"],
  },
  polusi: {
    id: "polusi",
    label: "Polusi udara",
    phrases: ["polusi udara", "kualitas udara Jakarta"],
    hashtags: ["PolusiJakarta"],
  },
  ppdb: {
    id: "ppdb",
    label: "Penerimaan murid baru",
    phrases: ["PPDB", "sistem zonasi", "SPMB", "pendaftaran sekolah"],
    hashtags: ["PPDB", "SPMB"],
  },
  guru: {
    id: "guru",
    label: "Guru dan tenaga pendidik",
    phrases: ["nasib guru honorer", "tunjangan guru", "seleksi PPPK guru"],
    hashtags: ["GuruHonorer"],
  },
  kurikulum: {
    id: "kurikulum",
    label: "Kurikulum dan asesmen",
    phrases: ["kurikulum baru", "ujian TKA"],
    hashtags: ["Kurikulum"],
  },
  kjp: {
    id: "kjp",
    label: "Kartu Jakarta Pintar",
    phrases: ["KJP Plus", "pencairan KJP"],
    hashtags: ["KJPPlus"],
  },
} as const satisfies Record<string, Issue>;

export type IssueId = keyof typeof ISSUES;

export interface Agency {
  /** Stable slug, used as `agency` in ground truth, topic matches and alerts. */
  id: string;
  name: string;
  /** The name as headlines and the agency itself write it. */
  shortName: string;
  /** Other ways people refer to it in posts, as typically written (old names included). */
  aliases: readonly string[];
  /** Official accounts per platform, without "@". */
  handles: Readonly<Partial<Record<Platform, string>>>;
  website: string;
  issues: readonly IssueId[];
}

export const AGENCIES: readonly Agency[] = [
  {
    id: "kemenkes",
    name: "Kementerian Kesehatan",
    shortName: "Kemenkes",
    aliases: ["kemenkes", "Kementerian Kesehatan", "Menkes"],
    handles: {
      x: "KemenkesRI",
      instagram: "kemenkes_ri",
      facebook: "KementerianKesehatanRI",
      youtube: "KementerianKesehatanRI",
      tiktok: "kemenkes_ri",
    },
    website: "kemkes.go.id",
    issues: ["vaksin", "layanan-rs", "obat"],
  },
  {
    id: "kemenkeu",
    name: "Kementerian Keuangan",
    shortName: "Kemenkeu",
    aliases: ["kemenkeu", "Kementerian Keuangan", "Menkeu", "Bea Cukai"],
    handles: {
      x: "KemenkeuRI",
      instagram: "kemenkeuri",
      facebook: "KementerianKeuanganRI",
      youtube: "KemenkeuRI",
      tiktok: "kemenkeuri",
    },
    website: "kemenkeu.go.id",
    issues: ["apbn", "bea-cukai", "ppn"],
  },
  {
    id: "polri",
    name: "Kepolisian Negara Republik Indonesia",
    shortName: "Polri",
    aliases: ["polri", "polisi", "pak polisi", "Kepolisian"],
    handles: {
      x: "DivHumas_Polri",
      instagram: "divisihumaspolri",
      facebook: "DivHumasPolri",
      youtube: "DivHumasPolri",
      tiktok: "divisihumaspolri",
    },
    website: "polri.go.id",
    issues: ["tilang", "pungli", "laporan-polisi"],
  },
  {
    id: "kpk",
    name: "Komisi Pemberantasan Korupsi",
    shortName: "KPK",
    aliases: ["kpk", "Komisi Pemberantasan Korupsi"],
    handles: { x: "KPK_RI", instagram: "official.kpk", facebook: "KPK", youtube: "KPKRI", tiktok: "official.kpk" },
    website: "kpk.go.id",
    issues: ["korupsi"],
  },
  {
    id: "komdigi",
    name: "Kementerian Komunikasi dan Digital",
    shortName: "Komdigi",
    aliases: ["komdigi", "Kemkomdigi", "Kominfo", "kominfo"],
    handles: {
      x: "kemkomdigi",
      instagram: "kemkomdigi",
      facebook: "kemkomdigi",
      youtube: "kemkomdigi",
      tiktok: "kemkomdigi",
    },
    website: "komdigi.go.id",
    issues: ["sinyal", "judi-online", "data-pribadi"],
  },
  {
    id: "bpjs-kesehatan",
    name: "Badan Penyelenggara Jaminan Sosial Kesehatan",
    shortName: "BPJS Kesehatan",
    aliases: ["BPJS", "bpjs", "JKN"],
    handles: {
      x: "BPJSKesehatanRI",
      instagram: "bpjskesehatan_ri",
      facebook: "BPJSKesehatanRI",
      youtube: "BPJSKesehatan",
      tiktok: "bpjskesehatan_ri",
    },
    website: "bpjs-kesehatan.go.id",
    issues: ["antrean-bpjs", "iuran-bpjs"],
  },
  {
    id: "bmkg",
    name: "Badan Meteorologi, Klimatologi, dan Geofisika",
    shortName: "BMKG",
    aliases: ["bmkg"],
    handles: { x: "infoBMKG", instagram: "infobmkg", facebook: "InfoBMKG", youtube: "infoBMKG", tiktok: "infobmkg" },
    website: "bmkg.go.id",
    issues: ["gempa", "cuaca"],
  },
  {
    id: "kemensos",
    name: "Kementerian Sosial",
    shortName: "Kemensos",
    aliases: ["kemensos", "Kementerian Sosial", "Mensos"],
    handles: { x: "KemensosRI", instagram: "kemensosri", facebook: "KemensosRI", tiktok: "kemensosri" },
    website: "kemensos.go.id",
    issues: ["bansos"],
  },
  {
    id: "kemenhub",
    name: "Kementerian Perhubungan",
    shortName: "Kemenhub",
    aliases: ["kemenhub", "Kementerian Perhubungan", "Menhub"],
    handles: { x: "kemenhub151", instagram: "kemenhub151", facebook: "kemenhub151", tiktok: "kemenhub151" },
    website: "dephub.go.id",
    issues: ["mudik", "transportasi"],
  },
  {
    id: "pemprov-dki",
    name: "Pemerintah Provinsi DKI Jakarta",
    shortName: "Pemprov DKI Jakarta",
    aliases: ["Pemprov DKI", "pemprov", "Pemprov Jakarta", "Gubernur DKI"],
    handles: { x: "DKIJakarta", instagram: "dkijakarta", facebook: "DKIJakarta", tiktok: "dkijakarta" },
    website: "jakarta.go.id",
    issues: ["banjir", "polusi", "transportasi", "kjp"],
  },
  {
    id: "kemendikdasmen",
    name: "Kementerian Pendidikan Dasar dan Menengah",
    shortName: "Kemendikdasmen",
    aliases: ["kemendikdasmen", "Kemendik", "Kemendikbud", "Mendikdasmen"],
    handles: { x: "Kemendikdasmen", instagram: "kemendikdasmen", tiktok: "kemendikdasmen" },
    website: "kemendikdasmen.go.id",
    issues: ["ppdb", "guru", "kurikulum"],
  },
  {
    id: "ditjen-pajak",
    name: "Direktorat Jenderal Pajak",
    shortName: "DJP",
    aliases: ["Ditjen Pajak", "kantor pajak", "orang pajak", "Dirjen Pajak"],
    handles: {
      x: "DitjenPajakRI",
      instagram: "ditjenpajakri",
      facebook: "DitjenPajakRI",
      youtube: "DitjenPajakRI",
      tiktok: "ditjenpajakri",
    },
    website: "pajak.go.id",
    issues: ["pajak", "ppn"],
  },
];
