"""Data files packaged with newsingest (``[tool.setuptools.package-data]`` in pyproject.toml), found through
``importlib.resources`` rather than the layout of a source checkout, so an installed package finds them too."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_dir(package: str, name: str) -> Path:
    """The folder ``name`` shipped inside ``package``, as a real directory (Maven, javac and the static file
    server need paths). Raises ``FileNotFoundError`` when the package was installed without it."""
    folder = files(package) / name
    if not isinstance(folder, Path) or not folder.is_dir():
        raise FileNotFoundError(f"{package}/{name} is not installed as a folder ({folder}); reinstall newsingest")
    return folder
