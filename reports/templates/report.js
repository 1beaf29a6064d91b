// SPDX-License-Identifier: BSD-2-Clause
// Filtering and sorting for the report. Plain DOM, no libraries, nothing fetched. All data is
// read from the escaped data-* attributes of the table; nothing is ever written as HTML.
// The filter lives in the URL hash (#filter=regressed&q=loop) so a link, or a headless
// browser, can open the report already filtered.
(function () {
  "use strict";
  var body = document.body;
  var table = document.getElementById("matrix-table");
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  var noRows = document.getElementById("no-rows");
  var state = { filter: "all", q: "" };

  function readHash() {
    var h = window.location.hash.replace(/^#/, "");
    if (h.indexOf("=") < 0) return false;  // a plain anchor such as #p3
    state.filter = "all";
    state.q = "";
    h.split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i < 0) return;
      var k = decodeURIComponent(kv.slice(0, i));
      var v = decodeURIComponent(kv.slice(i + 1));
      if (k === "filter") state.filter = v || "all";
      if (k === "q") state.q = v;
    });
    return true;
  }

  function writeHash() {
    var parts = [];
    if (state.filter !== "all") parts.push("filter=" + encodeURIComponent(state.filter));
    if (state.q) parts.push("q=" + encodeURIComponent(state.q));
    var url = window.location.pathname + window.location.search + (parts.length ? "#" + parts.join("&") : "");
    try { window.history.replaceState(null, "", url); } catch (e) { /* some file:// setups refuse */ }
  }

  function matches(el) {
    var tags = (el.getAttribute("data-tags") || "").split(" ");
    if (state.filter !== "all" && tags.indexOf(state.filter) < 0) return false;
    if (state.q && (el.getAttribute("data-search") || "").toLowerCase().indexOf(state.q.toLowerCase()) < 0) return false;
    return true;
  }

  function apply() {
    var visible = 0;
    rows.forEach(function (row) {
      var ok = matches(row);
      row.hidden = !ok;
      var detail = document.getElementById(row.getAttribute("data-id"));
      if (detail) detail.hidden = !ok;
      if (ok) visible++;
    });
    document.querySelectorAll("[data-filter]").forEach(function (b) {
      if (b.tagName === "BUTTON") b.setAttribute("aria-pressed", String(b.getAttribute("data-filter") === state.filter));
    });
    if (search.value !== state.q) search.value = state.q;
    noRows.hidden = visible !== 0;
    shown.textContent = visible + " of " + rows.length + " programs shown";
    body.setAttribute("data-filter", state.filter);
    body.setAttribute("data-visible-rows", String(visible));
  }

  document.querySelectorAll("button[data-filter]").forEach(function (b) {
    b.addEventListener("click", function () {
      var f = b.getAttribute("data-filter");
      state.filter = state.filter === f && f !== "all" ? "all" : f;
      writeHash();
      apply();
    });
  });
  search.addEventListener("input", function () {
    state.q = search.value;
    writeHash();
    apply();
  });
  window.addEventListener("hashchange", function () { if (readHash()) apply(); });

  // Sorting: text columns alphabetically, status columns by rank (most important first).
  var sortKey = null, sortDir = 1;
  function keyOf(row, key) {
    if (key === "rank") return Number(row.getAttribute("data-rank"));
    if (key.charAt(0) === "k") {
      var cell = row.querySelectorAll("td.cell")[Number(key.slice(1))];
      return cell ? Number(cell.getAttribute("data-rank")) : 0;
    }
    return (row.getAttribute("data-" + key) || "").toLowerCase();
  }
  function tieBreak(row) { return (row.getAttribute("data-object") + "/" + row.getAttribute("data-program")).toLowerCase(); }
  table.querySelectorAll("th[data-sort]").forEach(function (th) {
    th.addEventListener("click", function () {
      var key = th.getAttribute("data-sort");
      sortDir = sortKey === key ? -sortDir : 1;
      sortKey = key;
      table.querySelectorAll("th[data-sort]").forEach(function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = keyOf(a, key), y = keyOf(b, key);
        if (x < y) return -sortDir;
        if (x > y) return sortDir;
        var s = tieBreak(a), t = tieBreak(b);
        return s < t ? -1 : s > t ? 1 : 0;
      });
      rows.forEach(function (r) { tbody.appendChild(r); });
    });
  });

  function setOpen(open) {
    document.querySelectorAll("details.pk").forEach(function (d) { d.open = open; });
  }
  document.getElementById("expand-all").addEventListener("click", function () { setOpen(true); });
  document.getElementById("collapse-all").addEventListener("click", function () { setOpen(false); });

  readHash();
  apply();
  body.setAttribute("data-js", "ready");
})();
