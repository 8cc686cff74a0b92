"""Progress of a long replay: done of total, rate and ETA, as a log record and a line for the terminal."""

from __future__ import annotations

import time
from collections.abc import Callable

from newsingest.log import get_logger

log = get_logger(__name__)


def duration(seconds: float) -> str:
    """``1h02m``, ``4m05s``, ``12s``."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


class ProgressMeter:
    """Counts articles processed; every ``every_s`` (and at the end) reports rate and ETA to ``emit`` and the log.

    The rate is that of the whole run so far (enrichment speed is steady; a window would only add noise
    from batch boundaries)."""

    def __init__(self, total: int, emit: Callable[[str], None], *, what: str = "articles", every_s: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.emit = emit
        self.what = what
        self.every_s = every_s
        self.clock = clock
        self.done = 0
        self.failed = 0
        self.started = clock()
        self._last = self.started
        self._reported = -1

    def rate(self) -> float:
        elapsed = self.clock() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def eta_s(self) -> float | None:
        rate = self.rate()
        return (self.total - self.done) / rate if rate > 0 else None

    def line(self) -> str:
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        eta = self.eta_s()
        failed = f", {self.failed} failed" if self.failed else ""
        return (f"reenrich {self.done}/{self.total} {self.what}{share}, {self.rate():.1f}/s, "
                f"ETA {duration(eta) if eta is not None else '?'}{failed}")

    def advance(self, done: int, failed: int = 0) -> None:
        """``done`` articles finished and ``failed`` given up (both count as processed)."""
        self.done += done + failed
        self.failed += failed
        now = self.clock()
        if now - self._last >= self.every_s or (self.done >= self.total and self._reported != self.done):
            self._last = now
            self.report()

    def finish(self) -> None:
        """The final figures, unless the last report already showed them."""
        if self._reported != self.done or self.done == 0:
            self.report()

    def report(self) -> None:
        self._reported = self.done
        eta = self.eta_s()
        log.info("reenrich progress", done=self.done, total=self.total, failed=self.failed,
                 rate_per_s=round(self.rate(), 2), eta_s=round(eta, 1) if eta is not None else None)
        self.emit(self.line())
