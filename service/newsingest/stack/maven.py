"""Fetching the local stack's artifacts from Maven Central with the machine's ``mvn``.

Maven checks each artifact's published checksum (``--strict-checksums``); the stack then records the SHA-256 of
what it unpacked in a manifest and re-verifies it on every ``stack up``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from newsingest.resources import package_dir
from newsingest.stack.process import StackError, tail

#: poms, configuration templates and the analysis plugin's sources, packaged in ``newsingest/stack/resources/``
STACK_RESOURCES = package_dir("newsingest.stack", "resources")


def run_maven(pom: Path, goals: Iterable[str], *, properties: Mapping[str, str], log_file: Path) -> None:
    """Run ``mvn`` on a pom with ``-D`` properties; on failure raise with the log's tail."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError("Maven (mvn) is not installed; `apt-get install maven` or install it by hand")
    if not pom.exists():
        raise StackError(f"{pom} is missing from the installed package; reinstall newsingest")
    argv = [mvn, "-B", "--strict-checksums", "-f", str(pom), *goals]
    argv += [f"-D{k}={v}" for k, v in properties.items()]
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "w") as log:
        result = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        raise StackError(f"Maven failed ({' '.join(goals)}); read {log_file}\n{tail(log_file, 25)}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(files: Iterable[Path], manifest: Path) -> None:
    """Record the SHA-256 of each fetched file, relative to the manifest's folder."""
    base = manifest.parent
    entries = {str(p.relative_to(base)): sha256_file(p) for p in sorted(files)}
    manifest.write_text(json.dumps(entries, indent=1, sort_keys=True))


def verify_manifest(manifest: Path) -> list[str]:
    """Names of files that are missing or whose checksum changed since they were fetched."""
    if not manifest.exists():
        return ["<manifest missing>"]
    base = manifest.parent
    bad = []
    for name, digest in json.loads(manifest.read_text()).items():
        path = base / name
        if not path.exists() or sha256_file(path) != digest:
            bad.append(name)
    return bad
