"""The Elasticsearch client, built from settings (URL, credentials)."""

from __future__ import annotations

from typing import Any

from elasticsearch import AsyncElasticsearch, Elasticsearch
from elasticsearch.serializer import OrjsonSerializer

from newsingest.config import Settings


def _client_kwargs(settings: Settings, request_timeout: float) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "hosts": [settings.es_url],
        "request_timeout": request_timeout,
        "max_retries": 0,  # the writer retries with backoff itself and knows which items to retry
        "retry_on_timeout": False,
        "verify_certs": settings.elasticsearch_verify_certs,
        "serializer": OrjsonSerializer(),  # JSON answers (bulk responses are large) decoded with orjson
    }
    if settings.elasticsearch_api_key is not None:
        kwargs["api_key"] = settings.elasticsearch_api_key.get_secret_value()
    elif settings.elasticsearch_username is not None:
        password = settings.elasticsearch_password.get_secret_value() if settings.elasticsearch_password else ""
        kwargs["basic_auth"] = (settings.elasticsearch_username, password)
    return kwargs


def async_client(settings: Settings, request_timeout: float = 30.0) -> AsyncElasticsearch:
    return AsyncElasticsearch(**_client_kwargs(settings, request_timeout))


def sync_client(settings: Settings, request_timeout: float = 30.0) -> Elasticsearch:
    return Elasticsearch(**_client_kwargs(settings, request_timeout))
