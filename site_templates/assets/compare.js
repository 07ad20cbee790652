/* model-catalog: cards side by side, with their differences marked, on the compare pages.
 * One renderer for both pages. A model's page (data-mc-compare="versions") holds the data of each version in a
 * <script type="application/json"> and shows the two chosen in its selects (?a=1.0&b=2.0), so that it works
 * offline and from file://. The page that compares models (data-mc-compare="models") fetches the card.json of
 * each one named in ?m=id@version,... (two to four) and shows them the same way.
 * Column A is the reference: a value that differs from A's is marked, and so is a list item that is not on
 * both sides, by a class and by a word, never by colour alone. Every node is made with createElement and
 * textContent: a card's text never becomes HTML. Plain ES2017, no dependencies, no request leaves the site. */
(function () {
  "use strict";

  var ID = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/; /* the card format's patterns */
  var VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
  var MAX_COLUMNS = 4;
  var LETTERS = "ABCD";
  var METRIC_FIELDS = ["value", "confidence_interval", "threshold", "higher_is_better", "unit", "std", "type"];

  /* ---------- Values ---------- */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function isObject(value) { return value !== null && typeof value === "object" && !Array.isArray(value); }

  function field(card, path) {
    var value = card;
    for (var i = 0; i < path.length; i++) value = isObject(value) ? value[path[i]] : undefined;
    return value;
  }

  function text(value) {
    if (value === undefined || value === null) return "";
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  function listOf(value) {
    if (Array.isArray(value)) return value;
    return value === undefined || value === null || value === "" ? [] : [value];
  }

  function same(x, y) { return JSON.stringify(x === undefined ? null : x) === JSON.stringify(y === undefined ? null : y); }

  /* A metric value as the card pages write it (site/formatting.py's format_number). */
  function formatNumber(value) {
    if (typeof value !== "number" || !isFinite(value)) return text(value);
    if (Number.isInteger(value) && Math.abs(value) >= 1) return value.toLocaleString("en-US");
    if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
    return String(Number(value.toPrecision(4)));
  }

  function decimals(value) {
    var match = /\.(\d+)$/.exec(String(value));
    return match ? match[1].length : /e-/.test(String(value)) ? 12 : 0;
  }

  /* b - a, without the noise of binary fractions (0.823 - 0.79 is 0.033). */
  function difference(a, b) {
    var places = Math.min(12, Math.max(decimals(a), decimals(b)));
    return Number((b - a).toFixed(places));
  }

  function signed(value) {
    if (value === 0) return "±0";
    return (value > 0 ? "+" : "\u2212") + formatNumber(Math.abs(value));
  }

  /* ---------- Marks ---------- */

  /* The words of the marks: a model's versions change; models differ from the first one. */
  function wordsFor(mode) {
    if (mode === "versions") {
      return {
        changed: function () { return "changed"; },
        added: function () { return "added"; },
        removed: function () { return "removed"; }
      };
    }
    return {
      changed: function () { return "differs from A"; },
      added: function () { return "not in A"; },
      removed: function (missing) { return "not in " + missing.join(", "); }
    };
  }

  /* ``node`` marked as ``kind`` (changed, added, removed): by its class, and by ``word`` after its text. */
  function mark(node, kind, word, ctx) {
    node.classList.add("mc-diff", "mc-diff--" + kind);
    node.appendChild(document.createTextNode(" "));
    node.appendChild(el("span", "mc-diff__mark mc-diff__mark--" + kind, word));
    ctx.marked++;
  }

  function none() { return el("span", "mc-compare__none", "none"); }

  /* ---------- Rows of a section ---------- */

  /* One value per column: text. */
  function textRow(label, values, ctx) {
    if (values.every(function (value) { return value === ""; })) return null;
    return {
      label: label,
      cells: values.map(function (value, k) {
        var cell = el("td");
        if (value === "") cell.appendChild(none());
        else cell.appendChild(el("span", "mc-compare__text", value));
        if (k > 0 && value !== values[0]) {
          var kind = values[0] === "" ? "added" : value === "" ? "removed" : "changed";
          mark(cell, kind, ctx.words[kind]([LETTERS[k]]), ctx);
        }
        return cell;
      })
    };
  }

  /* One list per column, of items {key, title, detail}: an item on one side only is added or removed; one on both
   * whose detail differs, changed. */
  function itemsRow(label, lists, ctx) {
    if (lists.every(function (items) { return items.length === 0; })) return null;
    var maps = lists.map(function (items) {
      var found = new Map();
      items.forEach(function (item) { if (!found.has(item.key)) found.set(item.key, item); });
      return found;
    });
    return {
      label: label,
      cells: lists.map(function (items, k) {
        var cell = el("td");
        if (!items.length) { cell.appendChild(none()); return cell; }
        var ul = el("ul", "mc-compare__list");
        items.forEach(function (item) {
          var li = el("li");
          li.appendChild(el("span", "mc-compare__item", item.title));
          if (item.detail) li.appendChild(el("span", "mc-compare__detail", item.detail));
          if (k > 0) {
            var reference = maps[0].get(item.key);
            if (!reference) mark(li, "added", ctx.words.added(), ctx);
            else if (reference.detail !== item.detail) mark(li, "changed", ctx.words.changed(), ctx);
          } else {
            var missing = [];
            for (var j = 1; j < lists.length; j++) if (!maps[j].has(item.key)) missing.push(LETTERS[j]);
            if (missing.length) mark(li, "removed", ctx.words.removed(missing), ctx);
          }
          ul.appendChild(li);
        });
        cell.appendChild(ul);
        return cell;
      })
    };
  }

  function strings(value) {
    return listOf(value).map(function (item) { var t = text(item); return { key: t.trim(), title: t }; });
  }

  function listRow(label, path, ctx) {
    return itemsRow(label, ctx.cards.map(function (card) { return strings(field(card, path)); }), ctx);
  }

  function fieldRow(label, path, ctx) {
    return textRow(label, ctx.cards.map(function (card) { return text(field(card, path)); }), ctx);
  }

  function owners(card) {
    return listOf(card.owners).map(function (owner) {
      var name = text(isObject(owner) ? owner.name : owner);
      var team = isObject(owner) ? text(owner.team) : "";
      return { key: name.trim(), title: name, detail: team };
    });
  }

  function datasets(card, key) {
    return listOf(card[key]).map(function (data) {
      if (!isObject(data)) return { key: text(data), title: text(data) };
      var detail = [data.size, data.description].map(text).filter(Boolean).join(". ");
      return { key: text(data.name), title: text(data.name), detail: detail };
    });
  }

  function risks(card) {
    return listOf(card.ethical_considerations).map(function (item) {
      if (!isObject(item)) return { key: text(item), title: text(item) };
      return { key: text(item.risk), title: text(item.risk), detail: item.mitigation ? "Mitigation: " + text(item.mitigation) : "" };
    });
  }

  function approvals(card) {
    return listOf(card.approvals).map(function (approval) {
      if (!isObject(approval)) return { key: text(approval), title: text(approval) };
      var who = text(approval.approver) + " (" + text(approval.role) + ")";
      return { key: who, title: who, detail: text(approval.date) };
    });
  }

  /* ---------- Metrics, aligned by name, data set, slice (and the Hub's config and split) ---------- */

  function metricKey(metric) {
    return ["name", "dataset", "slice", "dataset_config", "split"].map(function (name) { return text(metric[name]); }).join("\u0000");
  }

  function higherIsBetter(metric) { return metric.higher_is_better !== false; }

  function meets(metric) {
    if (typeof metric.threshold !== "number" || typeof metric.value !== "number") return null;
    return higherIsBetter(metric) ? metric.value >= metric.threshold : metric.value <= metric.threshold;
  }

  function overlap(a, b) {
    var x = a.confidence_interval;
    var y = b.confidence_interval;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length < 2 || y.length < 2) return null;
    return Math.min.apply(null, x) <= Math.max.apply(null, y) && Math.min.apply(null, y) <= Math.max.apply(null, x);
  }

  function unitOf(metric) { return metric.unit && metric.unit !== "fraction" ? " " + text(metric.unit) : ""; }

  function metricCell(metric, reference, k, ctx) {
    var cell = el("td", "mc-compare__metric");
    if (!metric) {
      cell.appendChild(el("span", "mc-compare__none", "not measured"));
      if (k > 0 && reference) mark(cell, "removed", ctx.words.removed([LETTERS[k]]), ctx);
      return cell;
    }
    var value = formatNumber(metric.value) + unitOf(metric) + (metric.std !== undefined && metric.std !== null ? " ± " + formatNumber(metric.std) : "");
    cell.appendChild(el("strong", "mc-compare__value", value));
    if (Array.isArray(metric.confidence_interval) && metric.confidence_interval.length >= 2) {
      cell.appendChild(el("span", "mc-compare__detail",
        "interval " + formatNumber(metric.confidence_interval[0]) + " \u2013 " + formatNumber(metric.confidence_interval[1])));
    }
    if (metric.threshold !== undefined && metric.threshold !== null) {
      var line = el("span", "mc-compare__detail",
        "threshold " + (higherIsBetter(metric) ? "\u2265 " : "\u2264 ") + formatNumber(metric.threshold) + unitOf(metric) + ": ");
      var passed = meets(metric);
      line.appendChild(el("span", passed ? "mc-pass" : "mc-fail", passed ? "meets it" : "misses it"));
      cell.appendChild(line);
    }
    if (k > 0 && reference) {
      if (typeof metric.value === "number" && typeof reference.value === "number") {
        var delta = difference(reference.value, metric.value);
        var direction = delta === 0 ? "same" : (delta > 0) === higherIsBetter(metric) ? "better" : "worse";
        var change = el("span", "mc-compare__delta mc-compare__delta--" + direction,
          "\u0394 " + signed(delta) + unitOf(metric) + " (" + direction + ")");
        cell.appendChild(change);
        if (direction === "worse" && overlap(reference, metric) === false) {
          cell.appendChild(el("span", "mc-compare__delta mc-compare__delta--regression", "worse beyond the intervals"));
        }
      }
      if (METRIC_FIELDS.some(function (name) { return !same(metric[name], reference[name]); })) {
        mark(cell, "changed", ctx.words.changed(), ctx);
      }
    } else if (k > 0) {
      mark(cell, "added", ctx.words.added(), ctx);
    }
    return cell;
  }

  function metricRows(ctx) {
    var order = [];
    var byColumn = ctx.cards.map(function (card) {
      var found = new Map();
      listOf(card.metrics).forEach(function (metric) {
        if (!isObject(metric)) return;
        var key = metricKey(metric);
        if (found.has(key)) return; /* the first wins, as on the card pages */
        found.set(key, metric);
        if (order.indexOf(key) === -1) order.push(key);
      });
      return found;
    });
    return order.map(function (key) {
      var any = byColumn.map(function (found) { return found.get(key); }).filter(Boolean)[0];
      var label = el("th");
      label.scope = "row";
      label.appendChild(el("strong", null, text(any.name)));
      var where = [text(any.dataset_config) && "config " + text(any.dataset_config), text(any.split) && "split " + text(any.split)].filter(Boolean);
      var dataset = text(any.dataset) + (where.length ? " (" + where.join(", ") + ")" : "");
      if (dataset) label.appendChild(el("span", "mc-compare__detail", dataset));
      label.appendChild(el("span", "mc-compare__detail", any.slice ? "slice " + text(any.slice) : "all data"));
      var reference = byColumn[0].get(key);
      return {
        header: label,
        cells: byColumn.map(function (found, k) { return metricCell(found.get(key), reference, k, ctx); })
      };
    });
  }

  /* ---------- The view ---------- */

  function section(view, id, title, rows, ctx) {
    rows = rows.filter(Boolean);
    if (!rows.length) return;
    var heading = el("h2", null, title);
    heading.id = id;
    view.appendChild(heading);
    var table = el("table", "mc-compare__table mc-compare__table--" + ctx.columns.length);
    table.setAttribute("aria-labelledby", id);
    var head = el("tr");
    var corner = el("th");
    corner.scope = "col";
    corner.appendChild(el("span", "mc-visually-hidden", "Field"));
    head.appendChild(corner);
    ctx.columns.forEach(function (column, k) {
      var th = el("th");
      th.scope = "col";
      th.appendChild(el("span", "mc-compare__letter", LETTERS[k]));
      th.appendChild(document.createTextNode(" "));
      var link = el("a", null, column.title);
      link.setAttribute("href", column.href);
      th.appendChild(link);
      head.appendChild(th);
    });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el("tbody");
    rows.forEach(function (row) {
      var tr = el("tr");
      var header = row.header || el("th", null, row.label);
      header.scope = "row";
      tr.appendChild(header);
      row.cells.forEach(function (cell) { tr.appendChild(cell); });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    view.appendChild(table);
  }

  /* Render ``columns`` ({title, href, card}, two to four) into ``view``; returns how many differences it marked. */
  function render(view, columns, mode) {
    var ctx = {
      columns: columns,
      cards: columns.map(function (column) { return isObject(column.card) ? column.card : {}; }),
      words: wordsFor(mode),
      marked: 0
    };
    var fragment = document.createDocumentFragment();
    section(fragment, "compare-overview", "Overview", [
      fieldRow("Summary", ["summary"], ctx),
      mode === "versions" ? fieldRow("Name", ["name"], ctx) : null,
      fieldRow("Status", ["status"], ctx),
      fieldRow("Risk tier", ["risk_tier"], ctx),
      fieldRow("License", ["license"], ctx),
      fieldRow("Task", ["task"], ctx),
      itemsRow("Owners", ctx.cards.map(owners), ctx),
      fieldRow("Created", ["created"], ctx),
      fieldRow("Updated", ["updated"], ctx),
      fieldRow("Base model", ["model_details", "base_model"], ctx),
      listRow("Tags", ["tags"], ctx)
    ], ctx);
    section(fragment, "compare-intended-use", "Intended use", [
      listRow("Primary uses", ["intended_use", "primary_uses"], ctx),
      listRow("Primary users", ["intended_use", "primary_users"], ctx),
      listRow("Out of scope", ["intended_use", "out_of_scope"], ctx)
    ], ctx);
    section(fragment, "compare-limitations", "Limitations", [listRow("Limitations", ["limitations"], ctx)], ctx);
    section(fragment, "compare-metrics", "Metrics", metricRows(ctx), ctx);
    section(fragment, "compare-factors", "Factors", [
      listRow("Relevant factors", ["factors", "relevant"], ctx),
      listRow("Evaluation factors", ["factors", "evaluation"], ctx)
    ], ctx);
    section(fragment, "compare-data", "Data sets", [
      itemsRow("Evaluation data", ctx.cards.map(function (card) { return datasets(card, "evaluation_data"); }), ctx),
      itemsRow("Training data", ctx.cards.map(function (card) { return datasets(card, "training_data"); }), ctx)
    ], ctx);
    section(fragment, "compare-ethics", "Ethical considerations", [
      itemsRow("Risks and mitigations", ctx.cards.map(risks), ctx)
    ], ctx);
    section(fragment, "compare-caveats", "Caveats and recommendations", [
      listRow("Caveats and recommendations", ["caveats_and_recommendations"], ctx)
    ], ctx);
    section(fragment, "compare-approvals", "Approvals", [itemsRow("Approvals", ctx.cards.map(approvals), ctx)], ctx);
    while (view.firstChild) view.removeChild(view.firstChild);
    view.appendChild(fragment);
    return ctx.marked;
  }

  function counted(n) { return n === 0 ? "no differences" : n === 1 ? "1 difference marked" : n + " differences marked"; }

  function replaceQuery(params) {
    var query = params.toString();
    try {
      window.history.replaceState(window.history.state, "",
        window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    } catch (e) { /* some browsers refuse replaceState on file:// pages */ }
  }

  /* ---------- A model's versions ---------- */

  function setupVersions(root, view, status) {
    var holder = root.querySelector("template[data-mc-compare-template]");
    var script = holder && holder.content ? holder.content.querySelector("script[data-mc-compare-data]") : null;
    var form = root.querySelector("[data-mc-compare-form]");
    var selects = form ? Array.prototype.slice.call(form.querySelectorAll("select[data-mc-compare-select]")) : [];
    var data;
    try { data = JSON.parse(script ? script.textContent : ""); } catch (e) { data = null; }
    var versions = data && Array.isArray(data.versions) ? data.versions : [];
    if (selects.length !== 2 || versions.length < 2) return false;
    var byVersion = new Map(versions.map(function (entry) { return [String(entry.version), entry]; }));
    var defaults = selects.map(function (select) {
      var chosen = select.querySelector("option[selected]") || select.options[0];
      return chosen ? chosen.value : "";
    });
    var name = text(field(versions[0].card, ["name"]));

    function readUrl() {
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (select, k) {
        var wanted = params.get(select.name);
        select.value = wanted !== null && byVersion.has(wanted) ? wanted : defaults[k];
      });
    }

    function update() {
      var chosen = selects.map(function (select) { return byVersion.get(select.value); });
      var columns = chosen.map(function (entry) {
        return { title: name + " " + entry.version, href: entry.href, card: entry.card };
      });
      var n = render(view, columns, "versions");
      status.textContent = "Version A is " + chosen[0].version + ", version B " + chosen[1].version +
        (chosen[0] === chosen[1] ? ": the same version on both sides." : ": " + counted(n) + ".");
    }

    function writeUrl() {
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (select) { params.set(select.name, select.value); });
      replaceQuery(params);
    }

    form.addEventListener("change", function () { update(); writeUrl(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    readUrl();
    form.hidden = false;
    update();
    return true;
  }

  /* ---------- Models picked on the index ---------- */

  function wantedModels() {
    var params = new URLSearchParams(window.location.search);
    var entries = (params.get("m") || "").replace(/ /g, "+").split(",") /* a "+" left unencoded reads as a space */
      .map(function (entry) { return entry.trim(); })
      .filter(Boolean);
    var wanted = [];
    var refused = [];
    entries.forEach(function (entry) {
      var at = entry.lastIndexOf("@");
      var id = entry.slice(0, at);
      var version = entry.slice(at + 1);
      if (at < 1 || !ID.test(id) || !VERSION.test(version)) refused.push(entry);
      else if (!wanted.some(function (other) { return other.id === id && other.version === version; })) {
        wanted.push({ id: id, version: version });
      }
    });
    return { wanted: wanted, refused: refused };
  }

  function fill(pattern, model) {
    return pattern.split("{id}").join(model.id).split("{version}").join(model.version);
  }

  function setupModels(root, view, status) {
    var problem = root.querySelector("[data-mc-compare-problem]");
    var jsonPattern = root.getAttribute("data-mc-card-json") || "";
    var pagePattern = root.getAttribute("data-mc-card-page") || "";
    var asked = wantedModels();
    var wanted = asked.wanted.slice(0, MAX_COLUMNS);
    var problems = [];
    if (asked.refused.length) {
      problems.push("Not a model id and version (id@version), left out: " + asked.refused.join(", ") + ".");
    }
    if (asked.wanted.length > MAX_COLUMNS) {
      problems.push("At most " + MAX_COLUMNS + " models can be compared: the first " + MAX_COLUMNS + " are shown.");
    }

    function say(lines) {
      if (!problem) return;
      while (problem.firstChild) problem.removeChild(problem.firstChild);
      lines.forEach(function (line) { problem.appendChild(el("p", null, line)); });
      problem.hidden = lines.length === 0;
    }

    if (wanted.length < 2) {
      status.textContent = "";
      problems.push("Choose two to four models to compare: select them on the catalog index, then press \u201cCompare selected\u201d.");
      say(problems);
      return;
    }
    status.textContent = "Loading " + wanted.length + " models\u2026";
    var loads = wanted.map(function (model) {
      return window.fetch(fill(jsonPattern, model), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status === 404 ? "this catalog has no such model or version" : "the server answered " + response.status);
          return response.json();
        })
        .then(function (card) {
          if (!isObject(card) || card.id !== model.id || String(card.version) !== model.version) {
            throw new Error("its card.json is not the card of this model and version");
          }
          return { model: model, card: card };
        })
        .catch(function (error) { return { model: model, error: error }; });
    });
    Promise.all(loads).then(function (results) {
      var loaded = results.filter(function (result) { return result.card; });
      var failed = results.filter(function (result) { return !result.card; });
      failed.forEach(function (result) {
        var reason = result.error instanceof TypeError || !result.error.message ? "it could not be read" : result.error.message;
        problems.push("Could not load " + result.model.id + " " + result.model.version + ": " + reason + ".");
      });
      if (failed.length && window.location.protocol === "file:") {
        problems.push("This page is opened from a file (file://), where the browser does not let it read the models' " +
          "card.json files. Open the site from a web server, or compare a model's versions on its own page " +
          "(\u201cCompare versions\u201d), which works from a file.");
      }
      say(problems);
      if (loaded.length < 2) {
        status.textContent = loaded.length ? "Only one of the models could be loaded: nothing to compare." : "No model could be loaded.";
        return;
      }
      var columns = loaded.map(function (result) {
        return {
          title: text(result.card.name || result.model.id) + " " + result.model.version,
          href: fill(pagePattern, result.model),
          card: result.card
        };
      });
      var n = render(view, columns, "models");
      status.textContent = "Comparing " + columns.length + " models, marked against A (" + columns[0].title + "): " + counted(n) + ".";
    });
  }

  /* ---------- Start ---------- */

  function setup(root) {
    if (root.dataset.mcReady) return;
    root.dataset.mcReady = "true";
    var view = root.querySelector("[data-mc-compare-view]");
    var status = root.querySelector("[data-mc-compare-status]");
    if (!view || !status) return;
    var fallback = root.querySelector("[data-mc-compare-fallback]");
    var mode = root.getAttribute("data-mc-compare");
    var started = mode === "versions" ? setupVersions(root, view, status) : mode === "models" ? (setupModels(root, view, status), true) : false;
    if (started && fallback) fallback.hidden = true;
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-mc-compare]"), setup);
  }

  /* As catalog.js: the script sits after the page's content and starts itself, from a server, from file:// and
   * after Material's instant navigation, which runs the content's scripts again. */
  if (document.readyState === "loading") {
    init();
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
