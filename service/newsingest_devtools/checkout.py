"""The generated files committed in the source checkout, and where they live there.

The runtime package never reads the checkout's layout (an installed newsingest has no checkout); these files are
rendered from the code (the message models, the index template, the Kibana saved objects) and committed so that
users and other systems can read them. ``newsingest-dev generate`` rewrites them; ``newsingest-dev check`` and
the unit tests fail when one drifted from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from newsingest import schemas
from newsingest.index.template import render_template_file
from newsingest.web import kibana

CHECKOUT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = CHECKOUT / "schemas"
TEMPLATE_FILE = SCHEMA_DIR / "elasticsearch-template.json"
KIBANA_ASSETS_FILE = CHECKOUT / "deploy" / "kibana" / "newsingest.ndjson"


def generated_files() -> dict[Path, Callable[[], str]]:
    """Every generated file of the checkout and the function rendering its content."""
    files: dict[Path, Callable[[], str]] = {
        schemas.schema_path(name, SCHEMA_DIR): (lambda name=name: schemas.render(schemas.generate_schema(name)))
        for name in schemas.MESSAGE_MODELS
    }
    files[TEMPLATE_FILE] = render_template_file
    files[KIBANA_ASSETS_FILE] = kibana.render
    return files


def drifted() -> list[Path]:
    """Generated files whose committed content differs from what the code renders (or that are missing)."""
    return [path for path, render in generated_files().items()
            if not path.exists() or path.read_text(encoding="utf-8") != render()]


def write_all() -> list[Path]:
    written = []
    for path, render in generated_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(), encoding="utf-8")
        written.append(path)
    return written
