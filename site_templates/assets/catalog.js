/* model-catalog: client-side filtering and sorting of the catalog index.
 * Progressive enhancement: without this script the table lists every model.
 * Plain ES2017, no dependencies, no network requests. */
(function () {
  "use strict";

  var DEFAULT_SORT = { key: "name", dir: 1 };
  var FIRST_DIR = { name: 1, metric: -1, updated: -1 };
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function parseList(value) {
    if (!value) return [];
    try {
      var list = JSON.parse(value);
      return Array.isArray(list) ? list.map(String) : [];
    } catch (e) {
      return [];
    }
  }

  function setup(root) {
    if (root.dataset.mcReady) return;
    var form = root.querySelector("[data-mc-filters]");
    var table = root.querySelector("[data-mc-table]");
    var tbody = table && table.tBodies[0];
    if (!form || !tbody) return;
    root.dataset.mcReady = "true";

    var textInput = form.querySelector("[data-mc-text]");
    var resultCount = root.querySelector("[data-mc-result-count]");
    var empty = root.querySelector("[data-mc-empty]");
    var sortHeaders = Array.prototype.slice.call(table.querySelectorAll("th[data-mc-sort]"));

    /* Facets: read from the fieldsets, never hard-coded. */
    var facets = Array.prototype.map.call(form.querySelectorAll("[data-mc-facet]"), function (fieldset) {
      var facet = { name: fieldset.getAttribute("data-mc-facet"), options: [], byValue: new Map(), selected: new Set() };
      Array.prototype.forEach.call(fieldset.querySelectorAll('input[type="checkbox"]'), function (input) {
        var option = {
          input: input,
          label: input.closest("label") || input.parentNode,
          countEl: (input.closest("label") || fieldset).querySelector("[data-mc-count]"),
          count: -1,
          empty: false
        };
        facet.options.push(option);
        facet.byValue.set(input.value, option);
      });
      return facet;
    });

    /* Rows: parsed once. */
    var rows = Array.prototype.map.call(tbody.querySelectorAll("tr[data-mc-row]"), function (el, index) {
      var metric = parseFloat(el.getAttribute("data-sort-metric"));
      var values = facets.map(function (facet) {
        return parseList(el.getAttribute("data-f-" + facet.name));
      });
      return {
        el: el,
        index: index,
        text: (el.getAttribute("data-text") || "").toLowerCase(),
        values: values,
        sets: values.map(function (list) { return new Set(list); }),
        name: el.getAttribute("data-sort-name") || "",
        metric: isFinite(metric) ? metric : null,
        updated: el.getAttribute("data-sort-updated") || null,
        shown: !el.hidden
      };
    });

    var state = { q: "", sort: { key: DEFAULT_SORT.key, dir: DEFAULT_SORT.dir } };

    function sortKeyOf(row, key) {
      if (key === "metric") return row.metric;
      if (key === "updated") return row.updated;
      return row.name === "" ? null : row.name;
    }

    function applySort() {
      var key = state.sort.key;
      var dir = state.sort.dir;
      var order = rows.slice().sort(function (a, b) {
        var x = sortKeyOf(a, key);
        var y = sortKeyOf(b, key);
        if (x === null || y === null) {
          if (x !== y) return x === null ? 1 : -1;
          return a.index - b.index;
        }
        var c;
        if (key === "metric") c = x - y;
        else if (key === "updated") c = x < y ? -1 : x > y ? 1 : 0;
        else c = collator.compare(x, y);
        return c * dir || a.index - b.index;
      });
      var fragment = document.createDocumentFragment();
      order.forEach(function (row) { fragment.appendChild(row.el); });
      tbody.appendChild(fragment);
      sortHeaders.forEach(function (th) {
        var active = th.getAttribute("data-mc-sort") === key;
        th.setAttribute("aria-sort", active ? (dir > 0 ? "ascending" : "descending") : "none");
      });
    }

    function filter() {
      var terms = state.q.toLowerCase().split(/\s+/).filter(Boolean);
      var active = [];
      var chosen = [];
      facets.forEach(function (facet, f) {
        if (facet.selected.size) { active.push(f); chosen.push(Array.from(facet.selected)); }
      });
      var counts = facets.map(function () { return new Map(); });
      var shownCount = 0;

      function tally(row, f) {
        var list = row.values[f];
        var map = counts[f];
        for (var k = 0; k < list.length; k++) map.set(list[k], (map.get(list[k]) || 0) + 1);
      }

      for (var i = 0; i < rows.length; i++) {
        var row = rows[i];
        var ok = true;
        for (var t = 0; t < terms.length; t++) {
          if (row.text.indexOf(terms[t]) === -1) { ok = false; break; }
        }
        var missed = -1;
        var misses = 0;
        if (ok) {
          for (var a = 0; a < active.length && misses < 2; a++) {
            var set = row.sets[active[a]];
            var wanted = chosen[a];
            var hit = false;
            for (var w = 0; w < wanted.length && !hit; w++) hit = set.has(wanted[w]);
            if (!hit) { misses++; missed = active[a]; }
          }
          if (misses === 0) {
            for (var g = 0; g < facets.length; g++) tally(row, g);
          } else if (misses === 1) {
            tally(row, missed);
          }
        }
        var visible = ok && misses === 0;
        if (visible) shownCount++;
        if (visible !== row.shown) {
          row.shown = visible;
          row.el.hidden = !visible;
        }
      }

      facets.forEach(function (facet, f) {
        facet.options.forEach(function (option) {
          var n = counts[f].get(option.input.value) || 0;
          if (n !== option.count) {
            option.count = n;
            if (option.countEl) option.countEl.textContent = String(n);
          }
          if ((n === 0) !== option.empty) {
            option.empty = n === 0;
            option.label.classList.toggle("mc-facet__option--empty", option.empty);
          }
        });
      });

      var filtered = terms.length > 0 || active.length > 0;
      var noun = rows.length === 1 ? " model" : " models";
      if (resultCount) {
        resultCount.textContent = filtered ? shownCount + " of " + rows.length + noun : rows.length + noun;
      }
      if (empty) empty.hidden = shownCount > 0 || rows.length === 0;
    }

    /* URL state: ?q=…&task=a&task=b&sort=-updated */
    function readUrl() {
      var params = new URLSearchParams(window.location.search);
      state.q = params.get("q") || "";
      if (textInput) textInput.value = state.q;
      facets.forEach(function (facet) {
        facet.selected.clear();
        params.getAll(facet.name).forEach(function (value) {
          if (facet.byValue.has(value)) facet.selected.add(value);
        });
        facet.options.forEach(function (option) {
          option.input.checked = facet.selected.has(option.input.value);
        });
      });
      var sort = params.get("sort") || "";
      var dir = sort.charAt(0) === "-" ? -1 : 1;
      var key = dir < 0 ? sort.slice(1) : sort;
      var known = sortHeaders.some(function (th) { return th.getAttribute("data-mc-sort") === key; });
      state.sort = known ? { key: key, dir: dir } : { key: DEFAULT_SORT.key, dir: DEFAULT_SORT.dir };
    }

    function writeUrl() {
      var params = new URLSearchParams(window.location.search);
      ["q", "sort"].concat(facets.map(function (facet) { return facet.name; })).forEach(function (key) {
        params.delete(key);
      });
      if (state.q.trim()) params.set("q", state.q);
      facets.forEach(function (facet) {
        facet.options.forEach(function (option) {
          if (facet.selected.has(option.input.value)) params.append(facet.name, option.input.value);
        });
      });
      if (state.sort.key !== DEFAULT_SORT.key || state.sort.dir !== DEFAULT_SORT.dir) {
        params.set("sort", (state.sort.dir < 0 ? "-" : "") + state.sort.key);
      }
      var query = params.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      try {
        window.history.replaceState(window.history.state, "", url);
      } catch (e) { /* e.g. file:// URLs in some browsers */ }
    }

    /* Events */
    form.addEventListener("input", function (event) {
      if (event.target !== textInput) return;
      state.q = textInput.value;
      filter();
      writeUrl();
    });

    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.type !== "checkbox") return;
      var fieldset = input.closest("[data-mc-facet]");
      var facet = fieldset && facets.find(function (item) { return item.name === fieldset.getAttribute("data-mc-facet"); });
      if (!facet) return;
      if (input.checked) facet.selected.add(input.value);
      else facet.selected.delete(input.value);
      filter();
      writeUrl();
    });

    form.addEventListener("submit", function (event) { event.preventDefault(); });

    form.addEventListener("reset", function (event) {
      event.preventDefault();
      state.q = "";
      if (textInput) textInput.value = "";
      facets.forEach(function (facet) {
        facet.selected.clear();
        facet.options.forEach(function (option) { option.input.checked = false; });
      });
      filter();
      writeUrl();
    });

    sortHeaders.forEach(function (th) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var key = th.getAttribute("data-mc-sort");
        if (state.sort.key === key) state.sort.dir = -state.sort.dir;
        else state.sort = { key: key, dir: FIRST_DIR[key] || 1 };
        applySort();
        writeUrl();
      });
    });

    /* Init */
    readUrl();
    form.hidden = false;
    if (state.sort.key !== DEFAULT_SORT.key || state.sort.dir !== DEFAULT_SORT.dir) applySort();
    else sortHeaders.forEach(function (th) {
      th.setAttribute("aria-sort", th.getAttribute("data-mc-sort") === DEFAULT_SORT.key ? "ascending" : "none");
    });
    filter();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-mc-catalog]"), setup);
  }

  /* Material's navigation.instant swaps pages without reloading: its document$
   * observable emits for every page, the first one included. */
  function start() {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(init);
    } else {
      init();
    }
  }

  if (window.document$ || document.readyState !== "loading") start();
  else document.addEventListener("DOMContentLoaded", start);
})();
