// spamscalpel web page: posts the document to /v1/clean and draws the report.
// Plain script, no build step, no network beyond this server.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("scan-form");
  const input = $("input");
  const statusEl = $("status");
  const results = $("results");
  const docEl = $("document");
  const cleanedEl = $("cleaned");
  const details = $("details");
  let lastJson = null;
  let lastSpans = [];

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle("error", Boolean(isError));
  }

  function chosenFormat(text) {
    const picked = form.querySelector("input[name=format]:checked").value;
    if (picked !== "auto") return picked;
    // A document that opens with a tag, or carries common block tags, is treated as HTML.
    return /^\s*</.test(text) || /<(html|body|p|div|a)\b[^>]*>/i.test(text) ? "html" : "text";
  }

  // Report offsets count Unicode code points (Python str indices); JS strings count UTF-16
  // units. This maps code-point offsets to UTF-16 offsets so astral characters don't shift marks.
  function codePointMap(text) {
    if (!/[\uD800-\uDBFF]/.test(text)) return null;
    const map = [];
    let u = 0;
    for (const ch of text) {
      map.push(u);
      u += ch.length;
    }
    map.push(u);
    return map;
  }

  function evidenceSummary(span) {
    const ev = (span.evidence || []).map((e) => `${e.kind}: ${e.detail}`);
    return `${span.category}, score ${span.score.toFixed(2)}` + (ev.length ? "\n" + ev.join("\n") : "");
  }

  function renderDocument(text, spans) {
    docEl.replaceChildren();
    const map = codePointMap(text);
    const u16 = (i) => (map ? map[Math.min(i, map.length - 1)] : i);
    const ordered = spans.map((s, i) => ({ s, i })).sort((a, b) => a.s.start - b.s.start || b.s.end - a.s.end);
    let pos = 0;
    let count = 0;
    for (const { s, i } of ordered) {
      // Overlapping spans: draw the part not already covered, so every character is shown once.
      const start = Math.max(u16(s.start), pos);
      const end = u16(s.end);
      if (end <= start) continue;
      if (start > pos) docEl.append(document.createTextNode(text.slice(pos, start)));
      const mark = document.createElement("mark");
      mark.className = "cat-" + s.category;
      mark.textContent = text.slice(start, end);
      mark.tabIndex = 0;
      mark.setAttribute("role", "button");
      mark.title = evidenceSummary(s);
      mark.setAttribute("aria-label", `${s.text}: injected ${s.category}, score ${s.score.toFixed(2)}`);
      mark.dataset.index = String(i);
      mark.dataset.category = s.category;
      mark.dataset.score = String(s.score);
      mark.dataset.start = String(s.start);
      mark.dataset.end = String(s.end);
      docEl.append(mark);
      pos = end;
      count += 1;
    }
    if (pos < text.length) docEl.append(document.createTextNode(text.slice(pos)));
    return count;
  }

  function showDetails(mark) {
    const span = lastSpans[Number(mark.dataset.index)];
    if (!span) return;
    docEl.querySelectorAll("mark.selected").forEach((m) => m.classList.remove("selected"));
    mark.classList.add("selected");
    const dl = $("details-body");
    dl.replaceChildren();
    const rows = [
      ["Text", span.text],
      ["Category", span.category],
      ["Score", span.score.toFixed(3)],
      ["Offsets", `${span.start}–${span.end}`],
    ];
    if (span.source) rows.push(["Source", span.source]);
    if (span.selector) rows.push(["Element", span.selector]);
    for (const [k, v] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      dl.append(dt, dd);
    }
    const ul = $("details-evidence");
    ul.replaceChildren();
    for (const e of span.evidence || []) {
      const li = document.createElement("li");
      li.className = "evidence";
      li.textContent = `${e.kind}: ${e.detail}` + (e.weight ? ` (weight ${e.weight})` : "");
      ul.append(li);
    }
    if (!ul.children.length) {
      const li = document.createElement("li");
      li.textContent = "no evidence recorded";
      ul.append(li);
    }
    $("details-heading").textContent = `Span “${span.text}”`;
    details.hidden = false;
    // The panel sits under the document; bring it into view where a tap or Enter opened it.
    details.scrollIntoView({ block: "nearest" });
  }

  docEl.addEventListener("click", (ev) => {
    const mark = ev.target.closest("mark");
    if (mark) showDetails(mark);
  });
  docEl.addEventListener("keydown", (ev) => {
    const mark = ev.target.closest("mark");
    if (mark && (ev.key === "Enter" || ev.key === " ")) {
      ev.preventDefault();
      showDetails(mark);
    }
  });

  async function post(path, body) {
    const res = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try {
      data = await res.json();
    } catch (_) {
      data = { message: `the server answered ${res.status} without JSON` };
    }
    return { ok: res.ok, status: res.status, data };
  }

  async function scan(ev) {
    ev.preventDefault();
    const text = input.value;
    if (!text.trim()) {
      setStatus("Paste some text or open a file first.", true);
      input.focus();
      return;
    }
    const fmt = chosenFormat(text);
    const threshold = Number($("threshold").value);
    const body = { id: "web", options: { threshold: isFinite(threshold) ? threshold : 0.5 } };
    body[fmt] = text;
    const button = $("scan");
    button.disabled = true;
    results.setAttribute("aria-busy", "true");
    setStatus("Scanning…");
    try {
      const cleanBody = JSON.parse(JSON.stringify(body));
      cleanBody.options.policy = $("policy").value;
      let { ok, status, data } = await post("/v1/clean", cleanBody);
      let report;
      let cleaned = null;
      if (ok) {
        report = data.report;
        cleaned = data.cleaned;
      } else if (status === 501 || status === 500) {
        // Scanning still works when cleaning is unavailable.
        ({ ok, status, data } = await post("/v1/scan", body));
        report = data;
      }
      if (!ok) {
        setStatus(`Error ${status}: ${data.message || JSON.stringify(data)}`, true);
        return;
      }
      lastJson = ok && cleaned !== null ? data : report;
      lastSpans = report.spans;
      const drawn = renderDocument(text, report.spans);
      cleanedEl.textContent = cleaned === null ? "(cleaning unavailable)" : cleaned;
      const verdict = $("verdict");
      verdict.textContent = report.verdict.replace("_", " ");
      verdict.className = "verdict " + report.verdict;
      $("score").textContent = report.score.toFixed(2);
      $("span-count").textContent = String(drawn);
      $("doc-heading").textContent = `Document (${fmt}), spans highlighted`;
      $("summary").hidden = false;
      $("panes").hidden = false;
      details.hidden = true;
      setStatus(`Done: ${report.verdict.replace("_", " ")}, ${drawn} highlighted span(s).`);
    } catch (err) {
      setStatus("Could not reach the server: " + err.message, true);
    } finally {
      button.disabled = false;
      results.setAttribute("aria-busy", "false");
    }
  }

  form.addEventListener("submit", scan);

  $("file").addEventListener("change", async (ev) => {
    const file = ev.target.files[0];
    if (!file) return;
    input.value = await file.text();
    if (/\.html?$/i.test(file.name)) form.querySelector("input[value=html]").checked = true;
    setStatus(`Loaded ${file.name} (${file.size.toLocaleString()} bytes). Press Scan.`);
  });

  $("copy-json").addEventListener("click", async () => {
    if (!lastJson) return;
    const text = JSON.stringify(lastJson, null, 2);
    try {
      await navigator.clipboard.writeText(text);
      setStatus("JSON copied.");
    } catch (_) {
      setStatus("The browser refused clipboard access; use Download JSON instead.", true);
    }
  });

  $("download-json").addEventListener("click", () => {
    if (!lastJson) return;
    const blob = new Blob([JSON.stringify(lastJson, null, 2)], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "spamscalpel-report.json";
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
})();
