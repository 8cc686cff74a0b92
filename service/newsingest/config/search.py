"""Search: the HTTP API and web page, facets, Kibana."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr


class SearchSettings(BaseModel):
    """Search settings (environment: ``NEWSINGEST_<NAME>``)."""

    api_host: str = Field(default="127.0.0.1", description="`newsingest serve` listens here")
    api_port: int = Field(default=8080, ge=1, le=65535, description="port of `newsingest serve` (search API and page)")
    api_key: SecretStr | None = Field(
        default=None, description="when set, /api/* needs it in the X-API-Key header (the page asks for it)"
    )
    search_facet_size: int = Field(default=10, ge=1, le=100, description="buckets per facet")
    search_timeout_s: float = Field(default=10.0, gt=0, description="time limit of one search request")
    kibana_url: str = Field(default="http://127.0.0.1:5601", description="`newsingest kibana import` target")

