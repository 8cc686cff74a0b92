"""The local stack (``newsingest stack``): ports, versions, heaps of Kafka, Elasticsearch and CoreNLP."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, field_validator


class StackSettings(BaseModel):
    """The local stack (``newsingest stack``) settings (environment: ``NEWSINGEST_<NAME>``)."""

    stack_dir: Path = Field(
        default=Path(".stack"),
        description="downloads, data and logs of the local stack; a relative path is taken from the working"
        " directory the command starts in (`make run` and `make test`: the checkout)",
    )
    stack_host: str = Field(default="127.0.0.1", description="address the local stack binds to")
    stack_kafka_port: int = Field(default=9092, description="local stack: Kafka broker port")
    stack_kafka_controller_port: int = Field(default=9093, description="local stack: KRaft controller port")
    stack_es_port: int = Field(default=9200, description="local stack: Elasticsearch HTTP port")
    stack_es_transport_port: int = Field(default=9300, description="local stack: Elasticsearch transport port")
    stack_kafka_version: str = Field(default="4.3.1", description="local stack: Kafka version (from Maven Central)")
    stack_es_version: str = Field(
        default="9.3.2", description="local stack: Elasticsearch version (from Maven Central)"
    )
    stack_kafka_heap: str = Field(default="512m", description="local stack: Kafka JVM heap")
    stack_es_heap: str = Field(default="1g", description="local stack: Elasticsearch JVM heap")
    stack_start_timeout_s: float = Field(
        default=180.0, gt=0, description="local stack: how long `stack up` waits for each server to be healthy"
    )
    stack_java_home: Path | None = Field(
        default=None, description="JDK for Elasticsearch (>= 21). Unset: the newest JDK found on the machine."
    )
    stack_corenlp_port: int = Field(default=9000, description="local stack: CoreNLP server port")
    stack_corenlp_version: str = Field(
        default="4.5.10", description="local stack: Stanford CoreNLP version (from Maven Central)"
    )
    stack_corenlp_heap: str = Field(default="4g", description="local stack: CoreNLP JVM heap")
    stack_corenlp_threads: int = Field(default=2, ge=1, description="local stack: CoreNLP server threads")
    stack_es_user: str = Field(default="newsingest", description="unprivileged user for Elasticsearch under root")

    @field_validator("stack_dir")
    @classmethod
    def _absolute_stack_dir(cls, value: Path) -> Path:
        """Absolute once, when the settings are made: the servers run in folders of their own."""
        return value.expanduser().resolve()
