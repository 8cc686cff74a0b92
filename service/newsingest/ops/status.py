"""``newsingest status``: one report of the inbox, the stages and the last failures (CLI, web page, JSON)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from pydantic import BaseModel

from newsingest.config import Settings
from newsingest.models import utcnow
from newsingest.ops.inbox import (
    FailedWindow,
    InFlight,
    Window,
    count_waiting,
    failed_files,
    failed_recently,
    in_flight,
    processed_recently,
)
from newsingest.ops.stages import DeadLetterInfo, StageStatus, collect_stages

KAFKA_TIMEOUT_S = 20.0


class Failure(BaseModel):
    at: datetime | None
    file: str | None
    stage: str
    reason: str
    where: str  # "failed/" (a whole file) or "news.dlq" (one article)


class InboxStatus(BaseModel):
    waiting: int
    waiting_truncated: bool
    in_flight: list[InFlight]
    processed: Window
    processed_truncated: bool
    failed: FailedWindow
    failed_total: int


class StatusReport(BaseModel):
    generated_at: datetime
    inbox: InboxStatus
    stages: list[StageStatus]
    last_failures: list[Failure]
    errors: list[str]  # what could not be collected (Kafka unreachable, ...)


def inbox_status(settings: Settings, now: datetime) -> tuple[InboxStatus, list[Failure]]:
    waiting, waiting_truncated = count_waiting(settings.inbox_dir)
    processed, processed_truncated = processed_recently(settings.processed_path, now)
    records, _ = failed_files(settings.failed_path)
    failures = [Failure(at=r.failed_at, file=r.file, stage=r.stage, reason=f"[{r.code}] {r.reason}",
                        where="failed/") for r in records]
    status = InboxStatus(waiting=waiting, waiting_truncated=waiting_truncated, in_flight=in_flight(settings),
                         processed=processed, processed_truncated=processed_truncated,
                         failed=failed_recently(records, now), failed_total=len(records))
    return status, failures


def _from_letter(letter: DeadLetterInfo) -> Failure:
    return Failure(at=letter.at, file=letter.file or (f"article {letter.article_id}" if letter.article_id else None),
                   stage=letter.stage, reason=letter.reason, where="news.dlq")


async def collect(settings: Settings) -> StatusReport:
    now = utcnow()
    inbox, failures = await asyncio.to_thread(inbox_status, settings, now)
    errors: list[str] = []
    stages: list[StageStatus] = []
    try:
        stages, letters = await asyncio.wait_for(collect_stages(settings), timeout=KAFKA_TIMEOUT_S)
        failures.extend(_from_letter(letter) for letter in letters)
    except Exception as exc:
        errors.append(f"Kafka at {settings.kafka_servers} unreachable: {type(exc).__name__}: {exc}")
    failures.sort(key=lambda f: f.at.timestamp() if f.at else 0.0, reverse=True)
    return StatusReport(generated_at=now, inbox=inbox, stages=stages, last_failures=failures[:10], errors=errors)


def _duration(seconds: float | None, stalled: bool) -> str:
    if stalled:
        return "stalled"
    if seconds is None:
        return "-"
    return f"{seconds:.0f}s" if seconds < 120 else f"{seconds / 60:.1f}min"


def render_text(report: StatusReport) -> str:
    inbox = report.inbox
    plus = lambda truncated: "+" if truncated else ""  # noqa: E731
    lines = [
        f"inbox      waiting {inbox.waiting}{plus(inbox.waiting_truncated)}   in flight {len(inbox.in_flight)}",
        f"processed  last hour {inbox.processed.last_hour}{plus(inbox.processed_truncated)}   "
        f"last day {inbox.processed.last_day}{plus(inbox.processed_truncated)}",
        f"failed     last hour {inbox.failed.last_hour}   last day {inbox.failed.last_day}   "
        f"(in failed/: {inbox.failed_total})",
    ]
    lines += [f"           {reason}: {count}" for reason, count in sorted(inbox.failed.by_reason_last_day.items())]
    for item in inbox.in_flight:
        lines.append(f"  in flight {item.file}: {item.articles_acked} articles, {item.progress:.0%} of {item.size} B")
    if report.stages:
        lines += ["", f"{'stage':<9}{'per min':>9}{'per s':>8}{'lag':>9}{'drain':>10}"]
        for s in report.stages:
            lag = "-" if s.lag is None else str(s.lag)
            drain = _duration(s.drain_s, s.stalled)
            lines.append(f"{s.stage:<9}{s.per_minute:>9}{s.per_second:>8.1f}{lag:>9}{drain:>10}")
    lines += ["", "last failures:" if report.last_failures else "last failures: none"]
    for f in report.last_failures:
        at = f.at.strftime("%Y-%m-%d %H:%M:%S") if f.at else "?"
        lines.append(f"  {at}  {f.where:<8} {f.stage:<7} {f.file or '-'}: {f.reason}")
    lines += [f"error: {e}" for e in report.errors]
    return "\n".join(lines)
