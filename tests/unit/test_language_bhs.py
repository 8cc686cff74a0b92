"""Bosnian, Croatian and Serbian (Latin) on pieces written for these tests, each decided by the second round of
markers (``_MORE_WORDS``, the fused future, "sa", more da-constructions): the first round got all three wrong."""

from __future__ import annotations

import pytest

from newsingest.enrich.language import LanguageDetector
from newsingest.enrich.language_markers import marker_hits, markers_in

SERBO_CROATIAN = frozenset({"hr", "bs", "sr"})
# Ijekavian, so not Serbian; only "nivo", "zvanični" and "sa" before a non-sibilant say it is not Croatian.
BOSNIAN = (
    "U utakmici odigranoj u srijedu navečer domaći tim je pobijedio goste rezultatom tri prema jedan. Trener je "
    "nakon susreta rekao da je zadovoljan igrom, ali da nivo koncentracije u drugom poluvremenu nije bio dobar. "
    "Zvanični izvještaj sa utakmice bit će objavljen sutra."
)
# "da li" used to count for Bosnian and Serbian; the Croatian vocabulary now outweighs it.
CROATIAN = (
    "Stručnjaci se pitaju da li će nova razina poreza utjecati na suvremene tvrtke. Prema tablici koju je "
    "objavio ravnatelj zavoda, poduzeća u prosjeku plaćaju više nego prije, a dio njih već traži pomoć države."
)
# Latin script, so lingua cannot see Serbian; "sistem" and "jul" are shared with Bosnian.
SERBIAN = (
    "Predsednik je izjavio da će korišćenje novog sistema početi od jula. Svedoci tvrde da su izbeglice ponovo "
    "bez krova nad glavom, a vlasti kažu da ćemo rezultate imati uskoro i da radićemo na tome zajedno."
)


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    found = LanguageDetector()
    found.warm_up()
    return found


@pytest.mark.parametrize(("text", "code"), [(BOSNIAN, "bs"), (CROATIAN, "hr"), (SERBIAN, "sr")])
def test_bosnian_croatian_serbian_pieces(detector: LanguageDetector, text: str, code: str) -> None:
    result = detector.detect(text)
    assert result.code == code, result
    assert result.method == "lingua"  # decided inside the group, not by the fast path


def test_second_round_markers() -> None:
    assert marker_hits("tabela nivo uticaj", SERBO_CROATIAN) == {"bs": 3, "sr": 3}
    assert marker_hits("tablica razina utjecaj", SERBO_CROATIAN) == {"hr": 3}
    assert marker_hits("vjerovatno", SERBO_CROATIAN) == {"bs": 1}  # vjerojatno: hr, verovatno: sr
    assert marker_hits("vjerojatno verovatno", SERBO_CROATIAN) == {"hr": 1, "sr": 1}
    assert marker_hits("uradićemo", SERBO_CROATIAN) == {"sr": 1}  # the fused future
    assert marker_hits("hoćemo", SERBO_CROATIAN) == {}  # "we want", not a future
    assert marker_hits("uhapšen zbog ubistva, vakcina", SERBO_CROATIAN) == {"bs": 3, "sr": 3}  # news words
    assert marker_hits("uhićen zbog ubojstva, cjepivo", SERBO_CROATIAN) == {"hr": 3}
    assert marker_hits("uposlenici", SERBO_CROATIAN) == {"bs": 1}


def test_sa_counts_once_and_not_before_sibilants() -> None:
    assert "sa *" in markers_in("sa drugim i sa trećim", SERBO_CROATIAN)
    assert marker_hits("sa drugim i sa trećim", SERBO_CROATIAN) == {"bs": 1, "sr": 1}
    assert marker_hits("sa sobom, sa ženom, sa 5 ljudi", SERBO_CROATIAN) == {}  # all three write "sa" here
    assert marker_hits("Pokušajte da uklonite profil.", SERBO_CROATIAN) == {"bs": 1, "sr": 1}
