// The Ingest view (#ingest): the `newsingest status` report, refreshed every few seconds while it is shown.
"use strict";

(() => {
  const REFRESH_MS = 5000;
  const el = (id) => document.getElementById(id);
  let timer = null;

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text == null ? "-" : String(text);
    return td;
  }

  function fill(tableId, rows) {
    const body = el(tableId).querySelector("tbody");
    body.replaceChildren(...rows.map((values) => {
      const tr = document.createElement("tr");
      tr.append(...values.map(cell));
      return tr;
    }));
  }

  function duration(stage) {
    if (stage.stalled) return "stalled";
    if (stage.drain_s == null) return "-";
    return stage.drain_s < 120 ? `${Math.round(stage.drain_s)} s` : `${(stage.drain_s / 60).toFixed(1)} min`;
  }

  function render(report) {
    const inbox = report.inbox;
    el("ingest-waiting").textContent = `${inbox.waiting}${inbox.waiting_truncated ? "+" : ""}`;
    el("ingest-in-flight").textContent = String(inbox.in_flight.length);
    el("ingest-processed").textContent = `${inbox.processed.last_hour} / ${inbox.processed.last_day}`;
    el("ingest-failed").textContent = `${inbox.failed.last_hour} / ${inbox.failed.last_day}`;
    fill("ingest-progress", inbox.in_flight.map((f) => [f.file, f.articles_acked, `${Math.round(f.progress * 100)} %`]));
    fill("ingest-stages", report.stages.map((s) => [s.stage, s.per_minute, s.per_second, s.lag, duration(s)]));
    el("ingest-reasons").replaceChildren(...Object.entries(inbox.failed.by_reason_last_day).map(([reason, n]) => {
      const li = document.createElement("li");
      li.textContent = `${reason}: ${n}`;
      return li;
    }));
    fill("ingest-failures", report.last_failures.map((f) => [f.at ? new Date(f.at).toLocaleString() : "?", f.where,
      f.stage, f.file, f.reason]));
    el("ingest-error").hidden = report.errors.length === 0;
    el("ingest-error").textContent = report.errors.join("; ");
    el("ingest-updated").textContent = `updated ${new Date(report.generated_at).toLocaleTimeString()}`;
  }

  async function refresh() {
    try {
      const key = localStorage.getItem("newsingest-api-key");
      const response = await fetch("/api/ingest/status", { headers: key ? { "X-API-Key": key } : {} });
      const body = await response.json();
      if (body.inbox) render(body);
      else throw new Error(body.detail || `HTTP ${response.status}`);
    } catch (error) {
      el("ingest-error").hidden = false;
      el("ingest-error").textContent = `cannot load the status: ${error.message}`;
    }
  }

  function show() {
    const ingest = location.hash === "#ingest";
    el("ingest").hidden = !ingest;
    document.querySelector("main").hidden = ingest;
    el("search-form").hidden = ingest;
    clearInterval(timer);
    timer = null;
    if (ingest) {
      refresh();
      timer = setInterval(refresh, REFRESH_MS);
    }
  }

  window.addEventListener("hashchange", show);
  document.addEventListener("DOMContentLoaded", show);
})();
