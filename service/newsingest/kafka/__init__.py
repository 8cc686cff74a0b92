"""Kafka plumbing shared by the producer, the enrich agent, the indexer and consumers."""
