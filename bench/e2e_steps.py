"""CPU time per article of each pipeline step, from the process's own Prometheus counter.

The runtime counts the CPU seconds it spends in each step as ``newsingest_step_cpu_seconds_total{step=...}``
on ``/metrics`` of the pipeline process. The benchmark reads the counter before and after a run and divides the
difference by the articles of the run. A process without the counter gets ``null`` for every step (the
benchmark still runs).
"""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

STEP_COUNTER = "newsingest_step_cpu_seconds_total"
STEPS = (
    "parse",
    "produce",
    "consume",
    "language",
    "ner_client",
    "places",
    "stories",
    "enriched_produce",
    "index",
)

StepSeconds = dict[str, float]


def step_seconds(metrics_text: str | None) -> StepSeconds | None:
    """CPU seconds per step so far, summed over any other labels; None when the counter is absent."""
    if not metrics_text:
        return None
    found: StepSeconds = {}
    try:
        families = list(text_string_to_metric_families(metrics_text))
    except ValueError:
        return None
    for family in families:
        for sample in family.samples:
            if sample.name == STEP_COUNTER and "step" in sample.labels:
                step = sample.labels["step"]
                found[step] = found.get(step, 0.0) + float(sample.value)
    return found or None


def step_ms_per_article(
    before: StepSeconds | None, after: StepSeconds | None, articles: int
) -> dict[str, float | None]:
    """Milliseconds of CPU per article for every known step (and any other step the process reports);
    ``None`` for a step the process does not count."""
    steps = list(STEPS) + sorted(set(after or {}) - set(STEPS))
    table: dict[str, float | None] = {}
    for step in steps:
        if after is None or step not in after or articles <= 0:
            table[step] = None
            continue
        spent = after[step] - (before or {}).get(step, 0.0)
        table[step] = round(spent * 1000 / articles, 3)
    counted = [v for v in table.values() if v is not None]
    table["total"] = round(sum(counted), 3) if counted else None
    return table
