/**
 * Polarity knowledge written for Simak (no third-party lexicon copied): Indonesian polarity words
 * (formal forms and the informal ones the slang dictionary does not fold away), negators,
 * intensifiers, and emoji / emoticon polarity. Values are in [-2, 2]; 1 is an ordinary polar word,
 * 2 a strong one, 0.5 a weak or context-dependent one. The trained model learns how much to trust
 * these counts from the training text; they matter most for words and emoji that text never shows.
 */

const POSITIVE = `
2: terbaik luar_biasa istimewa memuaskan sempurna juara mantap keren hebat salut bangga
2: menakjubkan mengagumkan mengesankan memukau spektakuler fantastis lezat nikmat recommended
2: alhamdulillah bersyukur apresiasi cinta favorit top joss jos ciamik
1: bagus baik enak nyaman puas senang suka gembira bahagia ramah cepat mudah murah bersih rapi
1: indah cantik lucu asyik seru sukses berhasil lancar aman sejuk segar tenang damai sehat
1: membantu bermanfaat berguna profesional responsif tanggap sigap cekatan tepat akurat solutif
1: inovatif kreatif efektif efisien praktis hemat terjangkau rekomendasi direkomendasikan
1: lengkap berkualitas maju meningkat membaik pulih sembuh tulus ikhlas berkah amanah jujur adil
1: transparan peduli perhatian sopan santun sabar teliti disiplin tegas bijak bijaksana cerdas
1: pintar mendukung dukung setuju semangat selamat menang untung beruntung gurih empuk
1: renyah harum wangi legit mewah elegan strategis luas menyenangkan menarik unik becus
1: worth oke terima_kasih syukur sip memudahkan mempermudah ringan hangat
1: jempol top-markotop kompak solid asik terbantu tertolong terjamin terpercaya
1: cocok pas mendingan andal handal canggih modern gratis
0.5: lumayan jelas wajar layak
`;

const NEGATIVE = `
2: buruk jelek mengecewakan kecewa parah payah menyebalkan benci marah muak jijik busuk basi
2: goblok tolol bodoh idiot bangsat bajingan brengsek keparat kampret anjing babi tai
2: korupsi koruptor pungli penipu penipuan bohong dusta hoaks fitnah zalim zolim dzolim bobrok
2: hancur kacau gagal rusak menyesal rugi merugikan memalukan terburuk bacot sialan bejat
2: kurang_ajar pemberi_harapan_palsu omong_kosong
1: kesal sebal sedih kasihan prihatin takut khawatir cemas panik bingung capek lelah letih
1: lambat lelet terlambat molor tertunda ditunda batal dibatalkan mahal kotor bau jorok
1: kumuh hambar alot error bermasalah masalah susah sulit rumit ribet repot merepotkan
1: menyusahkan menyulitkan memberatkan mencekik macet banjir padam antre antrean rawan
1: bahaya berbahaya sakit hilang dicuri curang tipu menipu maling rampok suap culas licik
1: lemah cacat sombong arogan kasar galak judes jutek cuek lalai abai mengabaikan
1: diabaikan dicuekin asal-asalan seenaknya sewenang-wenang diskriminasi intimidasi
1: represif brutal kekerasan pelecehan malu aib skandal tersinggung sakit_hati
1: mengeluh keluhan komplain protes kritik tolak menolak gagal_paham telantar terlantar
1: mubazir boros percuma sia-sia zonk norak lebay alay cupu receh sayangnya
1: ribut berisik sempit pengap gerah pahit berminyak amis mentah gosong
1: bocor mampet becek berlubang ditolak dipersulit mempersulit
1: calo mafia nepotisme kolusi oligarki ketidakadilan anarkis ricuh rusuh
1: palsu pencitraan janji_manis ingkar mangkrak terbengkalai
1: was-was miris ironis menyedihkan mengerikan menakutkan seram stres stress
1: bosan jenuh menderita sengsara sial apes celaka musibah bencana
1: darurat krisis menghina penghinaan mengejek
0.5: lama mati asin panas
`;

