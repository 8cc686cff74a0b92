// The search page: plain JavaScript, no build step. State lives in the URL (?q=...&person=...), so every view
// can be bookmarked and the back button works. Highlights come from the API already HTML-escaped, with matches
// in <mark>; everything else is inserted as text.
"use strict";

const FACET_PARAMS = ["lang", "source", "author", "person", "org", "place", "country", "keyword", "story"];
const FORM_PARAMS = ["q", "since", "until", "sort"];
const displayNames = (type) => {
  try { return new Intl.DisplayNames(["en"], { type }); } catch { return null; }
};
const languageNames = displayNames("language");
const regionNames = displayNames("region");

let facetSpecs = [];
let nextToken = null;

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
};

function currentParams() { return new URLSearchParams(location.search); }

function apiHeaders() {
  const key = localStorage.getItem("newsingest-api-key");
  return key ? { "X-API-Key": key } : {};
}

async function api(path) {
  const response = await fetch(path, { headers: apiHeaders() });
  if (response.status === 401) {
    $("key-box").hidden = false;
    throw new Error("This server needs an API key.");
  }
  const body = await response.json().catch(() => ({ detail: response.statusText }));
  if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
  return body;
}

function displayValue(facet, bucket) {
  const names = facet === "lang" ? languageNames : facet === "country" ? regionNames : null;
  if (names) {
    try { return `${names.of(bucket.display)} (${bucket.display})`; } catch { /* not a known code */ }
  }
  return bucket.display;
}

function navigate(params) {
  params.delete("after");
  const query = params.toString();
  history.pushState(null, "", query ? `/?${query}` : "/");
  run();
}

function toggleFilter(facet, value) {
  const params = currentParams();
  const values = params.getAll(facet);
  params.delete(facet);
  const active = values.includes(value);
  for (const v of values) if (v !== value) params.append(facet, v);
  if (!active) params.append(facet, value);
  navigate(params);
}

function renderFacets(result, params) {
  const box = $("facets");
  box.replaceChildren();
  for (const spec of facetSpecs) {
    const buckets = result.facets[spec.name] || [];
    if (!buckets.length) continue;
    const active = params.getAll(spec.name);
    const list = el("ul");
    for (const bucket of buckets) {
      const button = el("button", { type: "button", title: bucket.display, className: active.includes(bucket.value) ? "active" : "" },
        el("span", { className: "label", textContent: displayValue(spec.name, bucket) }),
        el("span", { className: "count", textContent: String(bucket.count) }));
      button.dataset.value = bucket.value;
      button.addEventListener("click", () => toggleFilter(spec.name, bucket.value));
      list.append(el("li", {}, button));
    }
    box.append(el("section", { className: "facet", dataset: { facet: spec.name } }, el("h3", { textContent: spec.label }), list));
  }
}

// A story is shown by its label (from the story facet), never by its id.
function storyLabel(result, id) {
  const bucket = (result.facets.story || []).find((b) => b.value === id);
  return bucket ? bucket.display : "this story";
}

function renderChips(params, result) {
  const chips = $("chips");
  chips.replaceChildren();
  const labels = Object.fromEntries(facetSpecs.map((s) => [s.name, s.label]));
  for (const facet of FACET_PARAMS) {
    for (const value of params.getAll(facet)) {
      const shown = facet === "story" ? storyLabel(result, value) : value;
      const chip = el("button", { type: "button", className: "chip", textContent: `${labels[facet] || facet}: ${shown}` });
      chip.dataset.facet = facet;
      chip.addEventListener("click", () => toggleFilter(facet, value));
      chips.append(chip);
    }
  }
  for (const bound of ["since", "until"]) {
    const value = params.get(bound);
    if (!value) continue;
    const chip = el("button", { type: "button", className: "chip", textContent: `${bound}: ${value}` });
    chip.addEventListener("click", () => { const p = currentParams(); p.delete(bound); navigate(p); });
    chips.append(chip);
  }
}

const INTERVAL_DAYS = { hour: 1 / 24, day: 1, week: 7, month: 31, year: 366 };

function renderHistogram(result) {
  const figure = $("histogram");
  figure.replaceChildren();
  const buckets = result.histogram || [];
  if (!buckets.length) return;
  const max = Math.max(...buckets.map((b) => b.count), 1);
  const width = 1000, height = 90, gap = buckets.length > 60 ? 0 : 2;
  const barWidth = Math.min(width / buckets.length, 40);
  const offset = (width - barWidth * buckets.length) / 2;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  buckets.forEach((bucket, i) => {
    const h = bucket.count ? Math.max(2, (bucket.count / max) * (height - 4)) : 0;
    const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    rect.setAttribute("x", String(offset + i * barWidth + gap / 2));
    rect.setAttribute("y", String(height - h));
    rect.setAttribute("width", String(Math.max(1, barWidth - gap)));
    rect.setAttribute("height", String(h));
    const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = `${bucket.date.slice(0, 10)}: ${bucket.count}`;
    rect.append(title);
    rect.addEventListener("click", () => {
      const start = new Date(bucket.date);
      const end = new Date(start.getTime() + (INTERVAL_DAYS[result.interval] || 1) * 86400000 - 1);
      const p = currentParams();
      p.set("since", start.toISOString().slice(0, 10));
      p.set("until", end.toISOString().slice(0, 10));
      navigate(p);
    });
    svg.append(rect);
  });
  figure.append(svg, el("figcaption", {},
    el("span", { textContent: buckets[0].date.slice(0, 10) }),
    el("span", { textContent: `articles per ${result.interval}` }),
    el("span", { textContent: buckets[buckets.length - 1].date.slice(0, 10) })));
}

