// Troubleshooter enhancement: answers move in place and the trail travels in the
// URL as ?path=0.1 (answer indices from the start). Without JS (or in browsers
// too old for modules) every answer is a plain link to the next node's page.
// The trail is only ever answers given in this visit: a step opened directly
// (search, a link without ?path=) starts a trail of its own, ?from=<node>&path=…,
// and says so, rather than guessing the answers that lead there.
const root = document.querySelector("[data-tree]") || document.createElement("div");
const $ = (s) => root.querySelector(s);
const slug = root.dataset.tree, key = "waymark:trail:" + slug;
const home = "home" in root.dataset, site = root.dataset.siteTitle;
const byId = {};
// Insights (site.yaml `insights:`): each event is a GET of the site's own
// _insights/e.gif, so the host's access log holds it (and a POST beacon to
// insights.endpoint when set). No cookies, nothing stored, nothing sent under
// Do Not Track or Global Privacy Control.
const send = (ev) => {
  const h = document.documentElement, d = h.dataset;
  if ((!d.insights && !d.insightsEndpoint) || navigator.globalPrivacyControl || navigator.doNotTrack === "1") return;
  const e = { v: 1, ...ev, lang: h.lang };
  if (d.insights) fetch(d.insights + "?" + new URLSearchParams(e), { keepalive: true, credentials: "omit", cache: "no-store" }).catch(() => {});
  if (d.insightsEndpoint && navigator.sendBeacon) navigator.sendBeacon(d.insightsEndpoint, new Blob([JSON.stringify(e)], { type: "application/json" }));
};

// The page's words where they are not English (themes/default/i18n/, keys js_*).
const strings = window.waymarkStrings || {};
const t = (key, english, vars = {}) => (strings[key] ?? english).replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));
// state: { from: node id the customer's answers start at, path: answer indices from it }
let tree, state = { from: root.dataset.start, path: [] };

// el(tag, { attribute: value or null }, ...children)
const el = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const k in attrs) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
  e.append(...kids);
  return e;
};
const label = (n) => n.question || n.title;
const param = (k) => new URLSearchParams(location.search).get(k);
// Storage may be blocked (privacy settings): the URL still carries the trail.
const storage = (s, k, v) => {
  try { return v == null ? s.getItem(k) : s.setItem(k, v); } catch (e) { return null; }
};

// Follow answer indices from s.from; null if a step leaves the tree.
const walk = (s) => {
  let n = byId[s.from];
  const steps = [];
  if (!n) return null;
  for (const i of s.path) {
    const a = n.answers && n.answers[i];
    if (!a || !byId[a.next]) return null;
    steps.push({ q: n.question, a: a.label });
    n = byId[a.next];
  }
  return { node: n, steps };
};
// A trail as written in the URL or the session: from (default: the start) and path ("0.1").
const parse = (from, p) => {
  const s = { from: from || tree.start, path: !p ? [] : /^\d+(\.\d+)*$/.test(p) && p.split(".").map(Number) };
  return s.path && walk(s) ? s : null;
};
const qs = (s) =>
  s.from !== tree.start ? (s.path.length ? "?from=" + encodeURIComponent(s.from) + "&path=" + s.path.join(".") : "")
    : s.path.length ? "?path=" + s.path.join(".") : "";
const same = (a, b) => a.from === b.from && a.path.join(".") === b.path.join(".");

// Rebuild the step like node.html: an h2 under the tree's h1, on every step's page alike.
const render = (n) => {
  const h = el("h2", { id: "step-title", class: "step-title", tabindex: -1 }, label(n));
  const prose = el("div", { class: n.answers ? "prose details" : "prose" }), kids = [h];
  prose.innerHTML = n.details_html || n.body_html || ""; // sanitised by the generator
  if (n.body_html != null || n.details_html) kids.push(prose);
  $(".step").className = "step step-" + n.type + (n.outcome ? " outcome-" + n.outcome : "");
  if (n.answers) {
    kids.push(el("ol", { class: "answers" }, ...n.answers.map((a, i) => el("li", 0,
      // An exit's hint ("Opens an article") describes the link; its name stays the answer.
      el("a", { class: "answer", href: a.url, "data-index": i, "data-next": a.next, "aria-describedby": a.exit && "answer-exit-" + (i + 1) },
        el("span", { class: "answer-key", "aria-hidden": "true" }, i + 1),
        el("span", { class: "answer-label" }, a.label),
        a.exit ? el("span", { class: "answer-exit", id: "answer-exit-" + (i + 1), "aria-hidden": "true" }, root.dataset[/^tree:/.test(a.exit) ? "exitTree" : "exitArticle"]) : "")))));
  } else {
    kids.unshift(el("p", { class: "outcome-kind outcome-kind-" + n.outcome },
      el("span", { class: "outcome-icon", "aria-hidden": "true" }), n.outcome_label));
    if (n.related.length) {
      kids.push(el("h2", { class: "small-heading" }, t("read_more", "Read more")),
        el("ul", { class: "plain-list" }, ...n.related.map((r) => el("li", 0, el("a", { href: r.url }, r.title)))));
    }
  }
  $(".step-body").replaceChildren(...kids);
};

