# The newsingest service (watcher + enrich agent + indexer, search API). Build from the repository root:
#   docker build -f deploy/docker/newsingest.Dockerfile -t newsingest .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN useradd --create-home --uid 1000 newsingest
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY schemas ./schemas
COPY deploy/kibana ./deploy/kibana
# german-nouns without its build-time dependencies: only its CSV of noun genders is read (enrich/german_genders.py)
RUN pip install --no-cache-dir . && pip install --no-cache-dir --no-deps 'german-nouns>=1.2.5,<1.3'

USER newsingest
ENV NEWSINGEST_INBOX_DIR=/data/inbox \
    NEWSINGEST_PROCESSED_DIR=/data/processed \
    NEWSINGEST_FAILED_DIR=/data/failed \
    NEWSINGEST_DATA_DIR=/data/state \
    NEWSINGEST_WEB_HOST=0.0.0.0 \
    NEWSINGEST_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 6066 8080
ENTRYPOINT ["newsingest"]
CMD ["run"]
