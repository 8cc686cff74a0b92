"""The shipped sample through the real enrichment (CoreNLP of the local stack): skipped when it is not running."""

from __future__ import annotations

import asyncio
import re
import urllib.request
from pathlib import Path

import pytest

from newsingest.cli.enrich import enrich_all, read_articles
from newsingest.config import Settings
from newsingest.models import EnrichedArticle

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "000_c1b6d55de1f28ec5.txt"
ADJECTIVE = re.compile(r"(?:isch|ische|ischen|ischer|ischem|isches)$", re.IGNORECASE)


def _corenlp_up(settings: Settings) -> bool:
    url = settings.corenlp_url or f"http://127.0.0.1:{settings.stack_corenlp_port}"
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/ready", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def enriched() -> EnrichedArticle:
    settings = Settings()
    if not SAMPLE.exists() or not _corenlp_up(settings):
        pytest.skip("needs ../shared/samples and the local CoreNLP server")
    articles = read_articles(SAMPLE.name, SAMPLE.read_bytes(), lines=False)
    return asyncio.run(enrich_all(settings, articles))[0]


def test_sample_shows_putin_and_the_places(enriched: EnrichedArticle) -> None:
    names = {e.name for e in enriched.entities}
    assert {"Wladimir Putin", "Wladiwostok", "Nordkorea"} <= names


def test_sample_has_no_adjective_as_entity(enriched: EnrichedArticle) -> None:
    names = {e.name for e in enriched.entities}
    assert not [n for n in names if ADJECTIVE.search(n.split()[0])]


def test_sample_shows_kim_jong_un_as_one_person(enriched: EnrichedArticle) -> None:
    persons = {e.name for e in enriched.entities if e.type.value == "PER" or e.type.name == "PERSON"}
    assert "Kim Jong Un" in persons
    assert not {"Kim", "Kim Jong"} & persons


def test_sample_shows_the_nominative_of_the_united_states(enriched: EnrichedArticle) -> None:
    names = {e.name for e in enriched.entities}
    assert "Vereinigte Staaten" in names
    assert "Vereinigten Staaten" not in names


def test_sample_shows_the_kreml_as_an_organisation(enriched: EnrichedArticle) -> None:
    """CoreNLP leaves "sagte der Kreml" untagged; the seats of power (enrich/seats.py) add it."""
    organisations = {e.name for e in enriched.entities if e.type.value == "ORG"}
    assert "Kreml" in organisations
