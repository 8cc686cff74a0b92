"""``newsingest parse FILE... [--json]``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsingest.cli.parse import parse
from newsingest.models import RawArticle

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats"


def test_summary_of_a_good_file() -> None:
    result = CliRunner().invoke(parse, [str(FIXTURES / "text" / "sample_reuters_de.txt")])
    assert result.exit_code == 0, result.output
    assert "Nordkoreas Kim besucht Russland zu Gesprächen mit Putin" in result.stdout
    assert "Soo-hyang Choi, Ju-min Park" in result.stdout
    assert "Seoul, Moskau" in result.stdout
    assert "Reuters" in result.stdout


def test_json_output_is_one_raw_article_per_line() -> None:
    files = [
        str(FIXTURES / "text" / "sample_no_headline_de.txt"),
        str(FIXTURES / "json" / "newsapi_wrapper.json"),
    ]
    result = CliRunner().invoke(parse, [*files, "--json"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    articles = [RawArticle.model_validate(json.loads(line)) for line in lines]
    assert len(articles) == 3
    assert articles[0].title_derived
    assert articles[0].published_precision == "month"


def test_failed_file_exits_1_with_the_typed_reason() -> None:
    result = CliRunner().invoke(
        parse,
        [str(FIXTURES / "text" / "english_no_metadata.txt"), str(FIXTURES / "unsupported" / "photo.png")],
    )
    assert result.exit_code == 1
    assert "Heavy rain floods streets" in result.stdout
    assert "[unsupported_format] unsupported format" in result.output
    assert "PNG image" in result.output


def test_json_mode_reports_bad_lines_on_stderr() -> None:
    result = CliRunner().invoke(parse, ["--json", str(FIXTURES / "jsonl" / "articles.jsonl")])
    assert result.exit_code == 1
    assert len(result.stdout.strip().splitlines()) == 3
    errors = [json.loads(line) for line in result.stderr.strip().splitlines()]
    assert [e["error"]["line"] for e in errors] == [2, 4]


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(parse, [str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
