"""Applying the index template and creating the first versioned index behind the read and write aliases."""

from __future__ import annotations

import re
from typing import Any

from elasticsearch import AsyncElasticsearch, BadRequestError

from newsingest.config import Settings
from newsingest.index.template import TEMPLATE_VERSION, index_template, mappings, refresh_interval, template_name
from newsingest.log import get_logger

log = get_logger(__name__)


def versioned_index(settings: Settings, version: int) -> str:
    return f"{settings.index_prefix}-v{version}"


def index_version(settings: Settings, index: str) -> int | None:
    """N of ``<prefix>-v<N>``, None for any other name."""
    match = re.fullmatch(re.escape(settings.index_prefix) + r"-v(\d+)", index)
    return int(match.group(1)) if match else None


async def put_template(es: AsyncElasticsearch, settings: Settings) -> None:
    await es.indices.put_index_template(name=template_name(settings), **index_template(settings))


async def alias_indices(es: AsyncElasticsearch, alias: str) -> list[str]:
    """The indices ``alias`` points to (empty if it does not exist)."""
    if not await es.indices.exists_alias(name=alias):
        return []
    return sorted((await es.indices.get_alias(name=alias)).body)


async def existing_versions(es: AsyncElasticsearch, settings: Settings) -> list[int]:
    """Versions N of the existing ``<prefix>-v<N>`` indices, ascending."""
    found: dict[str, Any] = (await es.indices.get(index=f"{settings.index_prefix}-v*", allow_no_indices=True)).body
    return sorted(v for name in found if (v := index_version(settings, name)) is not None)


def _lacks(present: dict[str, Any] | None, spec: dict[str, Any]) -> bool:
    """True when the index lacks the field, or an object field lacks one of its sub-fields (put as a whole:
    Elasticsearch merges the object's properties, so the existing ones stay as they are)."""
    if present is None:
        return True
    wanted = spec.get("properties")
    return bool(wanted) and not set(wanted) <= set(present.get("properties", {}))


async def add_new_fields(es: AsyncElasticsearch, index: str) -> list[str]:
    """Add the fields that the current template has and ``index`` (built from an older one) lacks.

    Only additions are possible in place, so that new documents are not rejected by the strict mapping until
    ``newsingest reindex`` builds a version with the whole current mapping. Returns the fields added.
    """
    mapping = (await es.indices.get_mapping(index=index)).body[index]["mappings"]
    present = mapping.get("properties", {})
    missing = {name: spec for name, spec in mappings()["properties"].items() if _lacks(present.get(name), spec)}
    if missing:
        await es.indices.put_mapping(index=index, properties=missing)
    built_with = mapping.get("_meta", {}).get("template_version")
    if built_with != TEMPLATE_VERSION:
        log.warning("index built with an older template; run `newsingest reindex` for the current mapping",
                    index=index, index_template_version=built_with, template_version=TEMPLATE_VERSION,
                    fields_added=sorted(missing))
    return sorted(missing)


async def apply_refresh_interval(es: AsyncElasticsearch, index: str, settings: Settings) -> bool:
    """Give the write index the configured refresh interval (a dynamic setting: the template reaches only new
    indices). Returns True when it changed."""
    wanted = refresh_interval(settings)
    current = (await es.indices.get_settings(index=index, name="index.refresh_interval")).body
    found = current.get(index, {}).get("settings", {}).get("index", {}).get("refresh_interval")
    if found == wanted:
        return False
    await es.indices.put_settings(index=index, settings={"index": {"refresh_interval": wanted}})
    log.info("refresh interval applied", index=index, refresh_interval=wanted, was=found)
    return True


async def ensure_index(es: AsyncElasticsearch, settings: Settings) -> str:
    """Put the template; create ``<prefix>-v1`` with both aliases unless the write alias exists.

    Returns the index the write alias points to.
    """
    await put_template(es, settings)
    if await es.indices.exists_alias(name=settings.write_alias):
        aliases = await es.indices.get_alias(name=settings.write_alias)
        index = next(iter(aliases.body))
        await add_new_fields(es, index)
        await apply_refresh_interval(es, index, settings)
        return index
    index = versioned_index(settings, 1)
    try:
        await es.indices.create(
            index=index,
            aliases={settings.read_alias: {}, settings.write_alias: {"is_write_index": True}},
        )
        log.info("index created", index=index, read_alias=settings.read_alias, write_alias=settings.write_alias)
    except BadRequestError as exc:
        if exc.error != "resource_already_exists_exception":
            raise
    return index
