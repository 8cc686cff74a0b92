// Download the whole result (GET /api/export): the links carry the page's query and filters. Without an API key
// they are plain links, so the browser streams the file to disk; with one, the file is fetched with the key
// header and handed to the browser as a blob.
"use strict";

(() => {
  const FORMATS = ["csv", "ndjson"];
  const PAGING = ["after", "size", "facets"];

  function exportHref(params, format) {
    const query = new URLSearchParams(params);
    for (const name of PAGING) query.delete(name);
    query.set("format", format);
    return `/api/export?${query}`;
  }

  function fileName(response, format) {
    const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return match ? match[1] : `newsingest-export.${format}`;
  }

  async function downloadWithKey(link, format, key) {
    const status = document.getElementById("export-status");
    status.textContent = "Exporting…";
    try {
      const response = await fetch(link.href, { headers: { "X-API-Key": key } });
      if (!response.ok) {
        const body = await response.json().catch(() => ({ detail: response.statusText }));
        throw new Error(body.detail || `HTTP ${response.status}`);
      }
      const url = URL.createObjectURL(await response.blob());
      const save = Object.assign(document.createElement("a"), { href: url, download: fileName(response, format) });
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      status.textContent = "";
    } catch (error) {
      status.textContent = `Export failed: ${error.message}`;
    }
  }

  // Called by app.js after each new search (result null: the search failed).
  window.newsingestExport = (params, result) => {
    const box = document.getElementById("export");
    box.hidden = !result || result.total === 0;
    for (const format of FORMATS) document.getElementById(`export-${format}`).href = exportHref(params, format);
  };

  for (const format of FORMATS) {
    document.getElementById(`export-${format}`).addEventListener("click", (event) => {
      const key = localStorage.getItem("newsingest-api-key");
      if (!key) return; // a plain download
      event.preventDefault();
      downloadWithKey(event.currentTarget, format, key);
    });
  }
})();
