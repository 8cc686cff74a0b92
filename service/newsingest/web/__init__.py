"""The search HTTP API and the search page, served by ``newsingest serve``."""
