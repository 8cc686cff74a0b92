"""newsingest: streaming news ingest (watched folder -> Kafka -> Faust enrichment -> Elasticsearch)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsingest")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
