/* model-catalog: client-side filtering, sorting and paging of the catalog index, and the models picked to compare.
 * Progressive enhancement: without this script the table lists every model.
 * With it, the table holds only the first rows that match (data-mc-page-size;
 * 0: all): the others are kept out of the page, so that typing in the filter
 * stays quick with thousands of models. Each row's checkbox picks its model for
 * the compare page (two to four; ?compare=id@version,... keeps them).
 * Plain ES2017, no dependencies, no network requests. */
(function () {
  "use strict";

  var DEFAULT_KEY = "name";
  var MAX_COMPARED = 4; /* columns of the compare page */
  var FIRST_DIR = { name: 1, metric: -1, updated: -1 }; /* first click on a new column */
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  function parseList(value) {
    try {
      var list = JSON.parse(value || "[]");
      return Array.isArray(list) ? list.map(String) : [];
    } catch (e) {
      return [];
    }
  }

  function compareKeys(key, x, y) {
    if (key === "metric") return x - y;
    if (key === "updated") return x < y ? -1 : x > y ? 1 : 0; /* ISO dates */
    return collator.compare(x, y);
  }

  function setup(root) {
    var form = root.querySelector("[data-mc-filters]");
    var table = root.querySelector("[data-mc-table]");
    var tbody = table && table.tBodies[0];
    if (root.dataset.mcReady || !form || !tbody) return;
    root.dataset.mcReady = "true";

    var textInput = form.querySelector("[data-mc-text]");
    var textKey = (textInput && textInput.name) || "q"; /* URL key of the free text */
    var resultCount = root.querySelector("[data-mc-result-count]");
    var empty = root.querySelector("[data-mc-empty]");
    var moreBar = root.querySelector("[data-mc-more]");
    var moreButton = moreBar && moreBar.querySelector("[data-mc-more-rows]");
    var allButton = moreBar && moreBar.querySelector("[data-mc-all-rows]");
    var pageSize = parseInt(table.getAttribute("data-mc-page-size"), 10) || Infinity;
    var limit = pageSize; /* rows shown at most; "Show more" raises it, a new filter resets it */
    var sortHeaders = Array.prototype.slice.call(table.querySelectorAll("th[data-mc-sort]"));
    var sortKeys = sortHeaders.map(function (th) { return th.getAttribute("data-mc-sort"); });
    var state = { q: "", key: DEFAULT_KEY, dir: 1 };

    /* Facets come from the fieldsets, never from a fixed list. */
    var facets = Array.prototype.map.call(form.querySelectorAll("[data-mc-facet]"), function (fieldset) {
      var facet = { el: fieldset, name: fieldset.getAttribute("data-mc-facet"), options: [], values: new Set(), selected: new Set() };
      each(fieldset.querySelectorAll('input[type="checkbox"]'), function (input) {
        var label = input.closest("label") || input.parentNode;
        facet.options.push({ input: input, label: label, countEl: label.querySelector("[data-mc-count]"), count: -1, empty: false });
        facet.values.add(input.value);
      });
      return facet;
    });

    /* Rows are parsed once; filtering only reads these objects. */
    var rows = Array.prototype.map.call(tbody.querySelectorAll("tr[data-mc-row]"), function (el, index) {
      var values = facets.map(function (facet) { return parseList(el.getAttribute("data-f-" + facet.name)); });
      var keys = {};
      sortKeys.forEach(function (key) {
        var raw = el.getAttribute("data-sort-" + key) || "";
        var value = key === "metric" ? parseFloat(raw) : raw;
        keys[key] = raw === "" || value !== value ? null : value; /* empty or NaN: null */
      });
      return {
        el: el, index: index, keys: keys, values: values,
        text: (el.getAttribute("data-text") || "").toLowerCase(),
        sets: values.map(function (list) { return new Set(list); })
      };
    });
    var order = rows; /* rows in the sort order */

    /* Models picked to compare, in the order they were picked: "id@version", each a row's checkbox value. */
    var compareBar = root.querySelector("[data-mc-compare-bar]");
    var compareGo = compareBar && compareBar.querySelector("[data-mc-compare-go]");
    var compareClear = compareBar && compareBar.querySelector("[data-mc-compare-clear]");
    var compareNote = compareBar && compareBar.querySelector("[data-mc-compare-note]");
    var pickers = new Map(); /* key -> its row's checkbox, in the table or not */
    var picked = [];
    rows.forEach(function (row) {
      var input = row.el.querySelector("input[data-mc-select]");
      if (input && compareBar) { pickers.set(input.value, input); input.hidden = false; }
    });

    function showPicked(message) {
      if (!compareBar) return;
      var n = picked.length;
      compareGo.textContent = "Compare selected (" + n + ")";
      compareGo.disabled = n < 2 || n > MAX_COMPARED;
      compareNote.textContent = message || (
        n === 0 ? "Select 2 to " + MAX_COMPARED + " models to compare them side by side." :
        n === 1 ? "1 model selected: select at least one more to compare." :
        n < MAX_COMPARED ? n + " models selected; up to " + MAX_COMPARED + " can be compared." :
        n + " models selected, the most that can be compared at once.");
    }

    function pick(key, on) {
      var input = pickers.get(key);
      if (on && picked.indexOf(key) === -1) picked.push(key);
      if (!on) picked = picked.filter(function (other) { return other !== key; });
      if (input) input.checked = on;
    }
    var shownEls = Array.prototype.slice.call(tbody.children); /* what the table holds now */

    function applySort() {
      var key = state.key;
      var dir = state.dir;
      order = rows.slice().sort(function (a, b) {
        var x = a.keys[key];
        var y = b.keys[key];
        if (x === null || y === null) return x === y ? a.index - b.index : x === null ? 1 : -1; /* empty last */
        return compareKeys(key, x, y) * dir || a.index - b.index;
      });
    }

    /* Make the table hold exactly ``els``, in this order. Rows that stay are not touched: the browser
     * keeps their style and layout, and only the rows that come and go cost it work. */
    function show(els) {
      var wanted = new Set(els);
      shownEls.forEach(function (el) { if (!wanted.has(el)) tbody.removeChild(el); });
      var next = tbody.firstElementChild;
      els.forEach(function (el) {
        if (el === next) next = next.nextElementSibling;
        else tbody.insertBefore(el, next);
      });
      shownEls = els;
    }

    function updateAriaSort() {
      sortHeaders.forEach(function (th, i) {
        var value = sortKeys[i] !== state.key ? "none" : state.dir > 0 ? "ascending" : "descending";
        th.setAttribute("aria-sort", value);
      });
    }

    function filter() {
      var terms = state.q.toLowerCase().split(/\s+/).filter(Boolean);
      var active = [];
      var chosen = [];
      var counts = facets.map(function (facet, f) {
        if (facet.selected.size) { active.push(f); chosen.push(Array.from(facet.selected)); }
        return new Map();
      });
      var matchCount = 0;
      var shownCount = 0;
      var visibleEls = [];

      function tally(row, f) {
        var list = row.values[f];
        for (var k = 0; k < list.length; k++) counts[f].set(list[k], (counts[f].get(list[k]) || 0) + 1);
      }

      for (var i = 0; i < order.length; i++) {
        var row = order[i];
        var ok = true;
        for (var t = 0; t < terms.length && ok; t++) ok = row.text.indexOf(terms[t]) !== -1;
        var misses = 0;
        var missed = -1;
        for (var a = 0; ok && a < active.length && misses < 2; a++) {
          var set = row.sets[active[a]];
          var hit = false;
          for (var w = 0; w < chosen[a].length && !hit; w++) hit = set.has(chosen[a][w]);
          if (!hit) { misses++; missed = active[a]; }
        }
        /* Faceted counts: a row counts for facet F when it matches the text and every other facet. */
        if (ok && misses === 0) for (var g = 0; g < facets.length; g++) tally(row, g);
        else if (ok && misses === 1) tally(row, missed);
        var visible = ok && misses === 0 && matchCount < limit;
        if (ok && misses === 0) matchCount++;
        if (visible) { shownCount++; visibleEls.push(row.el); }
      }
      show(visibleEls);

      facets.forEach(function (facet, f) {
        facet.options.forEach(function (option) {
          var n = counts[f].get(option.input.value) || 0;
          if (n !== option.count && option.countEl) option.countEl.textContent = String(n);
          option.count = n;
          if ((n === 0) !== option.empty) {
            option.empty = n === 0;
            option.label.classList.toggle("mc-facet__option--empty", option.empty);
          }
        });
      });

      var noun = rows.length === 1 ? " model" : " models";
      var filtered = terms.length > 0 || active.length > 0;
      var more = matchCount - shownCount;
      if (resultCount) {
        resultCount.textContent = (filtered ? matchCount + " of " : "") + rows.length + noun +
          (more > 0 ? ", showing the first " + shownCount : "");
      }
      if (empty) empty.hidden = matchCount > 0 || rows.length === 0;
      if (moreBar) {
        moreBar.hidden = more <= 0;
        if (moreButton) moreButton.textContent = "Show " + Math.min(more, pageSize) + " more";
        if (allButton) allButton.textContent = "Show all " + matchCount;
      }
    }

    /* URL state: ?q=text&task=a&task=b&sort=-updated (defaults omitted). */
    function readUrl() {
      var params = new URLSearchParams(window.location.search);
      state.q = params.get(textKey) || "";
      if (textInput) textInput.value = state.q;
      facets.forEach(function (facet) {
        facet.selected = new Set(params.getAll(facet.name).filter(function (v) { return facet.values.has(v); }));
        facet.options.forEach(function (option) { option.input.checked = facet.selected.has(option.input.value); });
      });
      var sort = params.get("sort") || "";
      var dir = sort.charAt(0) === "-" ? -1 : 1;
      var key = dir < 0 ? sort.slice(1) : sort;
      state.key = sortKeys.indexOf(key) !== -1 ? key : DEFAULT_KEY;
      state.dir = state.key === key ? dir : 1;
      picked.slice().forEach(function (other) { pick(other, false); });
      (params.get("compare") || "").split(",").forEach(function (other) {
        if (pickers.has(other) && picked.length < MAX_COMPARED) pick(other, true);
      });
    }

    function writeUrl() {
      var params = new URLSearchParams(window.location.search);
      params.delete(textKey);
      params.delete("sort");
      facets.forEach(function (facet) { params.delete(facet.name); });
      if (state.q.trim()) params.set(textKey, state.q);
      facets.forEach(function (facet) {
        facet.options.forEach(function (option) {
          if (facet.selected.has(option.input.value)) params.append(facet.name, option.input.value);
        });
      });
      if (state.key !== DEFAULT_KEY || state.dir !== 1) params.set("sort", (state.dir < 0 ? "-" : "") + state.key);
      params.delete("compare");
      if (picked.length) params.set("compare", picked.join(","));
      var query = params.toString();
      try {
        window.history.replaceState(window.history.state, "",
          window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      } catch (e) { /* some browsers refuse replaceState on file:// pages */ }
    }

    function update() {
      filter();
      writeUrl();
    }

    form.addEventListener("input", function (event) {
      if (event.target !== textInput) return;
      state.q = textInput.value;
      limit = pageSize;
      update();
    });

    form.addEventListener("change", function (event) {
      var input = event.target;
      var fieldset = input.type === "checkbox" && input.closest("[data-mc-facet]");
      var facet = facets.find(function (item) { return item.el === fieldset; });
      if (!facet) return;
      if (input.checked) facet.selected.add(input.value);
      else facet.selected.delete(input.value);
      limit = pageSize;
      update();
    });

    form.addEventListener("submit", function (event) { event.preventDefault(); });

    /* Reset: clear the state by hand (the browser would reset the inputs after this event). */
    form.addEventListener("reset", function (event) {
      event.preventDefault();
      state.q = "";
      if (textInput) textInput.value = "";
      facets.forEach(function (facet) {
        facet.selected.clear();
        facet.options.forEach(function (option) { option.input.checked = false; });
      });
      limit = pageSize;
      update();
    });

    if (compareBar) {
      tbody.addEventListener("change", function (event) {
        var input = event.target;
        if (!input.matches || !input.matches("input[data-mc-select]")) return;
        if (input.checked && picked.length >= MAX_COMPARED) {
          input.checked = false; /* refused: the compare page has four columns */
          showPicked("At most " + MAX_COMPARED + " models can be compared: clear one of the " + picked.length +
            " selected first.");
          return;
        }
        pick(input.value, input.checked);
        showPicked();
        writeUrl();
      });
      compareClear.addEventListener("click", function () {
        picked.slice().forEach(function (other) { pick(other, false); });
        showPicked();
        writeUrl();
      });
      compareGo.addEventListener("click", function () {
        if (picked.length < 2 || picked.length > MAX_COMPARED) return;
        /* "+" of a version would read as a space in a query */
        var models = picked.map(function (key) { return key.replace(/\+/g, "%2B"); }).join(",");
        window.location.href = compareBar.getAttribute("data-mc-compare-href") + "?m=" + models;
      });
    }

    if (moreButton) moreButton.addEventListener("click", function () { limit += pageSize; filter(); });
    if (allButton) allButton.addEventListener("click", function () { limit = Infinity; filter(); });

    sortHeaders.forEach(function (th, i) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        if (state.key === sortKeys[i]) state.dir = -state.dir;
        else { state.key = sortKeys[i]; state.dir = FIRST_DIR[state.key] || 1; }
        applySort();
        filter(); /* which rows come first changed */
        updateAriaSort();
        writeUrl();
      });
    });

    readUrl();
    form.hidden = false;
    if (compareBar) { showPicked(); compareBar.hidden = false; }
    if (state.key !== DEFAULT_KEY || state.dir !== 1) applySort(); /* server order is name ascending */
    updateAriaSort();
    filter();
  }

  function init() {
    each(document.querySelectorAll("[data-mc-catalog]"), setup);
  }

  /* The script sits after the catalog in the page's content and starts itself when it runs: on a page loaded
   * whole, from a server or from file://, and on one that Material's navigation.instant swapped in, which runs
   * the content's scripts again. It waits for nothing of Material (whose document$ never emits from file://);
   * setup() starts each catalog once. */
  if (document.readyState === "loading") {
    init(); /* what is parsed already */
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
