"""Low-level text helpers shared by ingest and enrichment: agency names (``agencies``), folding names to
comparison keys (``folding``).

Pure functions over strings: this package imports nothing else from newsingest, so ingest and enrich can both
use it without importing each other.
"""
