"""The process lifecycle: supervision of the parts (crash-only), /health and /metrics, test-only faults."""
