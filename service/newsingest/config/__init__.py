"""All settings of newsingest in one frozen pydantic-settings object, defined in groups.

Every field can be set from the environment with the prefix ``NEWSINGEST_`` (for example
``NEWSINGEST_KAFKA_BOOTSTRAP_SERVERS``). Nothing else in the package reads the environment: the
settings object is created once by the command line and handed to every part that needs it.

Each group (kafka, elasticsearch, watcher, enrich, alerts, search, operations, stack) is a model of its own in
this package; :class:`Settings` is all of them at once, so the names stay flat (``settings.topic_raw``,
``NEWSINGEST_TOPIC_RAW``) while the code and the reference (docs/configuration.md) are grouped.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, computed_field
from pydantic_settings import BaseSettings, SettingsConfigDict

from newsingest.config.alerts import AlertSettings
from newsingest.config.elasticsearch import ElasticsearchSettings
from newsingest.config.enrich import EnrichSettings
from newsingest.config.kafka import KafkaSettings
from newsingest.config.operations import OperationsSettings
from newsingest.config.search import SearchSettings
from newsingest.config.stack import StackSettings
from newsingest.config.watcher import WatcherSettings

#: (group name, its model), in the order of docs/configuration.md and ``newsingest settings``
GROUPS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("kafka", KafkaSettings),
    ("elasticsearch", ElasticsearchSettings),
    ("watcher", WatcherSettings),
    ("enrich", EnrichSettings),
    ("alerts", AlertSettings),
    ("search", SearchSettings),
    ("operations", OperationsSettings),
    ("stack", StackSettings),
)


class Settings(
    KafkaSettings,
    ElasticsearchSettings,
    WatcherSettings,
    EnrichSettings,
    AlertSettings,
    SearchSettings,
    OperationsSettings,
    StackSettings,
    BaseSettings,
):
    model_config = SettingsConfigDict(env_prefix="NEWSINGEST_", frozen=True, extra="ignore")

    # --- derived -------------------------------------------------------------------------------
    @computed_field  # type: ignore[prop-decorator]
    @property
    def kafka_servers(self) -> str:
        return self.kafka_bootstrap_servers or f"{self.stack_host}:{self.stack_kafka_port}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def es_url(self) -> str:
        return self.elasticsearch_url or f"http://{self.stack_host}:{self.stack_es_port}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def corenlp_server(self) -> str:
        return self.corenlp_url or f"http://{self.stack_host}:{self.stack_corenlp_port}"

    @property
    def corenlp_is_local(self) -> bool:
        return self.corenlp_url is None

    @property
    def kafka_is_local(self) -> bool:
        """True when the broker is the one ``newsingest stack`` manages."""
        return self.kafka_bootstrap_servers is None

    @property
    def elasticsearch_is_local(self) -> bool:
        return self.elasticsearch_url is None

    @property
    def processed_path(self) -> Path:
        return self.processed_dir or self.inbox_dir.resolve().parent / "processed"

    @property
    def failed_path(self) -> Path:
        return self.failed_dir or self.inbox_dir.resolve().parent / "failed"

    def group(self, name: str) -> dict[str, object]:
        """The values of one group (see :data:`GROUPS`), by setting name."""
        model = dict(GROUPS)[name]
        return {field: getattr(self, field) for field in model.model_fields}


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (command-line flags) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


__all__ = ["GROUPS", "Settings", "load_settings"]
