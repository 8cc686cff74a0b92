"""A second, independent language test set: the translations of this machine's programs (gettext catalogues).

    .venv/bin/python bench/language_gettext.py /tmp/lang-gettext [--locale-dir /usr/share/locale]
    .venv/bin/python bench/language_eval.py --set /tmp/lang-gettext --no-rss

The catalogues under /usr/share/locale (GTK, GLib, apt, dpkg, PAM, ... as installed by Debian packages) are
translated by people, per language, independently of the UDHR; their licences (GPL/LGPL) allow reading them,
and the set is built at run time into a folder of your choice: it is never committed and nothing is trained on
it. Each translated message (``msgstr`` that differs from its English ``msgid``, without format placeholders,
markup and accelerators, at least ``MIN_WORDS`` words) is a sentence; consecutive messages of one catalogue
are joined into pieces of ``PIECE_CHARS`` characters or more, one piece per line (``newsingest enrich --lines``).
ISO code lists (iso_*) are left out: they are names, not text. ``sr`` is Cyrillic, ``sr@latin`` is written to
``sr-Latn.txt`` (the expected answer is ``sr``, see ``expected_code`` in language_eval).
"""

from __future__ import annotations

import argparse
import gettext
import re
from pathlib import Path

MIN_WORDS = 4
PIECE_CHARS = 400
MAX_PIECES = 40
_PLACEHOLDER = re.compile(r"%[-#0 +']*\d*(?:\.\d+)?[hlLqjzt]*[a-zA-Z%]|\{[^}]*\}|<[^>]+>|\$\{?\w+\}?|\\[nt]")
_ACCEL = re.compile(r"[_&](?=\w)")
_WS = re.compile(r"\s+")
LOCALES: dict[str, str] = {"sr@latin": "sr-Latn"}
"""Locale folder -> file stem, where they differ (the file stem before "-" is the expected language)."""


def messages(path: Path) -> list[str]:
    """The cleaned translated messages of one .mo catalogue, in catalogue order."""
    with path.open("rb") as handle:
        try:
            catalogue = gettext.GNUTranslations(handle)._catalog  # the only way to list the messages
        except Exception:  # a malformed catalogue is skipped
            return []
    found: list[str] = []
    for key, value in catalogue.items():
        source = key[0] if isinstance(key, tuple) else key
        if not source or not isinstance(value, str) or value == source:
            continue
        text = _WS.sub(" ", _ACCEL.sub("", _PLACEHOLDER.sub(" ", value))).strip()
        if len(text.split()) >= MIN_WORDS and sum(char.isalpha() for char in text) * 2 > len(text):
            text = text.rstrip(":;,. ")
            found.append(text + ".")
    return found


def pieces(locale_dir: Path, max_pieces: int = MAX_PIECES) -> list[str]:
    """Article-sized pieces from the catalogues of one locale, taken round-robin across catalogues."""
    per_catalogue: list[list[str]] = []
    for path in sorted(locale_dir.glob("LC_MESSAGES/*.mo")):
        if path.name.startswith("iso"):
            continue
        found, current = [], ""
        for message in messages(path):
            current = f"{current} {message}".strip()
            if len(current) >= PIECE_CHARS:
                found.append(current)
                current = ""
        if found:
            per_catalogue.append(found)
    chosen: list[str] = []
    depth = 0
    while len(chosen) < max_pieces and any(depth < len(found) for found in per_catalogue):
        chosen.extend(found[depth] for found in per_catalogue if depth < len(found))
        depth += 1
    return chosen[:max_pieces]


def main() -> None:
    from newsingest.enrich.language_codes import LINGUA_LANGUAGES

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="folder to write <code>.txt into (not inside the repository)")
    parser.add_argument("--locale-dir", type=Path, default=Path("/usr/share/locale"))
    parser.add_argument("--max-pieces", type=int, default=MAX_PIECES)
    args = parser.parse_args()
    args.target.mkdir(parents=True, exist_ok=True)
    for folder in [*LINGUA_LANGUAGES, *LOCALES]:
        found = pieces(args.locale_dir / folder, args.max_pieces)
        if len(found) >= 3:
            stem = LOCALES.get(folder, folder)
            (args.target / f"{stem}.txt").write_text("\n".join(found) + "\n", encoding="utf-8")
            print(f"{stem}: {len(found)} pieces")


if __name__ == "__main__":
    main()
