"""Named-entity recognition: one small interface (:mod:`.base`), engines behind it, a factory."""

from newsingest.enrich.ner.base import EntityType, NerEngine, NullEngine, RawMention

__all__ = ["EntityType", "NerEngine", "NullEngine", "RawMention", "build_engine"]


def __getattr__(name: str) -> object:
    # build_engine is imported lazily so that importing the interface never pulls in an HTTP client.
    if name == "build_engine":
        from newsingest.enrich.ner.factory import build_engine

        return build_engine
    raise AttributeError(name)
