"""The shape of the code base (issue 14, "a house that is easy to read"): which package may import which, and
how long a module may get. Read from the sources (ast), so a violating import fails here even if nothing runs it."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

import newsingest
import newsingest_devtools

RUNTIME = Path(newsingest.__file__).parent
DEVTOOLS = Path(newsingest_devtools.__file__).parent
MAX_LINES = 400


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside functions; relative imports resolved."""
    package = _module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _sources(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def _violations(root: Path, importer: str, forbidden: str) -> list[str]:
    """``module -> import`` for each module under ``importer`` that imports something under ``forbidden``."""
    bad = []
    for path in _sources(root):
        name = _module_name(path, root)
        if name != importer and not name.startswith(importer + "."):
            continue
        hits = [i for i in sorted(_imports(path, root)) if i == forbidden or i.startswith(forbidden + ".")]
        bad += [f"{name} -> {i}" for i in hits]
    return bad


@pytest.mark.parametrize(
    ("importer", "forbidden"),
    [
        ("newsingest", "newsingest_devtools"),  # test and release tooling stays out of the runtime
        ("newsingest.enrich", "newsingest.ingest"),  # shared text helpers live in newsingest.text
        ("newsingest.ingest", "newsingest.enrich"),
        ("newsingest.text", "newsingest.ingest"),
        ("newsingest.text", "newsingest.enrich"),
    ],
)
def test_import_direction(importer: str, forbidden: str) -> None:
    assert _violations(RUNTIME, importer, forbidden) == []


def test_text_helpers_import_nothing_else_from_newsingest() -> None:
    bad = [v for v in _violations(RUNTIME, "newsingest.text", "newsingest") if "-> newsingest.text" not in v]
    assert bad == []


def test_the_checker_sees_imports_at_any_depth(tmp_path: Path) -> None:
    package = tmp_path / "newsingest" / "enrich"
    package.mkdir(parents=True)
    (package / "late.py").write_text("def f():\n    from ..ingest.formats import agencies\n    return agencies\n")
    (package / "top.py").write_text("import newsingest.ingest.watcher\n")
    root = tmp_path / "newsingest"
    assert _violations(root, "newsingest.enrich", "newsingest.ingest") == [
        "newsingest.enrich.late -> newsingest.ingest.formats",
        "newsingest.enrich.late -> newsingest.ingest.formats.agencies",
        "newsingest.enrich.top -> newsingest.ingest.watcher",
    ]


def test_no_module_over_400_lines() -> None:
    long = {
        str(path.relative_to(root.parent)): lines
        for root in (RUNTIME, DEVTOOLS)
        for path in _sources(root)
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, "split these by job"


def test_the_runtime_package_never_reads_the_checkout_layout() -> None:
    offenders = [
        f"{path.relative_to(RUNTIME)}:{number}"
        for path in RUNTIME.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "__file__" in line or "PROJECT_ROOT" in line
    ]
    assert offenders == [], "use importlib.resources (newsingest.resources) for data shipped in the package"


def test_package_data_in_pyproject_matches_the_data_files_that_exist() -> None:
    pyproject = tomllib.loads((RUNTIME.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["newsingest"]
    data_files = {
        path for path in RUNTIME.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    matched = {pattern: {path for path in RUNTIME.glob(pattern) if path.is_file()} for pattern in patterns}
    assert [pattern for pattern, paths in matched.items() if not paths] == [], "a pattern that matches nothing"
    unshipped = data_files - set().union(*matched.values())
    assert sorted(str(path.relative_to(RUNTIME)) for path in unshipped) == [], "add them to package-data"
