"""``python -m newsingest.cli``: the same as the ``newsingest`` command."""

from newsingest.cli import main

main()
