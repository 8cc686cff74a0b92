from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from facets_score import GoldEntity, score_document

GOLD = [
    GoldEntity("PER", "George W. Bush", ("Bush", "George W Bush")),
    GoldEntity("LOC", "Wales", also=("ORG",)),
    GoldEntity("LOC", "Czech Republic"),
    GoldEntity("ORG", "Der Standard", optional=True),
    GoldEntity("ORG", "Rotes Kreuz"),
]


def test_variants_types_duplicates_optional_splits_and_inflections() -> None:
    predicted = [("PER", "george w bush"), ("PER", "Bush"), ("ORG", "Wales"), ("ORG", "Standard"),
                 ("LOC", "Czech"), ("LOC", "Republic"), ("ORG", "Rotem Kreuz"), ("ORG", "im Bundestag")]  # fmt: skip
    score = score_document(predicted, GOLD, "de")
    assert score.tp == {"PER": 1, "ORG": 1}
    assert score.duplicates == 1
    assert score.fp["LOC"] == 2
    assert score.fn == {"LOC": 1, "ORG": 1}
    assert score.splits == 1
    assert score.malformed == {"inflected": 1, "edge word": 1}
