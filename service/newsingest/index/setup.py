"""Applying the index template and creating the first versioned index behind the read and write aliases."""

from __future__ import annotations

from elasticsearch import AsyncElasticsearch, BadRequestError

from newsingest.config import Settings
from newsingest.index.template import index_template, template_name
from newsingest.log import get_logger

log = get_logger(__name__)


def versioned_index(settings: Settings, version: int) -> str:
    return f"{settings.index_prefix}-v{version}"


async def ensure_index(es: AsyncElasticsearch, settings: Settings) -> str:
    """Put the template; create ``<prefix>-v1`` with both aliases unless the write alias exists.

    Returns the index the write alias points to.
    """
    await es.indices.put_index_template(name=template_name(settings), **index_template(settings))
    if await es.indices.exists_alias(name=settings.write_alias):
        aliases = await es.indices.get_alias(name=settings.write_alias)
        return next(iter(aliases.body))
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
