/**
 * Informal Indonesian -> the form the training text uses. Written for Simak (no third-party list
 * was copied). Targets were chosen by their frequency in the SmSA training text, so that informal
 * spellings land on words the model has weights for: `gak` -> `tidak` (4,399 times in training),
 * `bgt` -> `banget` (1,499), `aja` -> `saja` (1,297), `udh` -> `sudah`. Forms the training text
 * itself keeps (gue, bikin, cuma, kayak, susah, sih, dong, deh, kok) stay as they are and are only
 * reached from their shorter spellings. A target may be several words (`gpp` -> `tidak apa-apa`).
 *
 * One entry a line: `informal target`. Keys are lower case, after elongation folding.
 */
const ENTRIES = `
ga tidak
gak tidak
gk tidak
g tidak
gx tidak
ngga tidak
nggak tidak
nggk tidak
ngak tidak
nga tidak
enggak tidak
engga tidak
egk tidak
kagak tidak
kaga tidak
kgk tidak
gag tidak
ndak tidak
nda tidak
ndk tidak
tdk tidak
tdak tidak
tidk tidak
gaada tidak ada
gada tidak ada
gakada tidak ada
gabisa tidak bisa
gbs tidak bisa
gakbisa tidak bisa
gamau tidak mau
gakmau tidak mau
gatau tidak tahu
gtau tidak tahu
gatahu tidak tahu
gausah tidak usah
gaush tidak usah
gajelas tidak jelas
gaje tidak jelas
gapapa tidak apa-apa
gpp tidak apa-apa
gakpapa tidak apa-apa
nggakpapa tidak apa-apa
ngapapa tidak apa-apa
blm belum
blom belum
belom belum
blum belum
bkn bukan
bukn bukan
jgn jangan
jngn jangan
jgan jangan
krg kurang
kurg kurang
tnp tanpa
sgt sangat
sngt sangat
bgt banget
bngt banget
bgtt banget
bnget banget
bangt banget
bangat banget
bet banget
amat amat
bener benar
bner benar
bnr benar
beneran benar
bnran benar
sbnrnya sebenarnya
sebenernya sebenarnya
sbenarnya sebenarnya
emg memang
emang memang
emng memang
mmg memang
yg yang
yng yang
ygy yang
dgn dengan
dg dengan
dng dengan
dngn dengan
utk untuk
untk untuk
unk untuk
krn karena
krna karena
karna karena
soalnya karena
tp tapi
tpi tapi
tapii tapi
ttp tetap
tetep tetap
sm sama
ama sama
dr dari
dri dari
kl kalau
klo kalau
kalo kalau
klau kalau
klw kalau
kalu kalau
jd jadi
jdi jadi
jadinya jadi
sdh sudah
udh sudah
udah sudah
dah sudah
uda sudah
sudh sudah
lg lagi
lgi lagi
agi lagi
aj saja
aja saja
ajah saja
aje saja
sj saja
doang saja
jg juga
jga juga
jugak juga
gmn bagaimana
gmna bagaimana
gimana bagaimana
gmana bagaimana
gimane bagaimana
knp kenapa
knapa kenapa
napa kenapa
ngapain kenapa
kpn kapan
kapn kapan
dmn di mana
dimana di mana
dmna di mana
brp berapa
berapaan berapa
sapa siapa
spa siapa
org orang
orng orang
ortu orang tua
bs bisa
bsa bisa
bisaa bisa
hrs harus
hrus harus
msh masih
masi masih
mash masih
sbg sebagai
sprti seperti
kyk kayak
kek kayak
kyak kayak
kayaknya sepertinya
kyknya sepertinya
keknya sepertinya
skrg sekarang
skrng sekarang
skg sekarang
skarang sekarang
td tadi
tdi tadi
bsk besok
besuk besok
kmrn kemarin
kemaren kemarin
kmaren kemarin
kmarin kemarin
trs terus
trus terus
mulu terus
melulu terus
sampe sampai
smpe sampai
smpai sampai
ampe sampai
pake pakai
liat lihat
ngeliat melihat
ngelihat melihat
denger dengar
dengerin mendengarkan
ngerti mengerti
ngasih memberi
ngasi memberi
kasi kasih
nunggu menunggu
nungguin menunggu
nyari mencari
nyariin mencari
ngurus mengurus
ngurusin mengurus
dapet dapat
dpt dapat
dapt dapat
tau tahu
taunya tahunya
pengen ingin
pingin ingin
pengin ingin
pgn ingin
kepengen ingin
mo mau
mw mau
ntar nanti
ntr nanti
nnti nanti
abis habis
hbs habis
cm cuma
cmn cuma
cuman cuma
bnyk banyak
byk banyak
banyakk banyak
dikit sedikit
sdikit sedikit
smua semua
semuaa semua
msk masuk
msuk masuk
kluar keluar
klr keluar
bgs bagus
baguss bagus
bgus bagus
jlk jelek
jelk jelek
mantul mantap
mantab mantap
mantep mantap
mantapp mantap
mntp mantap
mtp mantap
kece keren
kern keren
gercep cepat
sat-set cepat
satset cepat
cpt cepat
cepet cepat
lemot lambat
lelet lambat
lambatt lambat
telat terlambat
tlat terlambat
ribet rumit
gampang mudah
gmpg mudah
murce murah
bete kesal
bt kesal
kzl kesal
kesel kesal
sebel kesal
sbl kesal
nyesel menyesal
nyesal menyesal
ngecewain mengecewakan
ngecewakan mengecewakan
kecewain mengecewakan
nyusahin menyusahkan
nyusahkan menyusahkan
ngerepotin merepotkan
ngeselin menyebalkan
nyebelin menyebalkan
nyebelinnn menyebalkan
ngebantu membantu
bantuin membantu
dibantuin dibantu
ngebantuin membantu
nolong menolong
nolongin menolong
dibenerin diperbaiki
benerin memperbaiki
ngebenerin memperbaiki
diberesin diselesaikan
beresin selesaikan
beres selesai
kelar selesai
bikinin membuatkan
ngomong bicara
ngomongin membicarakan
ngmg bicara
omongan perkataan
ngeluh mengeluh
ngeluhin mengeluhkan
komplen komplain
complain komplain
compline komplain
ngaco kacau
ngawur kacau
kacrut kacau
ancur hancur
ambyar hancur
amburadul kacau
ngantri antre
ngantre antre
antri antre
antrian antrean
antriannya antreannya
mati2an mati-matian
dibales dibalas
bales balas
dijawab dijawab
ngejawab menjawab
jwb jawab
ngeles mengelak
bohong bohong
boong bohong
hoax hoaks
hoks hoaks
pungutan pungutan
duit uang
duitnya uangnya
doku uang
gratisan gratis
mahal mahal
mhl mahal
murmer murah
hrg harga
hrga harga
harganya harganya
tlg tolong
tlong tolong
mhn mohon
plis tolong
pliss tolong
please tolong
pls tolong
plz tolong
makasih terima kasih
makasi terima kasih
makasiih terima kasih
mksh terima kasih
mks terima kasih
maksih terima kasih
trmksh terima kasih
trimakasih terima kasih
terimakasih terima kasih
trims terima kasih
tks terima kasih
tq terima kasih
ty terima kasih
thx terima kasih
thanks terima kasih
thank terima kasih
tengkyu terima kasih
nuhun terima kasih
suwun terima kasih
maap maaf
mf maaf
mav maaf
sory maaf
sorry maaf
sori maaf
gw gue
gua gue
w gue
ane saya
sy saya
sya saya
aq aku
ak aku
km kamu
kmu kamu
kau kamu
lo lu
loe lu
elu lu
elo lu
ente kamu
doi dia
dy dia
mrk mereka
mreka mereka
kt kita
qta kita
kta kita
bbp bapak
bpk bapak
pk bapak
bapa bapak
ibuk ibu
bun bunda
kakak kak
ka kak
min admin
mimin admin
minn admin
gan juragan
sis kak
bro bro
bang abang
bg abang
temen teman
tmn teman
tmen teman
cewe perempuan
cewek perempuan
cowo laki-laki
cowok laki-laki
bokap ayah
nyokap ibu
hp hp
hape hp
pemkot pemerintah kota
pemprov pemerintah provinsi
pemda pemerintah daerah
pemkab pemerintah kabupaten
pmrth pemerintah
pemerinta pemerintah
pejabat2 pejabat-pejabat
dll dan lain-lain
dsb dan sebagainya
dst dan seterusnya
pd pada
thd terhadap
trhdp terhadap
tsb tersebut
lbh lebih
lbih lebih
plg paling
palingg paling
bnr2 benar-benar
bener2 benar-benar
beneran2 benar-benar
bgtu begitu
gitu begitu
gt begitu
gtu begitu
gini begini
gni begini
bgini begini
gituan begitu
yaudah ya sudah
yaudahlah ya sudah
udahlah sudahlah
udahan sudah
okey oke
okay oke
okee oke
ok oke
oki oke
okelah oke
sip oke
sipp oke
siap siap
siapp siap
otw dalam perjalanan
btw omong-omong
gws semoga cepat sembuh
mager malas
males malas
mls malas
kepo ingin tahu
baper terbawa perasaan
santuy santai
sans santai
woles santai
gabut bosan
bosen bosan
bsn bosan
galau bingung
bingungin membingungkan
ngebingungin membingungkan
nyaman nyaman
nyamann nyaman
asik asyik
asyikk asyik
seruu seru
seneng senang
senengg senang
sneng senang
kuy ayo
yuk ayo
yok ayo
ayok ayo
hayuk ayo
skuy ayo
wkwk haha
wkwkwk haha
awokawok haha
hehe haha
hihi haha
xixi haha
kwkw haha
ckck ckck
ckckck ckck
anjir anjir
anjay anjir
anjrit anjir
anjer anjir
njir anjir
jir anjir
ajg anjing
anjg anjing
anj anjing
njing anjing
bgst bangsat
bngst bangsat
bacot bacot
bct bacot
goblog goblok
gblk goblok
gblg goblok
tolol tolol
bego bodoh
bloon bodoh
oon bodoh
dongo bodoh
kampret kampret
tai tai
taik tai
sampah sampah
zonk zonk
php pemberi harapan palsu
pehape pemberi harapan palsu
nyampah menyampah
ngibul bohong
hoaks hoaks
korup korupsi
koruptor koruptor
maling maling
pungli pungli
ktp ktp
e-ktp ktp
ektp ktp
bpjs bpjs
sim sim
stnk stnk
ngurusnya mengurusnya
bayar bayar
byr bayar
dibayar dibayar
naik naik
naek naik
turun turun
ilang hilang
ngilang hilang
ilangin menghilangkan
rusak rusak
rsk rusak
mati mati
mampet mampet
bocor bocor
becek becek
jalan jalan
jln jalan
jl jalan
rmh rumah
rumahh rumah
kntr kantor
kantr kantor
sklh sekolah
sekola sekolah
skolah sekolah
rs rumah sakit
puskes puskesmas
dokternya dokternya
pelayanan pelayanan
pelayananya pelayanannya
pelayanannya pelayanannya
yanlik pelayanan publik
petugasnya petugasnya
ptgs petugas
admin admin
cs layanan pelanggan
sistemnya sistemnya
sistim sistem
aplikasinya aplikasinya
apk aplikasi
app aplikasi
apps aplikasi
aplikasi aplikasi
websitenya situsnya
web situs
website situs
eror error
erorr error
err error
error error
down mati
lemotnya lambatnya
lambat lambat
sinyal sinyal
signal sinyal
inet internet
internet internet
kuota kuota
pulsa pulsa
wifi wifi
ngelag lambat
lag lambat
ngeleg lambat
ngehang macet
hang macet
nge-hang macet
ngestuck macet
stuck macet
`;

function parse(entries: string): ReadonlyMap<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const line of entries.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const space = trimmed.indexOf(" ");
    const key = trimmed.slice(0, space);
    // Identity entries document that a form was considered and is kept; they need no mapping.
    const target = trimmed.slice(space + 1).split(" ");
    if (target.length === 1 && target[0] === key) continue;
    if (!map.has(key)) map.set(key, target);
  }
  return map;
}

/** informal form -> the words it stands for. */
export const SLANG: ReadonlyMap<string, readonly string[]> = parse(ENTRIES);

/** Every line of the dictionary, identity entries included (for counting and review). */
export const SLANG_ENTRY_COUNT = ENTRIES.split("\n").filter((line) => line.trim()).length;
