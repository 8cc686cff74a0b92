from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from newsingest.config import Settings


def test_defaults_point_at_the_local_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("NEWSINGEST_KAFKA_BOOTSTRAP_SERVERS", "NEWSINGEST_ELASTICSEARCH_URL"):
        monkeypatch.delenv(key, raising=False)
    s = Settings()
    assert s.kafka_servers == "127.0.0.1:9092"
    assert s.es_url == "http://127.0.0.1:9200"
    assert s.kafka_is_local
    assert s.elasticsearch_is_local


def test_environment_prefix_and_external_clusters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSINGEST_KAFKA_BOOTSTRAP_SERVERS", "kafka:29092")
    monkeypatch.setenv("NEWSINGEST_ELASTICSEARCH_URL", "http://es:9200")
    monkeypatch.setenv("NEWSINGEST_TOPIC_RAW", "x.raw")
    monkeypatch.setenv("NEWSINGEST_STACK_KAFKA_PORT", "19092")
    s = Settings()
    assert s.kafka_servers == "kafka:29092"
    assert not s.kafka_is_local
    assert s.es_url == "http://es:9200"
    assert s.topic_raw == "x.raw"
    assert s.stack_kafka_port == 19092


def test_groups_hold_every_setting_once_under_its_flat_name() -> None:
    from newsingest.config import GROUPS

    names = [name for _, model in GROUPS for name in model.model_fields]
    assert sorted(names) == sorted(Settings.model_fields)
    assert len(names) == len(set(names))
    assert Settings(topic_raw="x.raw").group("kafka")["topic_raw"] == "x.raw"


def test_a_relative_stack_dir_is_made_absolute_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSINGEST_STACK_DIR", raising=False)
    assert Settings().stack_dir == tmp_path / ".stack"
    assert Settings(stack_dir="elsewhere").stack_dir == tmp_path / "elsewhere"


def test_processed_and_failed_default_beside_the_inbox(tmp_path: Path) -> None:
    s = Settings(inbox_dir=tmp_path / "in")
    assert s.processed_path == tmp_path / "processed"
    assert s.failed_path == tmp_path / "failed"


def test_settings_are_frozen_and_validated() -> None:
    s = Settings()
    with pytest.raises(ValidationError):
        s.topic_raw = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Settings(topic_partitions=0)


def test_every_setting_is_described_and_docs_configuration_is_current() -> None:
    from newsingest.cli.settings import markdown

    undescribed = [name for name, field in Settings.model_fields.items() if not field.description]
    assert undescribed == []
    docs = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
    assert docs.read_text(encoding="utf-8") == markdown(), "run: newsingest settings --markdown > docs/configuration.md"


def test_settings_command_prints_effective_values_with_secrets_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from newsingest.cli import cli

    monkeypatch.setenv("NEWSINGEST_ELASTICSEARCH_PASSWORD", "hunter2")
    monkeypatch.setenv("NEWSINGEST_TOPIC_PARTITIONS", "7")
    result = CliRunner().invoke(cli, ["settings"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["kafka"]["topic_partitions"] == 7
    assert shown["elasticsearch"]["elasticsearch_password"] == "**********"
    assert list(shown) == ["kafka", "elasticsearch", "watcher", "enrich", "alerts", "search", "operations", "stack"]
    assert "hunter2" not in result.output


def test_removing_a_namespace_refuses_settings_that_are_not_isolated() -> None:
    from newsingest_devtools.sandbox import remove_namespace

    with pytest.raises(ValueError, match="not an isolated namespace"):
        remove_namespace(Settings())
