"""``newsingest stack up|down|status``: the local Kafka and Elasticsearch as one unit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from newsingest.config import Settings


class StackComponent(Protocol):
    name: str

    def start(self) -> None: ...

    def stop(self) -> bool: ...

    def status(self) -> dict[str, object]: ...


def local_components(settings: Settings, progress: Callable[[str], None] = print) -> list[StackComponent]:
    """The components this machine must run itself: those whose URL is not configured as external."""
    from newsingest.stack.elasticsearch import ElasticsearchStack
    from newsingest.stack.kafka import KafkaStack

    components: list[StackComponent] = []
    if settings.kafka_is_local:
        components.append(KafkaStack(settings, progress))
    else:
        progress(f"kafka: external cluster configured ({settings.kafka_servers}); not managed here")
    if settings.elasticsearch_is_local:
        components.append(ElasticsearchStack(settings, progress))
    else:
        progress(f"elasticsearch: external cluster configured ({settings.es_url}); not managed here")
    if settings.ner_enabled and settings.corenlp_is_local:
        from newsingest.stack.corenlp import CoreNLPStack

        components.append(CoreNLPStack(settings, progress))
    elif settings.ner_enabled:
        progress(f"corenlp: external server configured ({settings.corenlp_server}); not managed here")
    return components


def stack_up(settings: Settings, progress: Callable[[str], None] = print) -> None:
    for component in local_components(settings, progress):
        component.start()


def stack_down(settings: Settings, progress: Callable[[str], None] = print) -> None:
    for component in reversed(local_components(settings, progress)):
        if not component.stop():
            progress(f"{component.name}: not running")


def stack_status(settings: Settings, progress: Callable[[str], None] = print) -> dict[str, dict[str, object]]:
    return {c.name: c.status() for c in local_components(settings, progress)}