// The parts that need JS: trail, Back, copy for support, feedback (only
// on sites with a feedback endpoint: the theme leaves it out otherwise).
const decorate = ({ node: n, steps }) => {
  const fb = $(".feedback");
  vote = null;
  $(".copy-details").hidden = n.outcome !== "escalate";
  const support = $(".support-handoff"), url = document.documentElement.dataset.supportUrl;
  if (support) {
    support.hidden = n.outcome !== "escalate";
    if (!support.hidden && url) support.querySelector("a").href = prefilled(url, report());
  }
  $(".copy-fallback").hidden = true;
  $(".copy-status").textContent = "";
  if (fb) {
    fb.hidden = !n.outcome;
    $(".feedback-thanks").textContent = "";
    $(".feedback-reasons").hidden = true;
    root.querySelectorAll("[data-helpful]").forEach((b) => b.setAttribute("aria-pressed", "false"));
  }
  $(".trail-direct").hidden = state.from === tree.start;
  // Nothing to start over from on the first step.
  $("[data-action=restart]").hidden = state.from === tree.start && !state.path.length;
  $(".trail").hidden = $("[data-action=back]").hidden = !steps.length;
  $(".trail ol").replaceChildren(...steps.map((s, i) => el("li", 0, s.q + " → ", el("strong", 0, s.a), " — ",
    el("button", { type: "button", class: "link-button", "data-step": i }, t("change", "change"),
      el("span", { class: "visually-hidden" }, t("answer_to", " answer to: {question}", { question: s.q }))))));
};

// Show the step for trail s. how: "push" (user action), "pop" (history) or "init".
const go = (s, how) => {
  const w = walk(s);
  if (!w) return;
  const prev = state && tree && walk(state) ? walk(state).node.id : "";
  finishVote();
  state = s;
  const p = s.path, n = w.node, l = label(n), start = home && !p.length && s.from === tree.start;
  const h = { tree: slug, from: s.from, path: p }, url = n.url + qs(s);
  if (how === "init") history.replaceState(h, "", url + location.hash);
  else {
    if (how === "push") history.pushState(h, "", url);
    render(n);
    document.title = (start ? "" : l + " · ") + tree.title + " · " + site;
    // As on the step's own page (the tree home has a hidden tree crumb).
    const cur = document.querySelector(".breadcrumbs [aria-current]"), tc = document.querySelector("[data-tree-crumb]");
    if (tc) tc.hidden = start;
    if (cur) cur.textContent = start ? tree.title : l;
    $(".step-title").focus();
    $("[data-announce]").textContent = (n.outcome_label || t("step", "Step {n}", { n: p.length + 1 })) + ": " + l;
  }
  decorate(w);
  storage(sessionStorage, key, s.from + ":" + p.join("."));
  // A step walked in place leaves no page view in the log: say so. A page
  // load is in the log already; only its outcome is sent.
  if (how === "push") send({ t: "step", tree: slug, node: n.id, from: prev, depth: p.length });
  if (n.outcome && how !== "pop") send({ t: "outcome", tree: slug, node: n.id, kind: n.outcome });
};

// What support needs: the tree, only the answers given in this visit (a
// step opened directly says so), the outcome and the page.
const report = () => {
  const { node, steps } = walk(state);
  const direct = state.from === tree.start ? []
    : [steps.length ? t("opened_directly_at", "Opened directly at: {step} (answers before it are not known)", { step: label(byId[state.from]) }) : t("opened_step_directly", "Opened this step directly (no answers given)")];
  return [[tree.title], direct, steps.flatMap((s, i) => [i + 1 + ". " + s.q, "   " + t("answer", "Answer: {answer}", { answer: s.a })]),
    [t("outcome", "Outcome: {title}", { title: node.title }), t("page", "Page: {url}", { url: location.href }), t("language", "Language: {lang}", { lang: document.documentElement.lang })]].filter((b) => b.length).map((b) => b.join("\n")).join("\n\n");
};

