"""``python -m newsingest_devtools``: the same as ``newsingest-dev``."""

from newsingest_devtools.cli import main

main()
