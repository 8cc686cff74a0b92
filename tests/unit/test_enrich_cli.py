from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsingest.cli.enrich import enrich_cmd
from newsingest.config import Settings
from newsingest.enrich.ner import factory
from newsingest.enrich.ner.base import RawMention
from newsingest.models import EnrichedArticle
from tests.fixtures.enrich.fakes import ENGLISH_NAMES, GERMAN_SAMPLE_NAMES, DictionaryEngine


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factory, "build_engine", lambda settings: DictionaryEngine(
        {**GERMAN_SAMPLE_NAMES, **ENGLISH_NAMES}
    ))  # fmt: skip


@pytest.mark.usefixtures("fake_engine")
def test_summary_of_a_sample_file(samples_dir: Path) -> None:
    path = sorted(samples_dir.glob("*.txt"))[0]
    result = CliRunner().invoke(enrich_cmd, [str(path)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "language: de" in out
    assert "Wladimir Putin" in out
    assert "Kim Jong Un" in out
    assert "KCNA" in out
    assert "Wladiwostok -> Vladivostok, city [RU] 43.11,131.87" in out
    assert "countries: KP, KR, RU" in out
    assert "story: " in out


@pytest.mark.usefixtures("fake_engine")
def test_json_lines_from_stdin_one_article_per_line() -> None:
    text = (
        "Kim Jong Un trifft Wladimir Putin in Wladiwostok. Beide sprachen über Waffen.\n"
        "\n"
        "Russland und Nordkorea vertiefen ihre Zusammenarbeit, sagte der Kreml in Moskau.\n"
    )
    result = CliRunner().invoke(enrich_cmd, ["-", "--json", "--lines"], input=text)
    assert result.exit_code == 0, result.output
    articles = [EnrichedArticle.model_validate_json(line) for line in result.output.splitlines()]
    assert len(articles) == 2
    assert articles[0].title == "Kim Jong Un trifft Wladimir Putin in Wladiwostok"
    assert articles[0].title_derived
    assert {e.name for e in articles[0].entities} >= {"Kim Jong Un", "Wladimir Putin", "Wladiwostok"}
    assert articles[1].countries == ["KP", "RU"]
    assert json.loads(result.output.splitlines()[0])["story_id"]


def test_unreachable_ner_server_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from newsingest.enrich.ner.corenlp import CoreNLPEngine

    monkeypatch.setenv("NEWSINGEST_CORENLP_URL", "http://127.0.0.1:9")
    path = tmp_path / "a.txt"
    path.write_text("Kim besucht Putin\n\nDer nordkoreanische Staatschef Kim Jong Un reist nach Russland.")
    monkeypatch.setattr(factory, "build_engine", lambda settings: CoreNLPEngine(settings))
    result = CliRunner().invoke(enrich_cmd, [str(path)])
    assert result.exit_code == 2
    assert "http://127.0.0.1:9" in result.output
    assert "newsingest stack up" in result.output


def test_unreadable_input_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"   \n")
    result = CliRunner().invoke(enrich_cmd, [str(path)])
    assert result.exit_code == 1
    assert "cannot read" in result.output


@pytest.mark.usefixtures("fake_engine")
def test_settings_come_from_the_parent_group_when_registered() -> None:
    import click

    seen: list[Settings] = []

    @click.group()
    @click.pass_context
    def root(ctx: click.Context) -> None:
        ctx.obj = Settings(story_window_hours=1.0)

    root.add_command(enrich_cmd)

    original = factory.build_engine

    def spy(settings: Settings) -> DictionaryEngine:
        seen.append(settings)
        return original(settings)  # type: ignore[return-value]

    factory.build_engine = spy  # type: ignore[assignment]
    try:
        result = CliRunner().invoke(root, ["enrich", "-", "--lines"], input="Putin reist nach Moskau heute.\n")
    finally:
        factory.build_engine = original
    assert result.exit_code == 0, result.output
    assert seen
    assert seen[0].story_window_hours == 1.0
    assert RawMention  # the interface the fake implements