function parse(block: string, sign: 1 | -1): Array<[string, number]> {
  const entries: Array<[string, number]> = [];
  for (const line of block.split("\n")) {
    const match = /^\s*([\d.]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    const strength = Number(match[1]) * sign;
    for (const word of (match[2] as string).split(/\s+/)) {
      // `_` joins the words of a phrase; `-` belongs to the word (sia-sia, asal-asalan).
      if (word) entries.push([word.replace(/_/g, " "), strength]);
    }
  }
  return entries;
}

function build(): ReadonlyMap<string, number> {
  const map = new Map<string, number>();
  // A word listed twice keeps its first (stronger) reading.
  for (const [word, value] of [...parse(POSITIVE, 1), ...parse(NEGATIVE, -1)]) {
    if (!map.has(word)) map.set(word, value);
  }
  return map;
}

/** Indonesian polarity words and phrases (phrases are space-joined token sequences, at most 4). */
export const ID_LEXICON: ReadonlyMap<string, number> = build();

/**
 * Negators open a negation scope over the next words. Every common Indonesian stopword list
 * contains these; nothing here uses a stopword list.
 */
export const NEGATORS: ReadonlySet<string> = new Set([
  "tidak",
  "tak",
  "bukan",
  "belum",
  "jangan",
  "kurang",
  "tanpa",
  "bukannya",
  "tidaklah",
  "bukanlah",
  "belumlah",
  "jangankan",
  "enggan",
]);

/** English negators, for the English lexicon scorer and for mixed text. */
export const EN_NEGATORS: ReadonlySet<string> = new Set([
  "not",
  "no",
  "never",
  "dont",
  "don't",
  "doesnt",
  "doesn't",
  "didnt",
  "didn't",
  "isnt",
  "isn't",
  "wasnt",
  "wasn't",
  "cant",
  "can't",
  "cannot",
  "wont",
  "won't",
  "aint",
  "ain't",
  "nobody",
  "nothing",
  "neither",
  "nor",
  "without",
]);

/** A negation scope ends at punctuation or at one of these (a new clause). */
export const SCOPE_BREAKERS: ReadonlySet<string> = new Set([
  "tapi",
  "tetapi",
  "namun",
  "padahal",
  "sedangkan",
  "melainkan",
  "karena",
  "walaupun",
  "meskipun",
  "walau",
  "meski",
  "sehingga",
  "malah",
  "justru",
  "but",
  "however",
  "although",
  "because",
]);

/** Words before a polar word that strengthen it. */
export const PRE_INTENSIFIERS: ReadonlyMap<string, number> = new Map([
  ["sangat", 1.5],
  ["amat", 1.5],
  ["paling", 1.5],
  ["sungguh", 1.5],
  ["benar-benar", 1.5],
  ["super", 1.5],
  ["terlalu", 1.3],
  ["makin", 1.2],
  ["semakin", 1.2],
  ["sangatlah", 1.5],
  ["very", 1.5],
  ["so", 1.3],
  ["really", 1.4],
  ["super", 1.5],
  ["too", 1.3],
  ["extremely", 1.8],
]);

/** Words after a polar word that strengthen it. Swear words next to a polar word act as these too. */
export const POST_INTENSIFIERS: ReadonlyMap<string, number> = new Map([
  ["banget", 1.5],
  ["sekali", 1.5],
  ["amat", 1.5],
  ["pol", 1.5],
  ["abis", 1.5],
  ["parah", 1.5],
  ["gila", 1.5],
  ["anjir", 1.5],
  ["sih", 1],
]);

/** Exclamations that intensify a neighbouring polar word and carry no polarity of their own. */
export const EXPLETIVES: ReadonlySet<string> = new Set(["anjir", "gila", "parah", "anjing", "bangsat", "asli"]);

/** Emoji polarity, keyed by the emoji without skin tone or variation selectors. */
export const EMOJI_POLARITY: ReadonlyMap<string, number> = new Map(
  (
    [
      // positive faces and gestures
      ["😀", 1],
      ["😃", 1],
      ["😄", 1],
      ["😁", 1],
      ["😆", 1],
      ["😊", 1],
      ["☺", 1],
      ["😇", 1],
      ["🥰", 2],
      ["😍", 2],
      ["🤩", 2],
      ["😘", 1],
      ["😋", 1],
      ["😎", 1],
      ["🤗", 1],
      ["🥳", 2],
      ["🥹", 1],
      ["👍", 1],
      ["👏", 1],
      ["🙌", 1],
      ["💪", 1],
      ["👌", 1],
      ["✌", 0.5],
      ["🤝", 1],
      ["❤", 2],
      ["♥", 1],
      ["💕", 2],
      ["💖", 2],
      ["💗", 2],
      ["💓", 2],
      ["💞", 2],
      ["💙", 1],
      ["💚", 1],
      ["💛", 1],
      ["💜", 1],
      ["🧡", 1],
      ["🤍", 1],
      ["😻", 2],
      ["🔥", 1],
      ["✨", 1],
      ["🌟", 1],
      ["⭐", 1],
      ["🏆", 1],
      ["🥇", 1],
      ["🎉", 1],
      ["🎊", 1],
      ["💯", 1],
      ["✅", 0.5],
      ["🆗", 0.5],
      ["🤤", 1],
      // negative faces and gestures
      ["😡", -2],
      ["🤬", -2],
      ["😠", -2],
      ["😤", -1],
      ["😒", -1],
      ["🙄", -1],
      ["😑", -1],
      ["😐", -0.5],
      ["😞", -1],
      ["😔", -1],
      ["😟", -1],
      ["😕", -1],
      ["🙁", -1],
      ["☹", -1],
      ["😣", -1],
      ["😖", -1],
      ["😫", -1],
      ["😩", -1],
      ["🥺", -0.5],
      ["😢", -1],
      ["😭", -1],
      ["😿", -1],
      ["💔", -2],
      ["😰", -1],
      ["😨", -1],
      ["😱", -1],
      ["😓", -1],
      ["😥", -1],
      ["🤦", -1],
      ["🤮", -2],
      ["🤢", -2],
      ["💩", -2],
      ["👎", -2],
      ["🖕", -2],
      ["😪", -1],
      ["😴", -0.5],
      ["🥱", -1],
      ["😬", -0.5],
      ["🤡", -1],
      ["🙃", -1],
      ["💀", -0.5],
      ["⚠", -0.5],
      ["❌", -1],
      ["🚫", -1],
      ["😷", -0.5],
      ["🤒", -1],
      // ambiguous in Indonesian social media (laughter is often mockery; 🙂 often passive-aggressive)
      ["😂", 0],
      ["🤣", 0],
      ["😅", 0],
      ["🙂", 0],
      ["🙏", 0],
      ["🤔", 0],
      ["😏", 0],
      ["😶", 0],
    ] as Array<[string, number]>
  ).map(([emoji, value]) => [emoji.replace(/\uFE0F/g, ""), value]),
);

/** ASCII emoticons -> an emoji with the same reading. Matched case-sensitively, whole. */
export const EMOTICONS: ReadonlyArray<[string, string]> = [
  [":-)", "😊"],
  [":)", "😊"],
  ["(:", "😊"],
  [":]", "😊"],
  ["=)", "😊"],
  [":-D", "😄"],
  [":D", "😄"],
  ["=D", "😄"],
  ["xD", "😆"],
  ["XD", "😆"],
  ["^_^", "😊"],
  ["^^", "😊"],
  ["<3", "❤"],
  [":*", "😘"],
  [";)", "😊"],
  [";-)", "😊"],
  [":-(", "☹"],
  [":(", "☹"],
  ["):", "☹"],
  [":[", "☹"],
  ["=(", "☹"],
  [":'(", "😢"],
  [":’(", "😢"],
  ["T_T", "😢"],
  ["T.T", "😢"],
  ["TT_TT", "😢"],
  [";(", "😢"],
  ["-_-", "😑"],
  ["-.-", "😑"],
  ["-,-", "😑"],
  ["=_=", "😑"],
  [":/", "😕"],
  [":-/", "😕"],
  [":|", "😐"],
  [">:(", "😡"],
  [":@", "😡"],
  [":v", "😂"],
  [":V", "😂"],
  [":p", "😋"],
  [":P", "😋"],
];
