// Troubleshooter enhancement: answers move in place and the trail travels in the
// URL as ?path=0.1 (answer indices from the start). Without JS (or in browsers
// too old for modules) every answer is a plain link to the next node's page.
const root = document.querySelector("[data-tree]") || document.createElement("div");
const $ = (s) => root.querySelector(s);
const slug = root.dataset.tree, key = "waymark:trail:" + slug, fbKey = "waymark:feedback:" + slug + ":";
const home = !!$(".tree-header"), site = root.dataset.siteTitle;
const byId = {};
let tree, path = [];

// el(tag, { attribute: value or null }, ...children)
const el = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const k in attrs) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
  e.append(...kids);
  return e;
};
const label = (n) => n.question || n.title;
const query = () => new URLSearchParams(location.search).get("path");
// Storage may be blocked (privacy settings): the URL still carries the trail.
const storage = (s, k, v) => {
  try { return v == null ? s.getItem(k) : s.setItem(k, v); } catch (e) { return null; }
};

// Follow answer indices from the start; null if a step leaves the tree.
const walk = (p) => {
  let n = byId[tree.start];
  const steps = [];
  for (const i of p) {
    const a = n.answers && n.answers[i];
    if (!a || !byId[a.next]) return null;
    steps.push({ q: n.question, a: a.label });
    n = byId[a.next];
  }
  return { node: n, steps };
};
const parse = (s) => {
  const p = /^\d+(\.\d+)*$/.test(s) && s.split(".").map(Number);
  return p && walk(p) ? p : null;
};
// Page opened without a trail (search, "all paths"): assume the shortest route,
// so Back and further answers have a path to extend.
const route = (id) => {
  const seen = {}, queue = [[tree.start, []]];
  for (let q; (q = queue.shift()); ) {
    if (q[0] === id) return q[1];
    (byId[q[0]].answers || []).forEach((a, i) => {
      if (a.next && !seen[a.next]) queue.push([a.next, q[1].concat(i)]), (seen[a.next] = 1);
    });
  }
  return [];
};

// Rebuild the step like node.html; the heading keeps the page's level (h2 under the tree home's h1).
const render = (n) => {
  const h = el($(".step-title").tagName, { id: "step-title", class: "step-title", tabindex: -1 }, label(n));
  const prose = el("div", { class: n.answers ? "prose details" : "prose" }), kids = [h];
  prose.innerHTML = n.details_html || n.body_html || ""; // sanitised by the generator
  if (n.body_html != null || n.details_html) kids.push(prose);
  $(".step").className = "step step-" + n.type + (n.outcome ? " outcome-" + n.outcome : "");
  if (n.answers) {
    kids.push(el("ol", { class: "answers" }, ...n.answers.map((a, i) => el("li", 0,
      el("a", { class: "answer", href: a.url, "data-index": i, "data-next": a.next },
        el("span", { class: "answer-key", "aria-hidden": "true" }, i + 1),
        el("span", { class: "answer-label" }, a.label),
        a.exit ? el("span", { class: "answer-exit" }, root.dataset[/^tree:/.test(a.exit) ? "exitTree" : "exitArticle"]) : "")))));
  } else {
    kids.unshift(el("p", { class: "outcome-kind outcome-kind-" + n.outcome },
      el("span", { class: "outcome-icon", "aria-hidden": "true" }), n.outcome_label));
    if (n.related.length) {
      kids.push(el("h2", { class: "small-heading" }, "Read more"),
        el("ul", { class: "plain-list" }, ...n.related.map((r) => el("li", 0, el("a", { href: r.url }, r.title)))));
    }
  }
  $(".step-body").replaceChildren(...kids);
};

// The parts that need JS: trail, Back, copy for support, feedback.
const decorate = ({ node: n, steps }) => {
  const was = storage(localStorage, fbKey + n.id);
  $(".copy-details").hidden = n.outcome !== "escalate";
  $(".feedback").hidden = !n.outcome;
  $(".copy-fallback").hidden = true;
  $(".copy-status").textContent = $(".feedback-thanks").textContent = "";
  root.querySelectorAll("[data-helpful]").forEach((b) => b.setAttribute("aria-pressed", b.dataset.helpful === was));
  $(".trail").hidden = $("[data-action=back]").hidden = !steps.length;
  $(".trail ol").replaceChildren(...steps.map((s, i) => el("li", 0, s.q + " → ", el("strong", 0, s.a), " — ",
    el("button", { type: "button", class: "link-button", "data-step": i }, "change",
      el("span", { class: "visually-hidden" }, " answer to: " + s.q)))));
};