function tag(kind, facet, value) {
  const button = el("button", { type: "button", className: `tag ${kind}`, textContent: value });
  button.addEventListener("click", () => toggleFilter(facet, value.toLowerCase()));
  return button;
}

function renderHit(hit) {
  const title = el("h2");
  const link = el("a", { href: hit.url || `/?story=${encodeURIComponent(hit.story_id || "")}` });
  link.innerHTML = hit.title_html; // escaped by the API, matches in <mark>
  title.append(link);
  const when = hit.date ? new Date(hit.date).toLocaleDateString("en-GB", { year: "numeric", month: "short", day: "numeric" }) : "";
  const language = hit.language && languageNames ? (() => { try { return languageNames.of(hit.language); } catch { return hit.language; } })() : hit.language;
  const metaParts = [when, language, hit.source, hit.authors.join(", ")].filter(Boolean);
  const meta = el("div", { className: "meta", textContent: metaParts.join(" · ") });
  if (hit.story_id) {
    const story = el("a", { className: "story", href: `/?story=${encodeURIComponent(hit.story_id)}&sort=date`, textContent: "More from this story →" });
    story.addEventListener("click", (event) => {
      event.preventDefault();
      navigate(new URLSearchParams({ story: hit.story_id, sort: "date" }));
    });
    meta.append(" · ", story);
  }
  const item = el("li", { className: "result", dataset: { id: hit.id } }, title, meta);
  for (const snippet of hit.snippets) {
    const p = el("p", { className: "snippet" });
    p.innerHTML = snippet; // escaped by the API, matches in <mark>
    item.append(p);
  }
  const tags = el("div", { className: "tags" });
  hit.persons.slice(0, 5).forEach((v) => tags.append(tag("person", "person", v)));
  hit.organisations.slice(0, 4).forEach((v) => tags.append(tag("org", "org", v)));
  hit.places.slice(0, 5).forEach((v) => tags.append(tag("place", "place", v)));
  if (tags.childElementCount) item.append(tags);
  return item;
}

async function run(append = false) {
  const params = currentParams();
  for (const name of FORM_PARAMS) {
    const input = $(name);
    if (!append) input.value = params.get(name) || (name === "sort" ? "relevance" : "");
  }
  const query = new URLSearchParams(params);
  if (append && nextToken) query.set("after", nextToken);
  const status = $("status");
  status.className = "";
  status.textContent = append ? "Loading more…" : "Searching…";
  try {
    const result = await api(`/api/search?${query}`);
    if (!append) {
      $("results").replaceChildren();
      renderFacets(result, params);
      renderHistogram(result);
      renderChips(params, result);
    }
    for (const hit of result.hits) $("results").append(renderHit(hit));
    if (!append) {
      status.textContent = `${result.total}${result.total_is_exact ? "" : "+"} article${result.total === 1 ? "" : "s"}`;
      status.dataset.total = String(result.total);
    } else {
      status.textContent = status.dataset.total ? `${status.dataset.total} articles` : "";
    }
    if (!append && window.newsingestStoryView) window.newsingestStoryView(params); // stories.js
    nextToken = result.next;
    $("more").hidden = !result.next;
    if (!append && window.newsingestExport) window.newsingestExport(params, result); // export.js
  } catch (error) {
    status.className = "error";
    status.textContent = error.message;
    if (!append) { $("results").replaceChildren(); $("facets").replaceChildren(); $("histogram").replaceChildren(); }
    $("more").hidden = true;
    if (!append && window.newsingestExport) window.newsingestExport(params, null);
  }
}

function submitForm(event) {
  event.preventDefault();
  const params = currentParams();
  for (const name of FORM_PARAMS) {
    const value = $(name).value.trim();
    if (value && !(name === "sort" && value === "relevance")) params.set(name, value); else params.delete(name);
  }
  navigate(params);
}

async function load() {
  try {
    facetSpecs = await api("/api/facets");
  } catch (error) {
    $("status").className = "error";
    $("status").textContent = error.message;
    return;
  }
  run();
}

function start() {
  $("search-form").addEventListener("submit", submitForm);
  $("sort").addEventListener("change", submitForm);
  $("more").addEventListener("click", () => run(true));
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem("newsingest-api-key", $("api-key").value);
    $("key-box").hidden = true;
    load();
  });
  window.addEventListener("popstate", () => run());
  load();
}

start();
