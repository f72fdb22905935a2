// Signpost: progressive enhancement only. Every page works without this.
// - /search: results update as you type and when a filter changes, without
//   a reload; the URL follows, so every state is a shareable link and Back works.
// - "Exit this page": pressing Shift three times leaves at once.
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");

  // ---- Exit this page -------------------------------------------------
  function exitPage() {
    var link = doc.querySelector("[data-exit]");
    if (link) { window.location.replace(link.href); }
  }
  var shifts = 0, shiftTimer = 0;
  doc.addEventListener("keydown", function (e) {
    if (!doc.querySelector("[data-exit]")) { return; }
    if (e.key === "Shift" && !e.repeat) {
      shifts += 1;
      clearTimeout(shiftTimer);
      shiftTimer = setTimeout(function () { shifts = 0; }, 1000);
      if (shifts >= 3) { shifts = 0; exitPage(); }
    } else if (e.key !== "Shift") {
      shifts = 0;
    }
  });
  doc.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("[data-exit]");
    if (link) { e.preventDefault(); exitPage(); }
  });

  // ---- Live search ------------------------------------------------------
  var form = doc.querySelector("form[data-live-search]");
  if (!form || !window.fetch || !window.history.pushState) { return; }
  var timer = 0, controller = null;
  // The search page's own address, with the site's path prefix when it is
  // served under one (/signpost/search): every URL below starts from it.
  var searchPath = form.getAttribute("action") || "/search";

  function queryOf(f) {
    var params = new URLSearchParams();
    new FormData(f).forEach(function (value, key) {
      if (value !== "" && !(key === "sort" && value === "relevance")) { params.append(key, value); }
    });
    return params.toString();
  }

  function swap(html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    ["results", "filters"].forEach(function (id) {
      var mine = doc.getElementById(id), theirs = next.getElementById(id);
      if (mine && theirs) {
        var focusedId = doc.activeElement && mine.contains(doc.activeElement) ? doc.activeElement.id : "";
        // Keep each facet open or closed as the reader left it.
        var open = {};
        mine.querySelectorAll("details").forEach(function (d, i) { open[i] = d.open; });
        mine.replaceWith(theirs);
        theirs.querySelectorAll("details").forEach(function (d, i) { if (i in open) { d.open = open[i]; } });
        if (focusedId) {
          var again = doc.getElementById(focusedId);
          if (again) { again.focus(); }
        }
      }
    });
    doc.title = next.title;
    var count = doc.getElementById("result-count"), announce = doc.getElementById("announce");
    if (count && announce) { announce.textContent = count.textContent; }
  }

  function load(url, mode) {
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    return fetch(url, { signal: controller ? controller.signal : undefined, headers: { Accept: "text/html" } })
      .then(function (r) {
        if (r.status !== 200) { window.location.href = url; return null; }
        return r.text();
      })
      .then(function (html) {
        if (html === null) { return; }
        if (mode === "push") { history.pushState({ signpost: true }, "", url); }
        else if (mode === "replace") { history.replaceState({ signpost: true }, "", url); }
        swap(html);
      })
      .catch(function (err) { if (!err || err.name !== "AbortError") { window.location.href = url; } });
  }

  function urlFor(query) { return searchPath + (query ? "?" + query : ""); }

  var q = doc.getElementById("q");
  if (q) {
    q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { load(urlFor(queryOf(form)), "replace"); }, 250);
    });
  }
  form.addEventListener("change", function (e) {
    if (e.target.matches("input[type=checkbox], select")) { load(urlFor(queryOf(form)), "push"); }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    load(urlFor(queryOf(form)), "push");
  });
  form.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[href]");
    var href = link ? link.getAttribute("href") : "";
    if (!link || (href !== searchPath && href.indexOf(searchPath + "?") !== 0) || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) { return; }
    e.preventDefault();
    load(link.getAttribute("href"), "push").then(function () {
      var count = doc.getElementById("result-count");
      if (count) { count.setAttribute("tabindex", "-1"); count.focus(); }
    });
  });
  window.addEventListener("popstate", function () {
    load(window.location.pathname + window.location.search, "none").then(function () {
      var params = new URLSearchParams(window.location.search);
      if (q) { q.value = params.get("q") || ""; }
    });
  });
  history.replaceState({ signpost: true }, "", window.location.href);
})();
