// Stories on the search page: the stories list (#stories: latest or growing stories) and the story view shown
// above the results when the search is filtered to one story ("More from this story"): its label, first and
// last seen, sources, languages, who and where, and the timeline of its articles. Plain JavaScript.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const node = (tag, props = {}, ...children) => {
    const element = Object.assign(document.createElement(tag), props);
    element.append(...children);
    return element;
  };
  const day = (iso) => iso ? new Date(iso).toLocaleDateString("en-GB", { year: "numeric", month: "short", day: "numeric" }) : "?";
  const moment = (iso) => iso ? new Date(iso).toLocaleString("en-GB", { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }) : "?";
  const names = (values, limit = 4) => values.slice(0, limit).map((v) => v.value).join(", ");
  const storyUrl = (id) => `/?story=${encodeURIComponent(id)}&sort=date`;

  async function get(path) {
    const key = localStorage.getItem("newsingest-api-key");
    const response = await fetch(path, { headers: key ? { "X-API-Key": key } : {} });
    const body = await response.json().catch(() => ({ detail: response.statusText }));
    if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
    return body;
  }

  function summaryLine(story) {
    const span = story.first_seen && story.last_seen && day(story.first_seen) !== day(story.last_seen)
      ? `${day(story.first_seen)} – ${day(story.last_seen)}` : day(story.last_seen);
    const recent = story.recent != null ? ` (${story.recent} recent)` : "";
    return [`${story.articles} articles${recent}`, span, names(story.sources), names(story.languages)]
      .filter(Boolean).join(" · ");
  }

  function tags(story) {
    const box = node("div", { className: "tags" });
    const groups = [["person", story.persons], ["org", story.organisations], ["place", story.places]];
    for (const [kind, values] of groups) {
      for (const { value } of values.slice(0, 4)) {
        box.append(node("a", { className: `tag ${kind}`, href: `/?${kind}=${encodeURIComponent(value.toLowerCase())}`, textContent: value }));
      }
    }
    return box;
  }

  // --- the story view (search filtered to one story) ---------------------------------------------------
  let shown = null;

  async function showStory(id) {
    const view = $("story-view");
    if (shown === id && !view.hidden) return;
    shown = id;
    view.replaceChildren(node("p", { className: "muted", textContent: "Loading the story…" }));
    view.hidden = false;
    try {
      const story = await get(`/api/stories/${encodeURIComponent(id)}`);
      if (shown !== id) return;
      const timeline = node("ol", { className: "timeline" });
      for (const entry of story.timeline) {
        const title = entry.url ? node("a", { href: entry.url, textContent: entry.title }) : node("span", { textContent: entry.title });
        const where = [entry.source, entry.language].filter(Boolean).join(" · ");
        const item = node("li", {}, node("time", { dateTime: entry.date || "", textContent: moment(entry.date) }), title,
          node("span", { className: "where", textContent: where }));
        item.dataset.id = entry.id;
        timeline.append(item);
      }
      view.replaceChildren(
        node("div", { className: "story-kicker" }, node("span", { textContent: "Story" }), " · ",
          node("a", { href: "/#stories", textContent: "all stories" })),
        node("h2", { textContent: story.label }),
        node("div", { className: "meta", textContent: summaryLine(story) }),
        tags(story), node("h3", { textContent: "Timeline" }), timeline);
      view.dataset.story = id;
    } catch (error) {
      view.replaceChildren(node("p", { className: "error", textContent: `cannot load the story: ${error.message}` }));
    }
  }

  function hideStory() {
    shown = null;
    $("story-view").hidden = true;
    $("story-view").replaceChildren();
    delete $("story-view").dataset.story;
  }

  // Called by app.js after every search: the story view when the search is filtered to exactly one story.
  window.newsingestStoryView = (params) => {
    const stories = params.getAll("story");
    if (stories.length === 1 && location.hash !== "#stories") showStory(stories[0]); else hideStory();
  };

  // --- the stories list (#stories) -------------------------------------------------------------------
  async function loadList() {
    const sort = $("stories-sort").value;
    const status = $("stories-status");
    status.className = "";
    status.textContent = "Loading stories…";
    try {
      const result = await get(`/api/stories?sort=${encodeURIComponent(sort)}&size=30`);
      const list = $("stories-list");
      list.replaceChildren(...result.stories.map((story) => {
        const item = node("li", { className: "result story-card" },
          node("h2", {}, node("a", { href: storyUrl(story.id), textContent: story.label })),
          node("div", { className: "meta", textContent: summaryLine(story) }), tags(story));
        item.dataset.story = story.id;
        return item;
      }));
      const period = result.hours ? ` in the last ${result.hours} h` : "";
      status.textContent = `${result.stories.length} ${result.sort} stor${result.stories.length === 1 ? "y" : "ies"}${period}`;
      status.dataset.count = String(result.stories.length);
    } catch (error) {
      status.className = "error";
      status.textContent = error.message;
    }
  }

  function route() {
    const list = location.hash === "#stories";
    $("stories").hidden = !list;
    if (list) {
      document.querySelector("main").hidden = true;
      $("search-form").hidden = true;
      loadList();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("stories-sort").addEventListener("change", loadList);
    route();
  });
  window.addEventListener("hashchange", route);
})();
