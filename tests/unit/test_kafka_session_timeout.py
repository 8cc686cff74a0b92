"""``kafka_session_timeout_s``: how long a killed worker's partitions wait before they move to another member."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from newsingest.app import create_app
from newsingest.config import Settings
from newsingest.index.indexer import indexer_consumer
from newsingest.runtime.supervisor import Supervisor


async def test_the_enrich_group_and_the_indexer_use_the_session_timeout() -> None:
    settings = Settings(kafka_session_timeout_s=12.0)
    app = create_app(settings, Supervisor("test", arm_exit=False), enrich=False, index=False, web=False)
    assert app.conf.broker_session_timeout == 12.0
    assert app.conf.broker_heartbeat_interval == 3.0  # well under a third of the timeout
    consumer = indexer_consumer(settings)
    assert consumer._session_timeout_ms == 12_000


async def test_the_default_keeps_faust_s_60_s_and_the_indexer_s_30_s() -> None:
    settings = Settings()
    app = create_app(settings, Supervisor("test", arm_exit=False), enrich=False, index=False, web=False)
    assert app.conf.broker_session_timeout == 60.0
    assert indexer_consumer(settings)._session_timeout_ms == 30_000


def test_kafka_refuses_a_session_timeout_under_its_6_s_minimum() -> None:
    with pytest.raises(ValidationError):
        Settings(kafka_session_timeout_s=2.0)
