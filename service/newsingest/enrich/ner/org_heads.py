"""German organisation names from their head noun, on top of any engine (:class:`OrgHeadEngine`).

German names institutions with a common-noun head and a place: "Landgericht Köln", "Universität Łódź",
"Maximilianmuseum Augsburg", "Weingärtnergenossenschaft Metzingen-Neuhausen". The CRF model tags the place and
leaves the head, so the facet is a place where the article names an organisation. The head is recognised by
the last element of the compound (a closed set of institution nouns: "-gericht", "-universität", "-museum",
"-ministerium", ...) and the place must follow it directly, so a bare common noun ("das Verteidigungsministerium",
"der Verein"), which GermEval and an editor do not count as a name, is never tagged. Legal-form suffixes
("AG", "GmbH", "SE", "KG", "e.V.", "Inc.", "Ltd") make the mention they end an organisation.
"""

from __future__ import annotations

import re

from newsingest.enrich.ner.base import EngineWrapper, RawMention
from newsingest.models import EntityType

_HEAD = re.compile(
    r"(?:ministerium|gericht|gerichtshof|universität|hochschule|akademie|museum|institut|stiftung|verband|verein"
    r"|genossenschaft|gewerkschaft|kommission|behörde|klinikum|klinik|krankenhaus|theater|oper|orchester"
    r"|bibliothek|archiv|bistum|erzbistum|landeskirche|sparkasse|landesbank|staatsanwaltschaft)$"
)
_HEAD_WORD = re.compile(r"([A-ZÄÖÜ][\w-]*)\s+$")
_LEGAL_FORM = re.compile(r"\s+(AG|GmbH|SE|KG|KGaA|e\.\s?V\.|Inc\.|Ltd\.?|plc)(?!\w)")


def organisation_heads(text: str, mentions: list[RawMention]) -> list[RawMention]:
    """``mentions`` with institution head + place spans joined into one organisation and legal forms added."""
    result: list[RawMention] = []
    previous_end = 0
    for m in mentions:
        if m.type is EntityType.LOCATION:
            before = _HEAD_WORD.search(text, previous_end, m.start)
            if before and before.end() == m.start and _HEAD.search(before.group(1).casefold()):
                start = before.start(1)
                m = RawMention(start, m.end, text[start : m.end], EntityType.ORGANISATION)
        legal = _LEGAL_FORM.match(text, m.end)
        if legal and m.type is not EntityType.PERSON:
            end = legal.end()
            m = RawMention(m.start, end, text[m.start : end], EntityType.ORGANISATION)
        result.append(m)
        previous_end = m.end
    return result


class OrgHeadEngine(EngineWrapper):
    """Wraps an engine; German results get :func:`organisation_heads`."""

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        mentions = await self.inner.recognise(text, language)
        if language.split("-")[0] != "de":
            return mentions
        return organisation_heads(text, sorted(mentions, key=lambda m: (m.start, m.end)))
