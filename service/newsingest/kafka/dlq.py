"""Dead letters: a message that cannot be decoded, enriched or indexed goes to ``news.dlq`` with the reason."""

from __future__ import annotations

import base64

from newsingest.metrics import DEAD_LETTERS
from newsingest.models import DeadLetter, Stage


def dead_letter(
    *,
    stage: Stage,
    error: BaseException | str,
    payload: bytes | None,
    key: bytes | None = None,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    article_id: str | None = None,
) -> DeadLetter:
    if isinstance(error, BaseException):
        error_type, message = type(error).__name__, str(error)
    else:
        error_type, message = "Error", error
    DEAD_LETTERS.labels(stage.value).inc()
    return DeadLetter(
        stage=stage,
        error_type=error_type,
        error_message=message[:4000],
        article_id=article_id,
        source_topic=topic,
        source_partition=partition,
        source_offset=offset,
        key=key.decode("utf-8", "replace") if key is not None else None,
        payload_base64=base64.b64encode(payload or b"").decode("ascii"),
    )