// Show the step for path p. how: "push" (user action), "pop" (history) or "init".
const go = (p, how) => {
  const w = walk(p);
  if (!w) return;
  path = p;
  const n = w.node, l = label(n), start = home && !p.length, state = { tree: slug, path: p };
  const url = n.url + (p.length ? "?path=" + p.join(".") : "");
  if (how === "init") history.replaceState(state, "", url + location.hash);
  else {
    if (how === "push") history.pushState(state, "", url);
    render(n);
    document.title = (start ? "" : l + " · ") + tree.title + " · " + site;
    // As on the step's own page (the tree home has a hidden tree crumb).
    const cur = document.querySelector(".breadcrumbs [aria-current]"), tc = document.querySelector("[data-tree-crumb]");
    if (tc) tc.hidden = start;
    if (cur) cur.textContent = start ? tree.title : l;
    $(".step-title").focus();
    $("[data-announce]").textContent = (n.outcome_label || "Step " + (p.length + 1)) + ": " + l;
  }
  decorate(w);
  storage(sessionStorage, key, p.join("."));
};

const copy = () => {
  const { node, steps } = walk(path), st = $(".copy-status"), ta = $(".copy-text");
  ta.value = [tree.title, "", ...steps.flatMap((s, i) => [i + 1 + ". " + s.q, "   Answer: " + s.a]),
    "", "Outcome: " + node.title, "Page: " + location.href].join("\n");
  const fallback = () => {
    // No clipboard (old browser, permission denied): show the text, selected.
    $(".copy-fallback").hidden = false;
    ta.focus();
    ta.select();
    st.textContent = st.dataset.failed;
  };
  if (!navigator.clipboard) return fallback();
  navigator.clipboard.writeText(ta.value).then(() => (st.textContent = st.dataset.copied), fallback);
};

const feedback = (btn) => {
  const v = btn.dataset.helpful, id = walk(path).node.id, ep = document.body.dataset.feedbackEndpoint;
  storage(localStorage, fbKey + id, v);
  root.querySelectorAll("[data-helpful]").forEach((b) => b.setAttribute("aria-pressed", b === btn));
  $(".feedback-thanks").textContent = $(".feedback-thanks").dataset[v];
  // Only with a configured endpoint does anything leave the browser.
  if (ep && navigator.sendBeacon) {
    const body = JSON.stringify({ tree: slug, node: id, path: path.join("."), helpful: v === "yes" });
    navigator.sendBeacon(ep, new Blob([body], { type: "application/json" }));
  }
};

root.addEventListener("click", (e) => {
  const t = e.target.closest("a, button"), a = t && t.dataset.action;
  // Modified clicks keep their meaning (new tab).
  if (!t || !tree || e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
  if (t.matches(".answer[data-next]")) go(path.concat(+t.dataset.index), "push");
  else if (a === "restart") go([], "push");
  else if (a === "back") go(path.slice(0, -1), "push");
  else if (t.dataset.step) go(path.slice(0, +t.dataset.step), "push");
  else if (a === "copy") copy();
  else if (t.dataset.helpful) feedback(t);
  else return; // exits and other links navigate normally
  e.preventDefault();
});

// Keys 1-9 pick that answer, unless typing in a field or with a modifier.
document.addEventListener("keydown", (e) => {
  if (!tree || e.ctrlKey || e.metaKey || e.altKey || !/^[1-9]$/.test(e.key)) return;
  if (e.target.closest && e.target.closest("input, textarea, select, [contenteditable]")) return;
  const l = root.querySelectorAll(".answer")[e.key - 1];
  if (l) e.preventDefault(), l.click();
});

addEventListener("popstate", (e) => {
  if (!tree) return;
  const p = e.state && e.state.tree === slug ? e.state.path : parse(query());
  if (p && p.join(".") === path.join(".")) return; // fragment jump (skip link)
  if (p && walk(p).node.url === location.pathname) go(p, "pop");
  else location.reload();
});

// Any failure (404, bad JSON) leaves the static page working as it is.
if (root.dataset.treeJson) fetch(root.dataset.treeJson).then((r) => r.json()).then((t) => {
  const node = root.dataset.node;
  t.nodes.forEach((n) => (byId[n.id] = n));
  if (t.schema !== 1 || !byId[node] || !byId[t.start]) return;
  tree = t;
  // Trail from the URL, else this tab's session if it ends here, else assumed.
  const here = (p) => (p && walk(p).node.id === node ? p : null);
  go(here(parse(query())) || here(parse(storage(sessionStorage, key))) || route(node), "init");
  root.classList.add("tree-ready"); // for CSS and tests: the page is enhanced
}).catch(() => { /* keep the static page */ });
