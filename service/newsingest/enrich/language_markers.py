"""Lexical markers for the pairs that character n-grams hardly separate: Croatian/Bosnian/Serbian, Malay/Indonesian.

Each marker is a common word whose spelling or choice is the standard of some of the languages and not of the
others (Croatian "tko", "tisuća", "tjedan", month names; Serbian ekavian "vreme", "deca"; Bosnian/Serbian
"hiljada", "porodica"; Malay "kerana", "bahawa", "Ogos"; Indonesian "karena", "bahwa", "Agustus"). They come from
the languages' standards, not from the evaluation text. ``marker_hits`` counts, per language, the distinct
markers in a text; the detector adds them to lingua's evidence inside the group.
"""

from __future__ import annotations

import re
from collections import Counter

_HR = frozenset({"hr"})
_BS = frozenset({"bs"})
_SR = frozenset({"sr"})
_BS_SR = frozenset({"bs", "sr"})
_HR_BS = frozenset({"hr", "bs"})
_MS = frozenset({"ms"})
_ID = frozenset({"id"})

_WORDS: dict[frozenset[str], str] = {
    _HR: "tko nitko netko nikoga svatko tisuća tisuće tjedan tjedna tjedno sveučilište sveučilišta zrakoplov "
    "nogomet nogometni veleposlanstvo priopćenje priopćio točno kemija povijest povijesti glazba glazbe vlak "
    "kruh siječnja veljače ožujka travnja svibnja lipnja srpnja kolovoza rujna listopada studenoga prosinca "
    "europski europske europska europi tijekom uvjet uvjeti izvješće tvrtka tvrtke postotak znanost kazalište "
    "tajnik općenito zajamčuje jamči obveza obveze obvezno neovisno neovisan neovisnost podrijetlo odgoj",
    _BS: "historija historije historijski porijeklo porijekla sedmica sedmice saopćenje saopćio kahva hljeb "
    "lahko mahala sahat avgusta hemija tačno općenito",
    _SR: "vreme vremena mesto mesta reč reči deca dece svet sveta lepo cena pesma gde primer razumeti videti "
    "istorija istorije opšti opšte opštu opšta opština poreklo merama saopštenje saopštio "
    "bezbednost takođe hleb uslov uslovi deo dve posle "
    "pre uvek ovde lekar vest vesti reka predsednik sednica odeljenje delo vek nedelje nedelju "
    "obezbedi obezbeđuje verovati verska uverenja čovek čoveka",
    _BS_SR: "hiljada hiljade porodica porodice univerzitet univerziteta ambasada fudbal avion ko šta januara "
    "februara marta aprila juna jula septembra oktobra novembra decembra evropski evropske evropska evropi "
    "hemija niko nikoga svako obaveza obaveze obavezno nezavisno nezavisan nezavisnost vaspitanje vaspitavanje",
    _HR_BS: "vrijeme mjesto riječ djeca svijet lijepo cijena pjesma gdje primjer razumjeti vidjeti dio "
    "poslije prije uvijek ovdje liječnik rijeka predsjednik sjednica odjeljenje djelo vijek čovjek čovjeka "
    "također",
    _MS: "kerana bahawa sahaja iaitu kerajaan wang sebarang mana-mana hendaklah sesiapa semasa berkenaan ramai "
    "perlembagaan kakitangan syarikat kempen polis bandar kereta bilik awam cukai mahkamah pejabat jabatan "
    "peratus kenyataan tentera cadangan percuma antarabangsa mac ogos lapan memandu daripada "
    "boleh persendirian mesti kahwin berkahwin perkahwinan memperolehi diperolehi sukan hospital "
    "universiti televisyen kualiti aktiviti komuniti maklumat isnin khamis jumaat ahad",
    _ID: "karena bahwa saja yaitu uang pemerintah siapapun apapun namun bisa kantor mobil polisi persen "
    "pengadilan tentara maret agustus delapan internasional kampanye perusahaan provinsi kabupaten warga "
    "adanya harus kawin menikah perkawinan tersebut olahraga universitas televisi kualitas aktivitas "
    "komunitas informasi senin kamis jumat minggu",
}

MARKERS: dict[str, frozenset[str]] = {}
for _languages, _words in _WORDS.items():
    for _word in _words.split():
        MARKERS[_word] = MARKERS.get(_word, frozenset()) | _languages

_TOKEN = re.compile(r"\w+(?:-\w+)*", re.UNICODE)


def marker_hits(text: str, among: frozenset[str]) -> Counter[str]:
    """Per language of ``among``: how many distinct markers of it ``text`` contains."""
    seen = {token for token in (match.group().lower() for match in _TOKEN.finditer(text)) if token in MARKERS}
    hits: Counter[str] = Counter()
    for token in seen:
        for language in MARKERS[token] & among:
            hits[language] += 1
    return hits
