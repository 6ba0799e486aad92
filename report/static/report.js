// The report's behaviour: filters, views, keyboard navigation, and
// verdicts given on the page, kept in this browser (localStorage) and
// exported as a seedform.review.json fragment for `seedform approve -from`.
(function () {
  "use strict";
  var body = document.body;
  var storeKey = "seedform-review:" + body.dataset.report;
  var items = Array.prototype.slice.call(document.querySelectorAll(".item"));
  var given = {}; // sha256 -> {address, verdict}: what was decided on this page

  try { given = JSON.parse(localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { given = {}; }

  // A content's verdict: given on this page, else from the review file.
  function verdictOf(pair) {
    var g = given[pair.dataset.sha];
    return g ? g.verdict : (pair.dataset.fileVerdict || "");
  }

  // refresh shows each image's verdict and the item's: approved when all
  // its images are, rejected when one is.
  function refresh(item) {
    var pairs = Array.prototype.slice.call(item.querySelectorAll(".pair[data-sha]"));
    if (!pairs.length) return;
    var v = pairs.map(function (p) {
      var x = verdictOf(p);
      if (x) p.dataset.verdict = x; else p.removeAttribute("data-verdict");
      return x;
    });
    if (v.indexOf("rejected") >= 0) item.dataset.verdict = "rejected";
    else if (v.every(function (x) { return x === "approved"; })) item.dataset.verdict = "approved";
    else item.removeAttribute("data-verdict");
  }

  function counts() {
    var unreviewed = 0;
    items.forEach(function (it) { if (it.dataset.review === "needed" && !it.dataset.verdict) unreviewed++; });
    document.getElementById("unreviewed-count").textContent = unreviewed;
    var n = Object.keys(given).length;
    document.getElementById("verdict-count").textContent = n ? n + " verdict" + (n > 1 ? "s" : "") + " given here" : "";
  }

  function save() {
    try { localStorage.setItem(storeKey, JSON.stringify(given)); } catch (e) { /* private mode: the export still works */ }
    counts();
  }

  // decide gives the verdict (null: takes back the one given here) to
  // one image of the item, or to all of them.
  function decide(item, verdict, pair) {
    var pairs = pair ? [pair] : Array.prototype.slice.call(item.querySelectorAll(".pair[data-sha]"));
    if (!pairs.length) return;
    pairs.forEach(function (p) {
      if (verdict) given[p.dataset.sha] = { address: item.dataset.address, verdict: verdict };
      else delete given[p.dataset.sha];
    });
    refresh(item);
    save();
  }

  // The export is a review file: version and approvals by sha256, sorted.
  function exportText() {
    var keys = Object.keys(given).sort();
    var lines = keys.map(function (h) {
      return "    " + JSON.stringify(h) + ": {\"address\": " + JSON.stringify(given[h].address) +
        ", \"verdict\": " + JSON.stringify(given[h].verdict) + "}";
    });
    return "{\n  \"version\": 1,\n  \"approvals\": {" + (lines.length ? "\n" + lines.join(",\n") + "\n  " : "") + "}\n}\n";
  }

  function press(attr, value) {
    document.querySelectorAll("button[data-" + attr + "]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset[attr] === value ? "true" : "false");
    });
  }

  function visible() {
    return items.filter(function (it) { return it.offsetParent !== null; });
  }

  var current = null;
  function focusItem(item) {
    if (current) current.classList.remove("current");
    current = item;
    if (!item) return;
    item.classList.add("current");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }

  function step(delta) {
    var v = visible();
    if (!v.length) return;
    var i = v.indexOf(current);
    focusItem(v[i < 0 ? 0 : Math.max(0, Math.min(v.length - 1, i + delta))]);
  }

  function setView(view, item) {
    if (item) { item.dataset.view = view; return; }
    body.dataset.view = view;
    items.forEach(function (it) { it.removeAttribute("data-view"); });
    press("view", view);
  }

  document.addEventListener("click", function (e) {
    var t = e.target;
    var item = t.closest(".item");
    if (t.matches("button[data-filter]")) { body.dataset.filter = t.dataset.filter; press("filter", t.dataset.filter); return; }
    if (t.matches("button[data-view]")) { setView(t.dataset.view); return; }
    if (t.id === "export") {
      var text = exportText();
      var box = document.getElementById("export-box");
      document.getElementById("export-text").value = text;
      document.getElementById("export-download").href = "data:application/json;charset=utf-8," + encodeURIComponent(text);
      box.hidden = false;
      return;
    }
    if (!item) return;
    focusItem(item);
    if (t.matches("button.approve")) decide(item, "approved");
    else if (t.matches("button.reject")) decide(item, "rejected");
    else if (t.matches("button.approve-one")) decide(item, "approved", t.closest(".pair"));
    else if (t.matches("button.reject-one")) decide(item, "rejected", t.closest(".pair"));
    else if (t.closest(".both .stage")) {
      var view = item.dataset.view || body.dataset.view;
      if (view === "toggle") t.closest(".pair").classList.toggle("flipped");
    }
  });

  document.addEventListener("input", function (e) {
    if (!e.target.matches(".slider")) return;
    var pair = e.target.closest(".pair");
    pair.style.setProperty("--pos", e.target.value + "%");
    pair.style.setProperty("--fade", String(e.target.value / 100));
  });

  var views = { "1": "side", "2": "swipe", "3": "onion", "4": "toggle" };
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.matches("input, textarea")) return;
    var k = e.key;
    if (k === "j" || k === "ArrowDown") step(1);
    else if (k === "k" || k === "ArrowUp") step(-1);
    else if (views[k]) setView(views[k], null);
    else if (current && k === "a") decide(current, "approved");
    else if (current && k === "r") decide(current, "rejected");
    else if (current && k === "u") decide(current, null);
    else if (current && k === "t") { var p = current.querySelector(".both"); if (p) p.classList.toggle("flipped"); }
    else return;
    e.preventDefault();
  });

  items.forEach(refresh);
  counts();
}());
