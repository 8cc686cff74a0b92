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

WORK_STEPS = ("parse", "language", "ner_client", "places", "stories")
"""The steps that are the work (what "the work alone" runs without Kafka or Elasticsearch); the others move it."""


def split_work_and_plumbing(pipeline_cpu_ms: float | None, steps: dict[str, float | None],
                            work_alone_cpu_ms: float | None) -> dict[str, float | None]:
    """The pipeline's CPU per article split by its own step counters: ``work_steps_cpu_ms_per_article`` (the work
    as it ran inside the pipeline process), ``plumbing_outside_work_cpu_ms_per_article`` (everything else: Kafka
    and Elasticsearch clients, the event loop, the watcher's file handling), and ``work_cost_in_pipeline`` (the
    same work's CPU in the pipeline over its CPU alone: above 1 when the work itself runs slower beside Kafka and
    Elasticsearch on the same cores, which the issue's plumbing figure counts as plumbing)."""
    counted = [steps.get(s) for s in WORK_STEPS]
    if pipeline_cpu_ms is None or any(v is None for v in counted):
        return {"work_steps_cpu_ms_per_article": None, "plumbing_outside_work_cpu_ms_per_article": None,
                "work_cost_in_pipeline": None}
    work = round(sum(v for v in counted if v is not None), 3)
    return {
        "work_steps_cpu_ms_per_article": work,
        "plumbing_outside_work_cpu_ms_per_article": round(pipeline_cpu_ms - work, 2),
        "work_cost_in_pipeline": round(work / work_alone_cpu_ms, 2) if work_alone_cpu_ms else None,
    }
