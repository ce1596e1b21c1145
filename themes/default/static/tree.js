"use strict";
// Troubleshooter enhancement. Without this file every answer is a plain link
// to the next node's page; with it, answers move in place and the answers
// given so far travel in the URL as ?path=0.1 (answer indices from the start).
(function () {
  var root = document.querySelector("[data-tree]");
  if (!root || !window.fetch || !history.pushState) return;
  var slug = root.dataset.tree, key = "waymark:trail:" + slug, fbKey = "waymark:feedback:" + slug + ":";
  var $ = function (s) { return root.querySelector(s); };
  var home = !!$(".tree-header"), crumb = null;
  var site = document.querySelector("meta[property='og:site_name']");
  var tree, byId = {}, path = [];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function label(n) { return n.question || n.title; }
  // Storage can be blocked by privacy settings; the trail then lives in the URL only.
  function store(s, k, v) { try { s.setItem(k, v); } catch (e) { /* ignore */ } }
  function load(s, k) { try { return s.getItem(k); } catch (e) { return null; } }

  // Follow answer indices from the start; null unless every step stays in the tree.
  function walk(p) {
    var n = byId[tree.start], steps = [];
    for (var i = 0; i < p.length; i++) {
      var a = n.answers && n.answers[p[i]];
      if (!a || !byId[a.next]) return null;
      steps.push({ q: n.question, a: a.label });
      n = byId[a.next];
    }
    return { node: n, steps: steps };
  }
  function parse(s) {
    var p = /^\d+(\.\d+)*$/.test(s) && s.split(".").map(Number);
    return p && walk(p) ? p : null;
  }
  // A node page opened without a trail (search result, "all paths" page):
  // take the shortest route from the start so the trail and Back make sense.
  function route(id) {
    var seen = {}, queue = [[tree.start, []]], q;
    while ((q = queue.shift())) {
      if (q[0] === id) return q[1];
      (byId[q[0]].answers || []).forEach(function (a, i) {
        if (a.next && !seen[a.next]) { seen[a.next] = 1; queue.push([a.next, q[1].concat(i)]); }
      });
    }
    return [];
  }
  function url(p) { return walk(p).node.url + (p.length ? "?path=" + p.join(".") : ""); }

  // Rebuild the step body from tree.json (same markup as node.html).
  function render(n) {
    var s = $(".step"), body = $(".step-body"), h = el($(".step-title").tagName, "step-title", label(n));
    h.id = "step-title";
    h.tabIndex = -1;
    s.className = "step step-" + n.type + (n.outcome ? " outcome-" + n.outcome : "");
    body.textContent = "";
    if (n.type === "question") {
      var ol = el("ol", "answers");
      n.answers.forEach(function (a, i) {
        var link = el("a", "answer"), k = el("span", "answer-key", i + 1);
        link.href = a.url;
        link.dataset.index = i;
        if (a.next) link.dataset.next = a.next;
        k.setAttribute("aria-hidden", "true");
        link.append(k, el("span", "answer-label", a.label));
        if (a.exit) link.append(el("span", "answer-exit", /^tree:/.test(a.exit) ? "Opens another troubleshooter" : "Opens an article"));
        ol.append(el("li"));
        ol.lastChild.append(link);
      });
      body.append(h, html("prose details", n.details_html), ol);
    } else {
      var kind = el("p", "outcome-kind outcome-kind-" + n.outcome), icon = el("span", "outcome-icon");
      icon.setAttribute("aria-hidden", "true");
      kind.append(icon, n.outcome_label);
      body.append(kind, h, html("prose", n.body_html));
      if (n.related.length) {
        var ul = el("ul", "plain-list");
        n.related.forEach(function (r) {
          ul.append(el("li"));
          ul.lastChild.append(el("a", null, r.title));
          ul.lastChild.firstChild.href = r.url;
        });
        body.append(el("h2", "small-heading", "Read more"), ul);
      }
    }
  }
  function html(cls, markup) {
    var div = el("div", cls);
    div.innerHTML = markup || ""; // built by the site generator, same origin
    return div;
  }

  // The JS-only parts: trail, Back, copy-for-support and feedback.
  function decorate(w) {
    var n = w.node, trail = $(".trail"), was = load(localStorage, fbKey + n.id);
    $(".copy-details").hidden = n.outcome !== "escalate";
    $(".copy-status").textContent = "";
    $(".feedback").hidden = n.type !== "outcome";
    $(".feedback-thanks").textContent = "";
    root.querySelectorAll("[data-helpful]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.helpful === was);
    });
    var ta = $(".copy-text");
    if (ta) ta.parentNode.remove();
    trail.textContent = "";
    trail.hidden = $("[data-action=back]").hidden = !w.steps.length;
    var ol = el("ol");
    w.steps.forEach(function (s, i) {
      var li = el("li"), c = el("button", "link-button", "change");
      c.type = "button";
      c.dataset.step = i;
      c.append(el("span", "visually-hidden", " answer to: " + s.q));
      li.append(s.q + " → ", el("strong", null, s.a), " — ", c);
      ol.append(li);
    });
    trail.append(el("p", "trail-heading", "Your answers"), ol);
  }

  // Show the step for path p. how: "push" (user action), "pop" (history) or "init".
  function go(p, how) {
    var w = walk(p);
    if (!w) return;
    path = p;
    var n = w.node, l = label(n), state = { tree: slug, path: p };
    if (how === "init") history.replaceState(state, "", url(p) + location.hash);
    else {
      if (how === "push") history.pushState(state, "", url(p));
      render(n);
      var start = home && n.id === tree.start;
      document.title = (start ? "" : l + " · ") + tree.title + (site ? " · " + site.content : "");
      var cur = document.querySelector(".breadcrumbs [aria-current]");
      if (cur && home) {
        // The tree home has no crumb for the tree itself: add one while away from the start.
        if (!crumb) { crumb = el("li"); crumb.append(el("a", null, tree.title)); crumb.firstChild.href = tree.url; }
        if (start) crumb.remove(); else cur.before(crumb);
      }
      if (cur) cur.textContent = start ? tree.title : l;
      $(".step-title").focus();
      $("[data-announce]").textContent = (n.outcome_label || "Step " + (p.length + 1)) + ": " + l;
    }
    decorate(w);
    store(sessionStorage, key, p.join("."));
  }

  function copy(btn) {
    var w = walk(path), st = $(".copy-status"), lines = [tree.title, ""];
    w.steps.forEach(function (s, i) { lines.push(i + 1 + ". " + s.q, "   Answer: " + s.a); });
    lines.push("", "Outcome: " + w.node.title, "Page: " + location.href);
    var text = lines.join("\n");
    function fallback() {
      // No clipboard access: show the text, selected, for the user to copy.
      var lab = el("label", null, "Details for support"), ta = el("textarea", "copy-text");
      ta.id = lab.htmlFor = "copy-text";
      ta.readOnly = true;
      ta.rows = 8;
      ta.value = text;
      var box = el("div");
      box.append(lab, ta);
      if ($(".copy-text")) $(".copy-text").parentNode.remove();
      st.after(box);
      ta.focus();
      ta.select();
      st.textContent = "Select the text below and copy it.";
    }
    if (!navigator.clipboard) return fallback();
    navigator.clipboard.writeText(text).then(function () { st.textContent = "Copied"; }, fallback);
  }

  function feedback(btn) {
    var v = btn.dataset.helpful, id = walk(path).node.id, ep = document.body.dataset.feedbackEndpoint;
    store(localStorage, fbKey + id, v);
    root.querySelectorAll("[data-helpful]").forEach(function (b) { b.setAttribute("aria-pressed", b === btn); });
    $(".feedback-thanks").textContent = v === "yes" ? "Thanks, glad it helped."
      : "Thanks for telling us. The links above or support can help further.";
    // Only with a configured endpoint does anything leave the browser.
    if (ep && navigator.sendBeacon) {
      var body = JSON.stringify({ tree: slug, node: id, path: path.join("."), helpful: v === "yes" });
      navigator.sendBeacon(ep, new Blob([body], { type: "application/json" }));
    }
  }

  root.addEventListener("click", function (e) {
    var t = e.target.closest("a, button"), a = t && t.dataset.action;
    // Modified clicks keep their usual meaning (new tab, etc.).
    if (!t || !tree || e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    if (t.matches(".answer[data-next]")) go(path.concat(+t.dataset.index), "push");
    else if (a === "restart") go([], "push");
    else if (a === "back") go(path.slice(0, -1), "push");
    else if (t.dataset.step) go(path.slice(0, +t.dataset.step), "push");
    else if (a === "copy") copy(t);
    else if (t.dataset.helpful) feedback(t);
    else return; // exits and other links navigate normally
    e.preventDefault();
  });

  // Number keys 1-9 pick that answer, unless the user is typing or using a shortcut.
  document.addEventListener("keydown", function (e) {
    if (!tree || e.ctrlKey || e.metaKey || e.altKey || !/^[1-9]$/.test(e.key)) return;
    if (e.target.closest && e.target.closest("input, textarea, select, [contenteditable]")) return;
    var link = root.querySelectorAll(".answer")[e.key - 1];
    if (link) { e.preventDefault(); link.click(); }
  });

  window.addEventListener("popstate", function (e) {
    if (!tree) return;
    var p = e.state && e.state.tree === slug ? e.state.path : parse(new URLSearchParams(location.search).get("path"));
    if (p && p.join(".") === path.join(".")) return; // a fragment jump (skip link): nothing to redraw
    if (p && walk(p).node.url === location.pathname) go(p, "pop");
    else location.reload();
  });

  fetch(root.dataset.treeJson).then(function (r) {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  }).then(function (t) {
    var node = root.dataset.node;
    t.nodes.forEach(function (n) { byId[n.id] = n; });
    if (t.schema !== 1 || !byId[node] || !byId[t.start]) return;
    tree = t;
    // The trail comes from the URL, else this tab's session (same step only), else the shortest route.
    var here = function (p) { return p && walk(p).node.id === node ? p : null; };
    go(here(parse(new URLSearchParams(location.search).get("path"))) || here(parse(load(sessionStorage, key))) || route(node), "init");
  }).catch(function () { /* the static page keeps working */ });
})();
