"""Finding a JDK of the right version on the machine (Kafka needs >= 17, Elasticsearch 9 needs >= 21)."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from newsingest.stack.process import StackError

_JVM_DIRS = (Path("/usr/lib/jvm"), Path("/opt/java"), Path("/usr/local/lib/jvm"))


@cache
def java_major(java_home: Path) -> int | None:
    java = java_home / "bin" / "java"
    if not java.exists():
        return None
    try:
        out = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=30, check=False
        ).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 and match.group(2) else major


def candidate_homes() -> list[Path]:
    homes: list[Path] = []
    for base in _JVM_DIRS:
        if base.is_dir():
            homes.extend(sorted(p for p in base.iterdir() if p.is_dir() and not p.is_symlink()))
    on_path = shutil.which("java")
    if on_path:
        homes.append(Path(on_path).resolve().parents[1])
    return homes


def find_java_home(min_major: int, preferred: Path | None = None) -> Path:
    """The configured JDK if it is new enough, else the newest JDK >= ``min_major`` on the machine."""
    if preferred is not None:
        major = java_major(preferred)
        if major is None or major < min_major:
            raise StackError(f"configured JDK {preferred} is Java {major}; need >= {min_major}")
        return preferred
    found = [(java_major(h), h) for h in candidate_homes()]
    usable = sorted(((m, h) for m, h in found if m is not None and m >= min_major), key=lambda t: -t[0])
    if not usable:
        seen = ", ".join(f"{h} (Java {m})" for m, h in found) or "none"
        raise StackError(
            f"no JDK >= {min_major} found (seen: {seen}); install one or set NEWSINGEST_STACK_JAVA_HOME"
        )
    return usable[0][1]