// The support link with the report in it: a mailto: body, or the URL's
// {report} placeholder; other URLs as they are.
const prefilled = (url, text) => {
  if (/^mailto:/i.test(url)) {
    return url + (url.includes("?") ? "&" : "?") + "subject=" + encodeURIComponent(t("help_subject", "Help: {title}", { title: tree.title })) + "&body=" + encodeURIComponent(text);
  }
  return url.replace("{report}", encodeURIComponent(text));
};

const copy = () => {
  const st = $(".copy-status"), ta = $(".copy-text");
  ta.value = report();
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

// "Did this solve your problem?" on an outcome: one vote per step shown, kept
// nowhere. A "No" offers reasons and the support link; the vote is sent with
// the reason picked, or without one when the customer moves on.
let vote = null;
const finishVote = (reason) => {
  if (!vote || vote.sent) return;
  vote.sent = true;
  const ep = document.body.dataset.feedbackEndpoint;
  send({ t: "helpful", page: vote.page, helpful: vote.v, ...(reason ? { reason } : {}) });
  if (ep && navigator.sendBeacon) {
    const body = JSON.stringify({ tree: slug, node: vote.node, from: state.from, path: state.path.join("."), helpful: vote.v === "yes", ...(reason ? { reason } : {}) });
    navigator.sendBeacon(ep, new Blob([body], { type: "application/json" }));
  }
};
const feedback = (btn) => {
  if (vote) return;
  const v = btn.dataset.helpful, n = walk(state).node;
  vote = { v, node: n.id, page: new URL(n.url, location.href).pathname };
  root.querySelectorAll("[data-helpful]").forEach((b) => b.setAttribute("aria-pressed", b === btn));
  $(".feedback-thanks").textContent = $(".feedback-thanks").dataset[v];
  const support = $(".support-handoff"), url = document.documentElement.dataset.supportUrl;
  if (v === "yes") return finishVote();
  $(".feedback-reasons").hidden = false;
  // A "No" is a good moment to offer a person.
  if (support && url) (support.hidden = false), (support.querySelector("a").href = prefilled(url, report()));
};
addEventListener("pagehide", () => finishVote());

root.addEventListener("click", (e) => {
  const t = e.target.closest("a, button"), a = t && t.dataset.action;
  // Modified clicks keep their meaning (new tab).
  if (!t || !tree || e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
  const to = (p) => go({ from: state.from, path: p }, "push");
  if (t.matches(".answer[data-next]")) to(state.path.concat(+t.dataset.index));
  else if (a === "restart" || a === "from-start") go({ from: tree.start, path: [] }, "push");
  else if (a === "back") to(state.path.slice(0, -1));
  else if (t.dataset.step) to(state.path.slice(0, +t.dataset.step));
  else if (a === "copy") copy(), send({ t: "escalate", tree: slug, node: walk(state).node.id });
  else if (t.dataset.helpful) feedback(t);
  else if (t.dataset.reason) ($(".feedback-reasons").hidden = true), finishVote(t.dataset.reason);
  else if (t.matches("[data-support-link]")) return send({ t: "escalate", tree: slug, node: walk(state).node.id });
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
  const h = e.state, s = h && h.tree === slug ? parse(h.from, h.path.join(".")) : parse(param("from"), param("path"));
  if (s && same(s, state)) return; // fragment jump (skip link)
  if (s && walk(s).node.url === location.pathname) go(s, "pop");
  else location.reload();
});

// Any failure (404, bad JSON) leaves the static page working as it is.
if (root.dataset.treeJson) fetch(root.dataset.treeJson).then((r) => r.json()).then((t) => {
  const node = root.dataset.node;
  t.nodes.forEach((n) => (byId[n.id] = n));
  if (t.schema !== 1 || !byId[node] || !byId[t.start]) return;
  tree = t;
  // Trail from the URL, else this tab's session if it ends here, else none:
  // the customer opened this step directly.
  const here = (s) => (s && walk(s).node.id === node ? s : null);
  const kept = /^([^:]*):(.*)$/.exec(storage(sessionStorage, key) || "") || [];
  go(here(parse(param("from"), param("path"))) || here(parse(kept[1], kept[2])) || { from: node, path: [] }, "init");
  root.classList.add("tree-ready"); // for CSS and tests: the page is enhanced
}).catch(() => { /* keep the static page */ });
