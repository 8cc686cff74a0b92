"""The small readers behind the parsers: bylines, datelines, dates, credits, metadata lines, titles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsingest.ingest.formats.boilerplate import is_boilerplate
from newsingest.ingest.formats.bylines import parse_byline, parse_reporting_trailer
from newsingest.ingest.formats.casing import title_case
from newsingest.ingest.formats.cleaning import repair_text, split_paragraphs
from newsingest.ingest.formats.credits import match_credit
from newsingest.ingest.formats.datelines import match_dateline, parse_dateline_text
from newsingest.ingest.formats.dates import from_timestamp, parse_date
from newsingest.ingest.formats.languages import normalise_language
from newsingest.ingest.formats.metadata import match_metadata_line, split_metadata_prefix
from newsingest.ingest.formats.titles import derive_title, looks_like_headline, sentences, split_title_source
from newsingest.models import DatePrecision
from newsingest.text.agencies import canonical_source, find_agency


@pytest.mark.parametrize(
    ("line", "authors", "source"),
    [
        ("Von Soo-hyang Choi und Ju-min Park", ["Soo-hyang Choi", "Ju-min Park"], None),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"], None),
        ("Von Anna Meier, Peter Schulz und Eva Klein", ["Anna Meier", "Peter Schulz", "Eva Klein"], None),
        ("By Jane Doe, Reuters", ["Jane Doe"], "Reuters"),
        ("Von Reuters", [], "Reuters"),
        ("Von Hans Müller | dpa", ["Hans Müller"], "dpa"),
        ("By Ursula von der Leyen", ["Ursula von der Leyen"], None),
        ("Ein Kommentar von Anna Meier", ["Anna Meier"], None),
        ("BY JANE DOE", ["Jane Doe"], None),
    ],
)
def test_bylines(line: str, authors: list[str], source: str | None) -> None:
    byline = parse_byline(line)
    assert byline is not None
    assert (byline.authors, byline.source) == (authors, source)


@pytest.mark.parametrize(
    "line", ["Von Berlin nach Hamburg", "By the way, this is a sentence.", "Bye bye", "Von 2019 bis 2023"]
)
def test_not_bylines(line: str) -> None:
    assert parse_byline(line) is None


def test_reporting_trailer() -> None:
    trailer = "(Reporting by Ann Saphir and Lindsay Dunsmuir; Editing by Chizu Nomiyama)"
    assert parse_reporting_trailer(trailer) == ["Ann Saphir", "Lindsay Dunsmuir"]
    assert parse_reporting_trailer("(Editing by Chizu Nomiyama)") == []
    assert parse_reporting_trailer("Reporting was difficult.") is None


@pytest.mark.parametrize(
    ("paragraph", "text", "places", "agency"),
    [
        ("SEOUL/MOSKAU (Reuters) – Der Text", "SEOUL/MOSKAU (Reuters)", ["Seoul", "Moskau"], "Reuters"),
        ("BERLIN (dpa) - Die Regierung", "BERLIN (dpa)", ["Berlin"], "dpa"),
        ("LONDON, March 3 (Reuters) - Britain", "LONDON, March 3 (Reuters)", ["London"], "Reuters"),
        ("WASHINGTON (AP) — The president", "WASHINGTON (AP)", ["Washington"], "AP"),
        ("Frankfurt/Main (dpa/lhe) - Die Stadt", "Frankfurt/Main (dpa/lhe)", ["Frankfurt/Main"], "dpa"),
        ("RIO DE JANEIRO (Reuters) - Brazil", "RIO DE JANEIRO (Reuters)", ["Rio de Janeiro"], "Reuters"),
        ("KYIV, Ukraine (AP) — Russian", "KYIV, Ukraine (AP)", ["Kyiv", "Ukraine"], "AP"),
        ("WASHINGTON — The president said", "WASHINGTON", ["Washington"], None),
    ],
)
def test_datelines(paragraph: str, text: str, places: list[str], agency: str | None) -> None:
    dateline = match_dateline(paragraph)
    assert dateline is not None
    assert (dateline.text, dateline.places, dateline.agency) == (text, places, agency)
    assert not paragraph[dateline.end :].startswith((" ", "-", "–", "—"))


@pytest.mark.parametrize(
    "paragraph",
    [
        "Die Regierung (CDU) - hat entschieden",
        "Kim werde in den kommenden Tagen reisen",
        "GEHEIMNIS UND SICHERHEIT",
    ],
)
def test_not_datelines(paragraph: str) -> None:
    assert match_dateline(paragraph) is None


def test_standalone_dateline_text() -> None:
    dateline = parse_dateline_text("TOKYO, Feb 15")
    assert dateline is not None
    assert dateline.places == ["Tokyo"]


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("2023-09", datetime(2023, 9, 1, tzinfo=UTC), DatePrecision.MONTH),
        ("2023", datetime(2023, 1, 1, tzinfo=UTC), DatePrecision.YEAR),
        ("12.03.2024", datetime(2024, 3, 12, tzinfo=UTC), DatePrecision.DAY),
        ("12.03.2024 14:30 Uhr", datetime(2024, 3, 12, 13, 30, tzinfo=UTC), DatePrecision.MINUTE),
        ("12. März 2024", datetime(2024, 3, 12, tzinfo=UTC), DatePrecision.DAY),
        ("March 3, 2024", datetime(2024, 3, 3, tzinfo=UTC), DatePrecision.DAY),
        ("September 2023", datetime(2023, 9, 1, tzinfo=UTC), DatePrecision.MONTH),
        ("2024-03-07T14:15:00+01:00", datetime(2024, 3, 7, 13, 15, tzinfo=UTC), DatePrecision.SECOND),
        ("20240215T003000Z", datetime(2024, 2, 15, 0, 30, tzinfo=UTC), DatePrecision.SECOND),
        ("Mon, 11 Sep 2023 10:00:00 GMT", datetime(2023, 9, 11, 10, tzinfo=UTC), DatePrecision.SECOND),
        ("March 1, 2024 10:15 AM EST", datetime(2024, 3, 1, 15, 15, tzinfo=UTC), DatePrecision.MINUTE),
    ],
)
def test_dates_keep_their_precision(text: str, value: datetime, precision: DatePrecision) -> None:
    parsed = parse_date(text)
    assert parsed is not None
    assert (parsed.value, parsed.precision) == (value, precision)


@pytest.mark.parametrize("text", ["31.02.2024", "2024-13", "yesterday", "", "12345", "9999-01-01"])
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_epoch_seconds_and_milliseconds() -> None:
    seconds = from_timestamp(1709290800)
    millis = from_timestamp(1709290800000)
    assert seconds is not None
    assert millis is not None
    assert seconds.value == millis.value == datetime(2024, 3, 1, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("paragraph", "source"),
    [
        (
            "© Reuters. DATEIFOTO: Kim und Putin in Wladiwostok. Alexander Zemlianichenko/Pool via REUTERS/File Photo",
            "Reuters",
        ),
        ("Foto: dpa", "dpa"),
        ("Foto: Kay Nietfeld/dpa", "dpa"),
        ("Photo: Getty Images", None),
        ("(Photo by Chip Somodevilla/Getty Images)", None),
        ("Bild: Imago", None),
        ("Image copyright Getty Images", None),
        ("Protesters gather in London, March 3, 2024. REUTERS/Toby Melville", None),
        ("Copyright 2024 The Associated Press. All rights reserved.", "AP"),
    ],
)
def test_credits(paragraph: str, source: str | None) -> None:
    credit = match_credit(paragraph)
    assert credit is not None
    assert credit.source == source


@pytest.mark.parametrize(
    "paragraph",
    [
        "Bilder zeigen, wie die Stadt brennt.",
        "Copyright infringement cases rose sharply.",
        "Die Regierung tagt.",
    ],
)
def test_not_credits(paragraph: str) -> None:
    assert match_credit(paragraph) is None


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("source site-20", "source", "site-20"),
        ("date 2023-09", "date", "2023-09"),
        ("Quelle: Reuters", "source", "Reuters"),
        ("Stand: 12.03.2024", "updated", "12.03.2024"),
        ("Veröffentlicht am 12. März 2024", "published", "12. März 2024"),
        ("12.03.2024, 14:30 Uhr", "date", "12.03.2024, 14:30 Uhr"),
        ("https://example.com/a", "url", "https://example.com/a"),
    ],
)
def test_metadata_lines(line: str, field: str, value: str) -> None:
    meta = match_metadata_line(line)
    assert meta is not None
    assert (meta.field, meta.value) == (field, value)


@pytest.mark.parametrize(
    "line",
    ["Source close to the talks said nothing.", "Date night is popular.", "Stand der Dinge ist unklar."],
)
def test_not_metadata_lines(line: str) -> None:
    assert match_metadata_line(line) is None


def test_metadata_prefix_is_split_off() -> None:
    assert split_metadata_prefix(" date 2023-09 Die russische Führung hat") == [
        "date 2023-09",
        "Die russische Führung hat",
    ]
    assert split_metadata_prefix("Datum der Wahl ist offen") == ["Datum der Wahl ist offen"]


@pytest.mark.parametrize(
    ("title", "clean", "source"),
    [
        (
            "Nordkoreas Kim besucht Russland zu Gesprächen mit Putin Von Reuters",
            "Nordkoreas Kim besucht Russland zu Gesprächen mit Putin",
            "Reuters",
        ),
        ("Kim visits Russia - Reuters", "Kim visits Russia", "Reuters"),
        ("Kim visits Russia | AP", "Kim visits Russia", "AP"),
        ("Kim visits Russia (Reuters)", "Kim visits Russia", "Reuters"),
        ("Nahost-Konflikt - USA warnen Iran", "Nahost-Konflikt - USA warnen Iran", None),
        ("Stocks Rise By Most Since March", "Stocks Rise By Most Since March", None),
    ],
)
def test_title_suffixes(title: str, clean: str, source: str | None) -> None:
    assert split_title_source(title) == (clean, source)


def test_sentences_and_derived_titles() -> None:
    text = "Das Treffen fand am 25. April 2019 statt. Dr. Müller sagte, die U.S. Army sei bereit. Er kam 2019."
    assert sentences(text) == [
        "Das Treffen fand am 25. April 2019 statt.",
        "Dr. Müller sagte, die U.S. Army sei bereit.",
        "Er kam 2019.",
    ]
    assert derive_title(text) == "Das Treffen fand am 25. April 2019 statt"
    long = "Wort " * 60
    derived = derive_title(long)
    assert len(derived) <= 120
    assert not derived.endswith(" ")


def test_headline_detection() -> None:
    assert looks_like_headline("Kim besucht Russland")
    assert not looks_like_headline("Der Kreml sagte am Montag, Kim werde bald reisen. " * 4)
    assert not looks_like_headline("kleingeschriebener Anfang")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("de-DE", "de"),
        ("de_DE", "de"),
        ("EN", "en"),
        ("deu", "de"),
        ("German", "de"),
        ("und", None),
        ("x", None),
        (42, None),
    ],
)
def test_language_normalisation(value: object, code: str | None) -> None:
    assert normalise_language(value) == code


def test_agencies_and_casing() -> None:
    assert canonical_source("REUTERS") == "Reuters"
    assert canonical_source("The Associated Press") == "AP"
    assert canonical_source("Stadtanzeiger") == "Stadtanzeiger"
    assert find_agency("Anna Moneymaker/AFP via Getty Images") == "AFP"
    assert title_case("ST. PETERSBURG") == "St. Petersburg"
    assert title_case("Berlin") == "Berlin"


def test_boilerplate() -> None:
    assert is_boilerplate("Lesen Sie auch: Was das Gesetz bedeutet")
    assert is_boilerplate("Our Standards: The Thomson Reuters Trust Principles.")
    assert is_boilerplate("Anzeige")
    assert not is_boilerplate("Die Anzeige wurde am Montag erstattet.")


def test_cleaning() -> None:
    assert repair_text("GesprÃ¤che Ã¼ber „Frieden“") == "Gespräche über „Frieden“"
    assert split_paragraphs("A\n\n\nB\nC\n") == ["A", "B", "C"]


def test_dateline_with_a_full_date_and_lowercase_particles() -> None:
    dated = match_dateline("Berlin, 12.03.2024 (dpa) - Die Koalition")
    assert dated is not None
    assert dated.date is not None
    assert dated.date.value == datetime(2024, 3, 12, tzinfo=UTC)
    frankfurt = match_dateline("Frankfurt am Main (dpa) - Die Stadt")
    assert frankfurt is not None
    assert frankfurt.places == ["Frankfurt am Main"]
