#!/bin/sh
# Print every message of news.enriched as "<key> <headers> <value>", one line each, from the beginning.
# Extra arguments go to kcat, e.g. -e (exit at the end of the topic), -o end (only new messages), -c 10.
# Settings: NEWSINGEST_KAFKA_BOOTSTRAP_SERVERS (default 127.0.0.1:9092), NEWSINGEST_TOPIC_ENRICHED (news.enriched).
exec kcat -C -b "${NEWSINGEST_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}" -t "${NEWSINGEST_TOPIC_ENRICHED:-news.enriched}" \
  -o beginning -f '%k %h %s\n' "$@"
