"""Alerts on the live stream: rules (a query and facet filters), matching each indexed batch, delivery."""
