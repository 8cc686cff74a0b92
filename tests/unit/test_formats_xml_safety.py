"""XML is parsed safely: external entities, DTD fetching and entity-expansion bombs are refused."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from newsingest.ingest.formats.base import SourceFile, UnsafeXml
from newsingest.ingest.formats.registry import parse_file
from newsingest.ingest.formats.xmlsafe import parse_xml

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats" / "xml_attacks"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parser tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_external_file_entity_is_refused(no_network: None) -> None:
    with pytest.raises(UnsafeXml) as caught:
        parse_file(SourceFile("xxe.xml", load("xxe_file.xml")))
    assert caught.value.code == "unsafe_xml"
    assert "root:" not in str(caught.value.as_dict())


def test_billion_laughs_is_refused(no_network: None) -> None:
    with pytest.raises(UnsafeXml):
        parse_file(SourceFile("lol.xml", load("billion_laughs.xml")))


def test_external_parameter_entity_is_refused(no_network: None) -> None:
    with pytest.raises(UnsafeXml):
        parse_file(SourceFile("param.xml", load("parameter_entity.xml")))


def test_internal_entity_declarations_are_refused(no_network: None) -> None:
    with pytest.raises(UnsafeXml):
        parse_file(SourceFile("internal.xml", load("internal_entity.xml")))


def test_external_dtd_is_never_fetched(tmp_path: Path, no_network: None) -> None:
    dtd = tmp_path / "secret.dtd"
    dtd.write_text('<!ENTITY secret "leaked-from-dtd">', "utf-8")
    data = load("external_dtd_entity.xml").replace(b"EXTERNAL_DTD_URL", dtd.as_uri().encode())
    with pytest.raises(UnsafeXml) as caught:
        parse_file(SourceFile("dtd.xml", data))
    assert "leaked-from-dtd" not in str(caught.value.as_dict())


def test_doctype_naming_a_remote_dtd_parses_without_fetching_it(no_network: None) -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE nitf SYSTEM "http://www.iptc.org/std/NITF/3.6/nitf-3-6.dtd">\n'
        b"<nitf><body><body.head><hedline><hl1>Safe</hl1></hedline></body.head>"
        b"<body.content><p>Plain text &amp; a standard entity.</p></body.content></body></nitf>"
    )
    [article] = parse_file(SourceFile("safe.xml", data))
    assert article.body == "Plain text & a standard entity."


def test_parse_xml_keeps_character_references() -> None:
    document = parse_xml(b"<nitf><p>Gr&#252;&#223;e</p></nitf>")
    assert "".join(document.root.itertext()) == "Grüße"
