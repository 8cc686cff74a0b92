// Alerts on the search page: "Save this search as an alert" (the page's query and filters become a rule), the
// Alerts view (#alerts: the rules with their match and unread counts, switch on/off, delete, open a rule to see
// what it matches), a live panel of new matches (Server-Sent Events from /api/alerts/stream) and a watchlist
// upload (POST /api/watchlists). Unread = matches since the rule was last opened, kept in localStorage.
// Plain JavaScript; everything from the server is inserted as text.
"use strict";

(() => {
  const RULE_FILTERS = ["person", "org", "place", "country", "lang", "source", "author"];
  const NOT_KEPT = ["keyword", "story", "since", "until"];
  const SEEN_KEY = "newsingest-alerts-seen";
  const LIVE_MAX = 50;
  const $ = (id) => document.getElementById(id);
  const node = (tag, props = {}, ...children) => {
    const element = Object.assign(document.createElement(tag), props);
    element.append(...children);
    return element;
  };
  const apiKey = () => localStorage.getItem("newsingest-api-key");
  let rules = [];
  let opened = null;
  let source = null;

  async function call(method, path, body, contentType = "application/json") {
    const headers = apiKey() ? { "X-API-Key": apiKey() } : {};
    if (body !== undefined) headers["Content-Type"] = contentType;
    const response = await fetch(path, { method, headers, body: contentType === "application/json" && body !== undefined ? JSON.stringify(body) : body });
    if (response.status === 204) return null;
    const answer = await response.json().catch(() => ({ detail: response.statusText }));
    if (!response.ok) {
      const error = new Error(answer.detail || `HTTP ${response.status}`);
      error.body = answer;
      throw error;
    }
    return answer;
  }

  // --- unread counts -------------------------------------------------------------------------------------
  const seen = () => { try { return JSON.parse(localStorage.getItem(SEEN_KEY) || "{}"); } catch { return {}; } };
  const unread = (rule) => Math.max(0, (rule.matches || 0) - (seen()[rule.id] || 0));
  function markRead(rule) {
    const all = seen();
    all[rule.id] = rule.matches || 0;
    localStorage.setItem(SEEN_KEY, JSON.stringify(all));
  }

  function renderBadge() {
    const total = rules.reduce((sum, rule) => sum + unread(rule), 0);
    const badge = $("alerts-unread");
    badge.textContent = total ? String(total) : "";
    badge.hidden = !total;
  }

  // --- save this search ----------------------------------------------------------------------------------
  function searchAsRule() {
    const params = new URLSearchParams(location.search);
    const filters = {};
    for (const name of RULE_FILTERS) if (params.getAll(name).length) filters[name] = params.getAll(name);
    const query = params.get("q") || "";
    const parts = [query, ...Object.values(filters).flat()].filter(Boolean);
    return { query, filters, name: parts.join(" · ").slice(0, 200) || "every article",
             dropped: NOT_KEPT.filter((name) => params.has(name)) };
  }

  function openSaveForm() {
    const rule = searchAsRule();
    $("save-alert-name").value = rule.name;
    $("save-alert-note").textContent = rule.dropped.length
      ? `Not kept in an alert: ${rule.dropped.join(", ")} (an alert watches new articles).` : "";
    $("save-alert-form").hidden = false;
    $("save-alert-name").focus();
  }

  async function saveSearch(event) {
    event.preventDefault();
    const { query, filters } = searchAsRule();
    const status = $("save-alert-status");
    try {
      const rule = await call("POST", "/api/alerts", { name: $("save-alert-name").value.trim(), query, filters });
      markRead(rule);
      status.className = "";
      status.replaceChildren("Alert saved: ", node("a", { href: "#alerts", textContent: rule.name }));
      status.dataset.alert = rule.id;
      $("save-alert-form").hidden = true;
      loadRules();
    } catch (error) {
      status.className = "error";
      status.textContent = `Cannot save the alert: ${error.message}`;
    }
  }

  // --- the alerts view -----------------------------------------------------------------------------------
  function describe(rule) {
    const parts = rule.query ? [`“${rule.query}”`] : [];
    for (const [name, values] of Object.entries(rule.filters)) parts.push(`${name}: ${values.join(", ")}`);
    return parts.join(" · ") || "every article";
  }

  function renderRules() {
    const list = $("alerts-list");
    list.replaceChildren(...rules.map((rule) => {
      const count = unread(rule);
      const open = node("button", { type: "button", className: "alert-name", textContent: rule.name });
      open.addEventListener("click", () => openRule(rule));
      const toggle = node("input", { type: "checkbox", checked: rule.enabled, title: "enabled" });
      toggle.addEventListener("change", () => patchRule(rule, { enabled: toggle.checked }));
      const remove = node("button", { type: "button", className: "alert-delete", textContent: "Delete" });
      remove.addEventListener("click", () => deleteRule(rule));
      const item = node("li", { className: "alert-rule" },
        node("label", { className: "alert-enabled" }, toggle), open,
        node("span", { className: "alert-unread", textContent: count ? `${count} new` : "" }),
        node("span", { className: "alert-matches", textContent: `${rule.matches || 0} matches` }),
        node("div", { className: "meta", textContent: describe(rule) + (rule.webhook_url ? ` · webhook ${rule.webhook_url}` : "") }),
        remove);
      Object.assign(item.dataset, { alert: rule.id, matches: String(rule.matches || 0), unread: String(count) });
      if (opened === rule.id) item.classList.add("open");
      return item;
    }));
    $("alerts-status").textContent = `${rules.length} alert${rules.length === 1 ? "" : "s"}`;
    $("alerts-status").dataset.count = String(rules.length);
    renderBadge();
  }

  async function loadRules() {
    try {
      rules = await call("GET", "/api/alerts");
      renderRules();
      if (!source) connect(); // only once the alerts answer (API key accepted, rules topic reachable)
    } catch (error) {
      $("alerts-status").className = "error";
      $("alerts-status").textContent = error.message;
    }
  }

  async function patchRule(rule, change) {
    try {
      Object.assign(rule, await call("PATCH", `/api/alerts/${rule.id}`, change));
    } catch (error) {
      $("alerts-status").textContent = `Cannot change ${rule.name}: ${error.message}`;
    }
    renderRules();
  }

  async function deleteRule(rule) {
    try {
      await call("DELETE", `/api/alerts/${rule.id}`);
      rules = rules.filter((r) => r.id !== rule.id);
      if (opened === rule.id) { opened = null; $("alert-matches").replaceChildren(); }
    } catch (error) {
      $("alerts-status").textContent = `Cannot delete ${rule.name}: ${error.message}`;
    }
    renderRules();
  }

  async function openRule(rule) {
    opened = rule.id;
    markRead(rule);
    renderRules();
    const box = $("alert-matches");
    box.replaceChildren(node("p", { className: "muted", textContent: `Loading what “${rule.name}” matches…` }));
    try {
      const result = await call("GET", `/api/alerts/${rule.id}/matches?size=20`);
      const items = result.hits.map((hit) => node("li", {},
        node("a", { href: hit.url || `/?story=${encodeURIComponent(hit.story_id || "")}`, textContent: hit.title }),
        node("span", { className: "meta", textContent: ` ${hit.date ? hit.date.slice(0, 10) : ""} ${hit.source || ""}` })));
      box.replaceChildren(node("h3", { textContent: `${rule.name}: ${result.total} articles in the index` }), node("ol", {}, ...items));
    } catch (error) {
      box.replaceChildren(node("p", { className: "error", textContent: error.message }));
    }
  }

  // --- live matches (Server-Sent Events) -------------------------------------------------------------------
  function showMatch(match) {
    const rule = rules.find((r) => r.id === match.alert_id);
    if (rule) {
      rule.matches = (rule.matches || 0) + 1;
      if (opened === rule.id && location.hash === "#alerts") markRead(rule);
    }
    const when = new Date(match.matched_at).toLocaleTimeString("en-GB");
    const title = match.url ? node("a", { href: match.url, textContent: match.title }) : node("span", { textContent: match.title });
    const item = node("li", { className: "alert-match" }, node("time", { textContent: when }), " ",
      node("b", { textContent: match.alert_name }), " ", title,
      node("div", { className: "meta", textContent: [match.language, match.persons.slice(0, 4).join(", ")].filter(Boolean).join(" · ") }));
    Object.assign(item.dataset, { alert: match.alert_id, article: match.article_id });
    const live = $("alerts-live");
    live.prepend(item);
    while (live.childElementCount > LIVE_MAX) live.lastElementChild.remove();
    renderRules();
  }

  function connect() {
    const key = apiKey();
    source = new EventSource(`/api/alerts/stream${key ? `?key=${encodeURIComponent(key)}` : ""}`);
    source.addEventListener("open", () => { $("alerts-live-status").textContent = "live"; $("alerts-live-status").dataset.state = "open"; });
    source.addEventListener("error", () => { $("alerts-live-status").textContent = "reconnecting…"; $("alerts-live-status").dataset.state = "error"; });
    source.addEventListener("match", (event) => {
      try { showMatch(JSON.parse(event.data)); } catch { /* not a match */ }
    });
  }

  // --- watchlist upload ------------------------------------------------------------------------------------
  async function uploadWatchlist(event) {
    event.preventDefault();
    const file = $("watchlist-file").files[0];
    const status = $("watchlist-status");
    if (!file) { status.textContent = "Choose a CSV file first."; return; }
    status.className = "";
    status.textContent = "Uploading…";
    const prefix = encodeURIComponent($("watchlist-prefix").value);
    try {
      const report = await call("POST", `/api/watchlists?name_prefix=${prefix}`, file, "text/csv");
      const created = report.rules.map((r) => node("li", { textContent: `${r.rule.name}: ${r.past_matches} past matches` +
        (r.first_hits.length ? ` (latest: ${r.first_hits[0].title})` : "") }));
      const refused = report.refused.map((r) => node("li", { className: "error", textContent: `line ${r.line}: ${r.reason}` }));
      status.replaceChildren(node("p", { textContent: `${report.created} rules created, ${report.refused.length} lines refused` }),
        node("ul", {}, ...created.slice(0, 100), ...refused.slice(0, 100)));
      status.dataset.created = String(report.created);
      for (const r of report.rules) markRead(r.rule);
      loadRules();
    } catch (error) {
      status.className = "error";
      const lines = (error.body && error.body.refused) || [];
      status.replaceChildren(node("p", { textContent: `Upload refused: ${error.message}` }),
        node("ul", {}, ...lines.slice(0, 100).map((r) => node("li", { textContent: `line ${r.line}: ${r.reason}` }))));
    }
  }

  function route() {
    const show = location.hash === "#alerts";
    $("alerts").hidden = !show;
    if (show) {
      document.querySelector("main").hidden = true;
      $("search-form").hidden = true;
      loadRules();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("save-alert").addEventListener("click", openSaveForm);
    $("save-alert-form").addEventListener("submit", saveSearch);
    $("save-alert-cancel").addEventListener("click", () => { $("save-alert-form").hidden = true; });
    $("watchlist-form").addEventListener("submit", uploadWatchlist);
    $("key-form").addEventListener("submit", () => setTimeout(loadRules, 0)); // app.js stores the new key first
    route();
    loadRules();
  });
  window.addEventListener("hashchange", route);
})();
