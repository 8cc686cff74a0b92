"""Test-only fault injection (``NEWSINGEST_TEST_FAULT``): make one part raise from inside after N items.

Used by the crash drill to prove that a part dying takes the process down (crash-only). The setting is empty in
production, and then nothing here does anything. Syntax: ``<part>:after=<N>``, several separated by ``;``.

- ``enrich``: the enrich agent raises after it delivered its N-th article (inside the agent's work);
- ``indexer``: the indexer raises after a batch that brought its count of indexed messages to N or more
  (inside its consumer loop, after the batch was committed);
- ``watcher``: the watcher part raises once the producer has had N articles acknowledged;
- ``stories-tail``: the story-state tail task raises on its N-th poll of the topic;
- ``parser``: a parser process of streamed files dies (``os._exit``) whenever it parses the item of index N of a
  file, so the batch kills its parser twice and the file goes to failed/ (``parser_crashed``).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

PARTS = ("watcher", "enrich", "indexer", "stories-tail", "parser")
_SPEC = re.compile(r"\s*(?P<part>[a-z-]+)\s*:\s*after\s*=\s*(?P<after>\d+)\s*")


class InjectedFault(RuntimeError):
    """The failure a test asked for; never raised unless NEWSINGEST_TEST_FAULT names the part."""


@dataclass
class Fault:
    part: str
    after: int
    count: int = 0

    def tick(self, n: int = 1) -> None:
        """Count ``n`` items; raise :class:`InjectedFault` once ``after`` items were counted."""
        self.count += n
        if self.count >= self.after:
            raise self.error()

    def error(self) -> InjectedFault:
        return InjectedFault(f"test fault injected into {self.part} after {self.count} items "
                             f"(NEWSINGEST_TEST_FAULT={self.part}:after={self.after})")

    async def when_count_reaches(self, read_count: Callable[[], float], poll_s: float = 0.05) -> NoReturn:
        """Raise once ``read_count()`` reaches ``after`` (for parts whose inner loop swallows errors)."""
        while True:
            self.count = int(read_count())
            if self.count >= self.after:
                raise self.error()
            await asyncio.sleep(poll_s)



def parse_faults(spec: str) -> dict[str, Fault]:
    """``"indexer:after=20; enrich:after=3"`` -> faults by part; ``""`` -> none. Raises ValueError if malformed."""
    faults: dict[str, Fault] = {}
    for item in filter(str.strip, spec.split(";")):
        match = _SPEC.fullmatch(item)
        if match is None or match["part"] not in PARTS:
            raise ValueError(f"NEWSINGEST_TEST_FAULT: cannot parse {item.strip()!r}; expected <part>:after=<N> "
                             f"with part one of {', '.join(PARTS)}")
        faults[match["part"]] = Fault(match["part"], int(match["after"]))
    return faults
