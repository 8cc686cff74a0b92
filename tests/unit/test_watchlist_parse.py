"""Watchlist CSV parsing on hostile input: BOM, header, types, huge lines, binary, formula-looking cells, empty
files, duplicates, too many names; and the rules the names become."""

from __future__ import annotations

import pytest

from newsingest.alerts.watchlist import (
    MAX_BYTES,
    MAX_LINE_BYTES,
    MAX_NAMES,
    WatchEntry,
    WatchlistError,
    parse_watchlist,
)


def test_names_with_and_without_type_bom_and_header() -> None:
    data = "\ufeffname,type\r\nKim Jong Un,person\r\nKreml,ORG\r\n\r\n  Wladiwostok , place\r\nReuters\r\n".encode()
    result = parse_watchlist(data)
    assert result.errors == []
    assert result.entries == [
        WatchEntry(2, "Kim Jong Un", "person"),
        WatchEntry(3, "Kreml", "org"),
        WatchEntry(5, "Wladiwostok", "place"),
        WatchEntry(6, "Reuters", None),
    ]


def test_no_header_quoted_names_and_synonyms() -> None:
    result = parse_watchlist(b'"Putin, Wladimir",Person\nAcme Corp,organisation\nBerlin,location\n')
    assert [(e.name, e.kind) for e in result.entries] == [
        ("Putin, Wladimir", "person"),
        ("Acme Corp", "org"),
        ("Berlin", "place"),
    ]


def test_bad_lines_are_reported_with_their_numbers_and_the_rest_kept() -> None:
    lines = [
        b"Angela Merkel,person",  # 1 ok
        b"x" * (MAX_LINE_BYTES + 1),  # 2 huge
        b"\xff\xfe\x00binary\x00",  # 3 not UTF-8
        b"bell\x07name",  # 4 control character
        b'=HYPERLINK("http://evil"),person',  # 5 formula
        b"+49 123",  # 6 formula-looking
        b"@SUM(A1)",  # 7
        b"-2+3",  # 8
        b"Merkel,person,extra",  # 9 too many columns
        b"Merkel,animal",  # 10 unknown type
        b"ANGELA  merkel,person",  # 11 duplicate of 1 (case, spaces)
        b",person",  # 12 empty name
        b'"unclosed,person',  # 13 bad CSV quoting
        ("n" * 301).encode(),  # 14 name too long
        "Zoë Ünal".encode(),  # 15 ok
    ]
    result = parse_watchlist(b"\n".join(lines))
    assert [(e.line, e.name) for e in result.entries] == [(1, "Angela Merkel"), (15, "Zoë Ünal")]
    reasons = {e.line: e.reason for e in result.errors}
    assert sorted(reasons) == list(range(2, 15))
    assert "longer than" in reasons[2]
    assert reasons[3] == "not UTF-8 text"
    assert "control" in reasons[4]
    assert all("formula" in reasons[n] for n in (5, 6, 7, 8))
    assert "columns" in reasons[9]
    assert "unknown type" in reasons[10]
    assert reasons[11] == "duplicate of line 1"
    assert reasons[12] == "empty name"
    assert "longer than 300" in reasons[14]


@pytest.mark.parametrize("data", [b"", b"\n\n \r\n", b"\xef\xbb\xbf", b"name,type\n"])
def test_an_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(WatchlistError, match="no names"):
        parse_watchlist(data)


def test_a_binary_file_is_refused_with_its_lines() -> None:
    with pytest.raises(WatchlistError) as caught:
        parse_watchlist(bytes(range(256)) * 4)
    assert caught.value.errors
    assert all(e.reason for e in caught.value.errors)


def test_size_and_name_count_are_bounded() -> None:
    with pytest.raises(WatchlistError, match="larger than"):
        parse_watchlist(b"a\n" * (MAX_BYTES // 2 + 1))
    with pytest.raises(WatchlistError, match="more than"):
        parse_watchlist("\n".join(f"name {n}" for n in range(MAX_NAMES + 1)).encode())
    assert len(parse_watchlist("\n".join(f"name {n}" for n in range(MAX_NAMES)).encode()).entries) == MAX_NAMES


def test_rules_of_typed_and_untyped_names() -> None:
    typed = WatchEntry(1, "Kim Jong Un", "person").spec("wl: ")
    assert typed.name == "wl: Kim Jong Un"
    assert typed.filters == {"person": ["Kim Jong Un"]}
    assert typed.query == ""
    untyped = WatchEntry(2, 'The "Best" \\ Co', None).spec()
    assert untyped.filters == {}
    assert untyped.query == (
        'persons:"The \\"Best\\" \\\\ Co" OR organisations:"The \\"Best\\" \\\\ Co" '
        'OR places.name:"The \\"Best\\" \\\\ Co"'
    )


def test_a_watchlist_name_matches_the_value_the_entity_registry_gives_it() -> None:
    from newsingest.alerts.watchlist import WatchEntry
    from newsingest.alerts.watchlist_rules import registered_name
    from newsingest.config import Settings
    from newsingest.enrich.registry import EntityRegistry
    from newsingest.models import Entity, EntityType, Mention

    registry = EntityRegistry({}, Settings())  # type: ignore[arg-type]
    long_form = "Internationale Atomenergiebehörde"
    mentions = [Mention(start=0, end=len(long_form), text=long_form), Mention(start=40, end=44, text="IAEA")]
    for _ in range(2):  # an alias counts once two articles paired it with the name
        registry.learn([Entity(name=long_form, type=EntityType.ORGANISATION, count=2, mentions=mentions)])
    abbreviation = WatchEntry(line=1, name="IAEA", kind="org")
    assert registered_name(registry, abbreviation) == long_form
    assert abbreviation.spec("watchlist: ", registered_name(registry, abbreviation)).filters == {"org": [long_form]}
    assert registered_name(registry, WatchEntry(line=2, name="IAEA")) == long_form  # untyped: person or org
    assert registered_name(registry, WatchEntry(line=3, name="IAEA", kind="person")) is None  # aliases are per type
    assert registered_name(registry, WatchEntry(line=4, name="Unknown Person")) is None
    assert registered_name(None, abbreviation) is None
