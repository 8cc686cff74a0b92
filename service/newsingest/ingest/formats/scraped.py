"""Reading scraped article text: which paragraphs are bylines, datelines, credits, metadata or boilerplate,
and what they say. What remains is the body."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsingest.ingest.formats.boilerplate import is_boilerplate
from newsingest.ingest.formats.bylines import parse_byline, parse_reporting_trailer
from newsingest.ingest.formats.credits import match_credit
from newsingest.ingest.formats.datelines import Dateline, match_dateline
from newsingest.ingest.formats.metadata import MetaLine, match_metadata_line, strip_metadata_prefix

_LONG = 200
_EDGE = 3


@dataclass
class BodyFindings:
    """What the non-body paragraphs of a text said, and the body paragraphs that are left."""

    paragraphs: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    byline_source: str | None = None
    reporters: list[str] = field(default_factory=list)
    dateline: Dateline | None = None
    credit_sources: list[str] = field(default_factory=list)
    meta: list[MetaLine] = field(default_factory=list)

    def meta_values(self, name: str) -> list[MetaLine]:
        return [m for m in self.meta if m.field == name]


def _header_end(paragraphs: list[str]) -> int:
    """Index of the first long paragraph: what comes before it is the header zone."""
    for index, paragraph in enumerate(paragraphs):
        if len(paragraph) > _LONG:
            return index
    return len(paragraphs)


def _take_dateline(findings: BodyFindings) -> None:
    for index, paragraph in enumerate(findings.paragraphs[:_EDGE]):
        if dateline := match_dateline(paragraph):
            rest = paragraph[dateline.end :].strip()
            findings.dateline = dateline
            if rest:
                findings.paragraphs[index] = rest
            else:
                del findings.paragraphs[index]
            return
        if len(paragraph) > _LONG:
            return


def analyse_body(paragraphs: list[str]) -> BodyFindings:
    """Split paragraphs into body text and the bylines/datelines/credits/metadata around it."""
    findings = BodyFindings()
    if paragraphs:
        prefix_meta, first = strip_metadata_prefix(paragraphs[0])
        findings.meta.extend(prefix_meta)
        paragraphs = [first, *paragraphs[1:]]
    header_end = _header_end(paragraphs)
    count = len(paragraphs)
    for index, paragraph in enumerate(paragraphs):
        at_edge = index <= max(_EDGE, header_end) or index >= count - _EDGE
        meta = match_metadata_line(paragraph)
        if meta and (meta.keyed or at_edge):
            findings.meta.append(meta)
            continue
        if credit := match_credit(paragraph):
            if credit.source:
                findings.credit_sources.append(credit.source)
            continue
        if is_boilerplate(paragraph):
            continue
        if at_edge and (byline := parse_byline(paragraph)):
            for author in byline.authors:
                if author not in findings.authors:
                    findings.authors.append(author)
            findings.byline_source = findings.byline_source or byline.source
            continue
        if (reporters := parse_reporting_trailer(paragraph)) is not None:
            findings.reporters.extend(r for r in reporters if r not in findings.reporters)
            continue
        findings.paragraphs.append(paragraph)
    _take_dateline(findings)
    return findings
