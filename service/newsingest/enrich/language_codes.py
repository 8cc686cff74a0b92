"""Language codes of the two detectors, the groups of languages they confuse, and the default second-opinion set.

Codes are ISO 639-1 where one exists, otherwise ISO 639-3. Norwegian is always told apart: ``nb`` (Bokmål) or
``nn`` (Nynorsk), never the macro-language ``no`` (fastText's ``no`` is trained on Bokmål text; a file that
declares ``no`` is compatible with both).
"""

from __future__ import annotations

from functools import cache

#: fastText lid.176 labels that are not the code we publish (Wikipedia codes, a deprecated macro-language).
FASTTEXT_LABELS: dict[str, str] = {
    "no": "nb",  # lid.176's "no" is the Bokmål Wikipedia
    "als": "gsw",  # Alemannic Wikipedia; ISO 639-3 "als" is Tosk Albanian
    "sh": "hr",  # Serbo-Croatian: resolved within the hr/bs/sr group by the second opinion
}

#: Languages that are written so alike that fastText's answer is only a group; the second detector decides
#: within the group (with lexical markers where lingua itself is weak, and the file's declaration as a prior).
CONFUSABLE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"hr", "bs", "sr"}),
    frozenset({"sl", "hr"}),
    frozenset({"ms", "id"}),
    frozenset({"nb", "nn", "da"}),
    frozenset({"cs", "sk"}),
    frozenset({"nl", "af"}),
    # lid.176 knows few African languages and confuses them with the ones it lacks
    frozenset({"sw", "so", "yo", "lg", "sn", "st", "tn", "ts", "xh", "zu"}),
)

#: The 75 languages of lingua-language-detector (all of them have an ISO 639-1 code).
LINGUA_LANGUAGES: tuple[str, ...] = (
    "af", "ar", "az", "be", "bg", "bn", "bs", "ca", "cs", "cy", "da", "de", "el", "en", "eo", "es", "et", "eu",
    "fa", "fi", "fr", "ga", "gu", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "ka", "kk", "ko", "la",
    "lg", "lt", "lv", "mi", "mk", "mn", "mr", "ms", "nb", "nl", "nn", "pa", "pl", "pt", "ro", "ru", "sk", "sl",
    "sn", "so", "sq", "sr", "st", "sv", "sw", "ta", "te", "th", "tl", "tn", "tr", "ts", "uk", "ur", "vi", "xh",
    "yo", "zh", "zu",
)  # fmt: skip

#: Languages lid.176 has no label for: fastText can only ever be unsure about them.
UNKNOWN_TO_FASTTEXT: frozenset[str] = frozenset({"lg", "mi", "sn", "st", "tn", "ts", "xh", "zu"})

#: A declared language that is compatible with several detected ones.
DECLARED_FAMILIES: dict[str, frozenset[str]] = {"no": frozenset({"nb", "nn"}), "sh": frozenset({"hr", "bs", "sr"})}


def from_fasttext(label: str) -> str:
    return FASTTEXT_LABELS.get(label, label)


@cache
def group_of(code: str) -> frozenset[str]:
    """Every language confusable with ``code`` (itself included); just ``{code}`` when it is in no group."""
    members = {code}
    for group in CONFUSABLE_GROUPS:
        if code in group:
            members |= group
    return frozenset(members)


def compatible(declared: str, detected: str) -> bool:
    """True when a file declaring ``declared`` agrees with text detected as ``detected``."""
    return declared == detected or detected in DECLARED_FAMILIES.get(declared, frozenset())
