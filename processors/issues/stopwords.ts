/**
 * Stop words for issue terms, Indonesian and English: function words, pronouns, particles and the
 * standard forms processors/sentiment's slang folding maps informal spellings to (gak -> tidak,
 * gw -> saya, aja -> saja), so that folded text loses them too. Written for Simak from the common
 * word classes (no third-party list was copied). Words that carry a complaint (tidak, belum,
 * lambat) are stop words only where they say nothing on their own: "tidak" is, "lambat" is not.
 */
const INDONESIAN = `
ada adalah agak agar akan aku akhirnya amat anda antara apa apakah apalagi atas atau bagaimana bagi
bahkan bahwa baik banget banyak baru begini begitu belum benar berapa beri bisa boleh buat bukan
cuma cukup dalam dan dapat dari daripada deh dengan di dia dong dulu emang gimana guys hal hanya
harus hari ini itu jadi jangan jika juga juga kalau kali kalian kami kamu kan kapan karena kata
ke kecil kemudian kenapa kepada kita kok kurang lagi lah lain lalu lebih mana masih mau memang
mereka min mimin minta mohon mulai nah namun nanti nih nya oleh orang pada padahal pak para
pernah pun punya saat saja sama sampai sangat saya se sebagai sebelum sedang sedikit sekali
sekarang selalu semua sendiri seperti serta sih siapa sudah supaya tadi tahu tak tanpa tapi
telah tentang terus tetap tidak toh tolong udah untuk wah yang ya yah yuk bapak ibu kak kakak
gue lu loh kayak bikin ayo biar sini situ sana tuh tu ni aja gak nggak ga oke okay sip
`;

const ENGLISH = `
a about after again all also am an and any are as at be been before being but by can could did
do does doing for from get got had has have he her here him his how i if in into is it its just
like me more most my no not now of on only or other our out over please really she so some than
that the their them then there these they this those to too up us very was we were what when
where which who why will with would you your honestly literally
`;

/** Lower-case words that never make an issue term on their own. */
export const STOP_WORDS: ReadonlySet<string> = new Set(`${INDONESIAN} ${ENGLISH}`.split(/\s+/).filter(Boolean));
