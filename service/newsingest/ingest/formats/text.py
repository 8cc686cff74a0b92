"""Plain text: first non-empty line is the title, the rest is the body.

The parsing issue replaces this with the scraped-news cleaner (bylines, datelines, credits).
"""

from __future__ import annotations

from newsingest.ingest.formats.base import SourceFile, build_article
from newsingest.ingest.formats.encoding import decode_text
from newsingest.models import RawArticle


class TextParser:
    name = "text"
    media_type = "text/plain"

    def score(self, source: SourceFile) -> float:
        if source.suffix in {"txt", "text", ""}:
            return 0.5
        return 0.05

    def parse(self, source: SourceFile) -> list[RawArticle]:
        text, encoding = decode_text(source.data)
        lines = text.strip().split("\n")
        title = lines[0].strip()
        body = "\n".join(lines[1:]).strip()
        return [
            build_article(
                source, parser=self.name, media_type=self.media_type, title=title, body=body, encoding=encoding
            )
        ]
