// Browser tests for a served waymark site (the CoEx help center).
//   node tests/browser/run.mjs http://127.0.0.1:PORT/
// Uses the system Chromium through playwright-core (never downloads a browser).
// Prints one line per test and a final "N passed, N failed"; exits non-zero on any failure.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const TEST_TIMEOUT = 120_000; // per test
const RUN_TIMEOUT = 15 * 60_000; // whole suite, a last resort

const base = process.argv[2];
if (!base || !/^https?:\/\//.test(base)) {
  console.error("usage: node tests/browser/run.mjs <base-url>   (e.g. http://127.0.0.1:8000/)");
  process.exit(2);
}
const ORIGIN = new URL(base).origin;
const u = (p) => new URL(p, base).href;

const TREE = "/troubleshoot/coex-connection/";
const PAGES = {
  home: "/",
  category: "/categories/connection-problems/",
  article: "/articles/known-limitations/",
  "tree home": TREE,
  "question node": TREE + "credit-line/",
  "outcome node": TREE + "credit-line-escalate/",
  "paths page": TREE + "paths/",
  "missing page": "/nope/",
};

let browser;
const tests = [];
// TEST_GREP=regex runs only the tests whose name matches (for debugging).
const only = process.env.TEST_GREP ? new RegExp(process.env.TEST_GREP, "i") : null;
const test = (name, fn) => (!only || only.test(name)) && tests.push({ name, fn });

// ---------- helpers ----------

// Record everything that counts as a problem on a page: console errors, uncaught
// exceptions, CSP violations, failed requests, HTTP errors and other-origin requests.
function watch(page, { allow404 = [] } = {}) {
  const issues = [];
  const requests = [];
  page.on("console", (m) => {
    const text = m.text();
    if (/Content[- ]Security[- ]Policy/i.test(text)) issues.push(`CSP: ${text}`);
    else if (m.type() === "error") {
      // Chromium reports the 404 document itself as a failed resource; that one is expected.
      const url = m.location()?.url || "";
      if (/status of 404/.test(text) && allow404.some((p) => url === u(p))) return;
      issues.push(`console error: ${text} (${url})`);
    }
  });
  page.on("pageerror", (e) => issues.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    requests.push(r);
    const url = r.url();
    if (/^(data|blob|about):/.test(url)) return;
    if (new URL(url).origin !== ORIGIN) issues.push(`request to another origin: ${url}`);
  });
  page.on("requestfailed", (r) => {
    // ERR_ABORTED: the test navigated away while, say, the favicon was loading. Not a site fault.
    if (r.failure()?.errorText !== "net::ERR_ABORTED") issues.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !allow404.some((p) => r.url() === u(p))) issues.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { issues, requests };
}

async function context(opts = {}) {
  const ctx = await browser.newContext({ baseURL: base, ...opts });
  ctx.setDefaultTimeout(10_000);
  ctx.setDefaultNavigationTimeout(15_000);
  return ctx;
}

// tree.js marks the tree "tree-ready" once tree.json is in and the trail is drawn.
// (history.state is no signal: it survives a reload.)
const ready = (page) => page.waitForSelector("[data-tree].tree-ready", { state: "attached" });

async function tree(page) {
  const r = await page.request.get(u(TREE + "tree.json"));
  assert.equal(r.status(), 200, "tree.json status");
  const t = await r.json();
  t.byId = Object.fromEntries(t.nodes.map((n) => [n.id, n]));
  return t;
}

// What the step currently shows, read from the DOM.
const step = (page) =>
  page.evaluate(() => {
    const q = (s) => document.querySelector(s);
    const title = q(".step-title");
    const trail = q(".trail");
    return {
      url: location.pathname + location.search,
      title: title?.textContent.trim(),
      titleTag: title?.tagName,
      focused: document.activeElement === title,
      answers: [...document.querySelectorAll(".step .answer .answer-label")].map((a) => a.textContent),
      trail: trail.hidden ? null : [...trail.querySelectorAll("li strong")].map((s) => s.textContent),
      trailText: trail.hidden ? "" : trail.textContent,
      feedbackHidden: q(".feedback")?.hidden ?? null,
      feedbackVisible: !!q(".feedback")?.checkVisibility(),
      copyVisible: !!q(".copy-details")?.checkVisibility(),
      backVisible: !!q("[data-action=back]")?.checkVisibility(),
      docTitle: document.title,
      announce: q("[data-announce]")?.textContent || "",
      marker: window.__noReload === true,
      h1s: document.querySelectorAll("h1").length,
      crumb: q(".breadcrumbs [aria-current]")?.textContent,
    };
  });

const label = (n) => (n.type === "question" ? n.question : n.title);

// Follow answer indices from the start of the tree: list of nodes visited.
function walk(t, path) {
  const nodes = [t.byId[t.start]];
  for (const i of path) nodes.push(t.byId[nodes.at(-1).answers[i].next]);
  return nodes;
}

// Assert the page shows the step for `path`, with the trail of answers so far.
async function expectStep(page, t, path, { focused } = {}) {
  const nodes = walk(t, path);
  const n = nodes.at(-1);
  const s = await step(page);
  const wantUrl = n.url + (path.length ? `?path=${path.join(".")}` : "");
  assert.equal(s.url, wantUrl, "URL");
  assert.equal(s.title, label(n), "step heading");
  assert.deepEqual(s.trail, path.length ? path.map((i, k) => nodes[k].answers[i].label) : null, "trail");
  assert.equal(s.backVisible, path.length > 0, "Back visible only away from the start");
  assert.equal(s.feedbackVisible, n.type === "outcome", "feedback shown on outcomes only");
  assert.equal(s.copyVisible, n.outcome === "escalate", "copy button on escalate outcomes only");
  if (n.type === "question") assert.deepEqual(s.answers, n.answers.map((a) => a.label), "answers");
  assert.equal(s.h1s, 1, "exactly one h1");
  // The start step is titled like the tree home, or like its own node page when the walk began there.
  const titled = s.docTitle.startsWith(label(n) + " · ") || (n.id === t.start && s.docTitle.startsWith(t.title + " · "));
  assert.ok(titled && s.docTitle.includes(t.title), `document.title: ${s.docTitle}`);
  if (focused) assert.ok(s.focused, "focus on the step heading");
  return s;
}

const answer = (page, i) => page.locator(".step .answer").nth(i);

// ---------- tests ----------

test("every page type loads without console errors, CSP violations or failed/foreign requests", async () => {
  const ctx = await context();
  try {
    for (const [name, path] of Object.entries(PAGES)) {
      const page = await ctx.newPage();
      const missing = name === "missing page";
      const w = watch(page, { allow404: missing ? [path] : [] });
      const res = await page.goto(path, { waitUntil: "load" });
      await page.waitForLoadState("networkidle");
      if (path.startsWith(TREE) && !path.endsWith("paths/")) await ready(page);
      assert.equal(res.status(), missing ? 404 : 200, `${name} status`);
      if (missing) {
        const body = await res.text();
        const page404 = await (await page.request.get(u("/404.html"))).text();
        assert.equal(body, page404, "/nope/ serves 404.html");
        assert.match(await page.locator("h1").textContent(), /not found/i);
      }
      assert.equal(await page.locator("h1").count(), 1, `${name}: one h1`);
      assert.deepEqual(w.issues, [], `${name} (${path})`);
      await page.close();
    }
  } finally {
    await ctx.close();
  }
});

test("axe-core: no WCAG 2.1 A/AA violations in light and dark schemes", async () => {
  // bypassCSP only here, so that axe can be injected.
  const ctx = await context({ bypassCSP: true });
  const failures = [];
  try {
    const pages = { ...PAGES, "outcome with trail (JS)": TREE + "credit-line-escalate/?path=4.0.1.1" };
    delete pages["tree home"];
    for (const scheme of ["light", "dark"]) {
      for (const [name, path] of Object.entries(pages)) {
        const page = await ctx.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(path, { waitUntil: "networkidle" });
        if (path.startsWith(TREE) && !path.endsWith("paths/")) await ready(page);
        if (name === "outcome with trail (JS)") {
          // Also check the states only JS produces: pressed feedback, copy fallback.
          await page.locator("[data-helpful=no]").click();
          await page.evaluate(() => Object.defineProperty(navigator, "clipboard", { value: undefined }));
          await page.locator("[data-action=copy]").click();
          await page.locator(".copy-text").waitFor();
        }
        await page.addScriptTag({ path: AXE });
        const result = await page.evaluate(() =>
          window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
        );
        for (const v of result.violations) {
          failures.push(
            `[${scheme}] ${name} (${path}): ${v.id} (${v.impact}) ${v.help}\n` +
              v.nodes.map((n) => `    ${n.target.join(" ")}\n      ${n.failureSummary.replace(/\n/g, "\n      ")}`).join("\n"),
          );
        }
        await page.close();
      }
    }
  } finally {
    await ctx.close();
  }
  assert.ok(failures.length === 0, `axe violations:\n${failures.join("\n")}`);
});

test("tree with JS: answer in place, URL ?path=, trail, back/forward, reload, change, Back, Start over", async () => {
  const ctx = await context();
  try {
    const page = await ctx.newPage();
    const w = watch(page);
    const t = await tree(page);
    await page.goto(TREE);
    await ready(page);
    await expectStep(page, t, []);
    await page.evaluate(() => (window.__noReload = true));

    // Two answers: start -> credit-line -> credit-line-escalate, all in place.
    await answer(page, 1).click();
    let s = await expectStep(page, t, [1], { focused: true });
    assert.ok(s.marker, "no full page load after answering");
    assert.equal(s.titleTag, "H2", "heading level kept from the tree home (h1 is the tree title)");
    assert.equal(s.crumb, label(t.byId["credit-line"]), "breadcrumb shows the step");
    assert.match(s.trailText, /Your answers/);
    assert.match(s.trailText, new RegExp(`${t.byId[t.start].question.replace(/[?.]/g, "\\$&")}\\s*→\\s*It stopped at a payment method`));
    assert.match(s.announce, /credit line/i, "step announced in the live region");
    await answer(page, 1).click();
    s = await expectStep(page, t, [1, 1], { focused: true });
    assert.ok(s.marker, "no full page load after answering");
    assert.match(s.announce, /^Contact support: /);

    // Browser back / forward.
    await page.goBack();
    s = await expectStep(page, t, [1]);
    assert.ok(s.marker, "back stays in the page");
    await page.goForward();
    s = await expectStep(page, t, [1, 1]);
    assert.ok(s.marker, "forward stays in the page");
    await page.goBack();

    // Reload mid-way: same step and trail.
    await page.reload();
    await ready(page);
    s = await expectStep(page, t, [1]);
    assert.ok(!s.marker, "reload really reloaded");
    await page.evaluate(() => (window.__noReload = true));

    // Go deeper through another branch, then change the first answer via the trail.
    await answer(page, 2).click(); // credit-line -> use-standard
    await expectStep(page, t, [1, 2]);
    await page.locator(".trail button").nth(0).click();
    s = await expectStep(page, t, [], { focused: true });
    assert.ok(s.marker);
    await answer(page, 4).click(); // not sure
    await answer(page, 0).click(); // blocked
    await answer(page, 1).click(); // credit line
    await expectStep(page, t, [4, 0, 1]);
    await page.locator(".trail button").nth(1).click(); // change the 2nd answer
    await expectStep(page, t, [4], { focused: true });

    // Back control: one step back; hidden at the start.
    await page.locator("[data-action=back]").click();
    s = await expectStep(page, t, [], { focused: true });

    // Start over from an outcome.
    await answer(page, 2).click();
    await answer(page, 0).click();
    await expectStep(page, t, [2, 0]);
    await page.locator("[data-action=restart]").click();
    s = await expectStep(page, t, [], { focused: true });
    assert.ok(s.marker, "Start over stays in the page");

    // An exit answer is a normal navigation.
    await answer(page, 5).click();
    await page.waitForURL(u("/articles/known-limitations/"));
    assert.deepEqual(w.issues, []);
  } finally {
    await ctx.close();
  }
});

test("tree with JS: session trail, copy details for support, feedback stays local", async () => {
  const ctx = await context();
  await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: ORIGIN });
  try {
    const page = await ctx.newPage();
    const w = watch(page);
    const t = await tree(page);
    await page.goto(TREE);
    await ready(page);
    for (const i of [4, 0, 1, 1]) await answer(page, i).click();
    await expectStep(page, t, [4, 0, 1, 1]);

    // The session remembers the trail for this tree: the bare node URL restores it...
    await page.goto(TREE + "credit-line-escalate/");
    await ready(page);
    await expectStep(page, t, [4, 0, 1, 1]);
    // ...but never on another tree.
    await page.goto("/troubleshoot/chats-not-syncing/");
    await ready(page);
    assert.equal((await step(page)).trail, null, "no trail carried to another tree");
    await page.goto(TREE + "credit-line-escalate/");
    await ready(page);
    await expectStep(page, t, [4, 0, 1, 1]);

    // Copy details for support.
    await page.locator("[data-action=copy]").click();
    await page.locator(".copy-status", { hasText: "Copied" }).waitFor();
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    const nodes = walk(t, [4, 0, 1, 1]);
    const expected = [
      t.title,
      "",
      ...[4, 0, 1, 1].flatMap((i, k) => [`${k + 1}. ${nodes[k].question}`, `   Answer: ${nodes[k].answers[i].label}`]),
      "",
      `Outcome: ${nodes.at(-1).title}`,
      `Page: ${u(TREE + "credit-line-escalate/?path=4.0.1.1")}`,
    ].join("\n");
    assert.equal(clip, expected, "clipboard text");

    // Without clipboard access the text is shown, selected, in a textarea.
    await page.evaluate(() => Object.defineProperty(navigator, "clipboard", { value: undefined }));
    await page.locator("[data-action=copy]").click();
    const ta = page.locator("textarea.copy-text");
    await ta.waitFor();
    assert.equal(await ta.inputValue(), expected, "fallback textarea text");
    assert.ok(await ta.evaluate((e) => document.activeElement === e && e.selectionEnd - e.selectionStart === e.value.length), "textarea focused and selected");

    // Feedback: nothing leaves the browser without an endpoint.
    const before = w.requests.length;
    await page.locator("[data-helpful=yes]").click();
    await page.waitForTimeout(300);
    assert.deepEqual(w.requests.slice(before).map((r) => r.url()), [], "no request without an endpoint");
    assert.equal(await page.locator("[data-helpful=yes]").getAttribute("aria-pressed"), "true");
    assert.equal(await page.locator("[data-helpful=no]").getAttribute("aria-pressed"), "false");
    assert.match(await page.locator(".feedback-thanks").textContent(), /thanks/i);
    assert.equal(await page.evaluate(() => localStorage.getItem("waymark:feedback:coex-connection:credit-line-escalate")), "yes");
    // The choice is still marked after a reload.
    await page.reload();
    await ready(page);
    assert.equal(await page.locator("[data-helpful=yes]").getAttribute("aria-pressed"), "true");

    // With an endpoint configured, the choice is sent as a JSON beacon (proves the watcher sees beacons).
    await page.route("**/feedback-endpoint-test", (r) => r.fulfill({ status: 204 }));
    await page.evaluate(() => (document.body.dataset.feedbackEndpoint = "/feedback-endpoint-test"));
    const beacon = page.waitForRequest("**/feedback-endpoint-test");
    await page.locator("[data-helpful=no]").click();
    const req = await beacon;
    assert.equal(req.method(), "POST");
    assert.match(req.headers()["content-type"] || "", /application\/json/);
    assert.deepEqual(JSON.parse(req.postData()), { tree: "coex-connection", node: "credit-line-escalate", path: "4.0.1.1", helpful: false });
    assert.deepEqual(w.issues, []);
  } finally {
    await ctx.close();
  }
});

test("shared link with ?path= restores the trail in a fresh context; invalid paths are ignored", async () => {
  const ctx = await context();
  try {
    const page = await ctx.newPage();
    const w = watch(page);
    const t = await tree(page);
    await page.goto(TREE + "credit-line/?path=4.0.1");
    await ready(page);
    await expectStep(page, t, [4, 0, 1]);
    await page.evaluate(() => (window.__noReload = true));
    await answer(page, 0).click();
    const s = await expectStep(page, t, [4, 0, 1, 0], { focused: true });
    assert.ok(s.marker);

    // What JS draws from tree.json is the same markup as the static pages (question and outcome).
    const body = (p) => p.evaluate(() => document.querySelector(".step-body").innerHTML.replace(/>\s+</g, "><").trim());
    const statics = await ctx.newPage();
    for (const [i, id] of [[-1, "credit-line-remove"], [0, "credit-line"]]) {
      if (i >= 0) await page.locator(".trail button").nth(3).click();
      await statics.goto(t.byId[id].url);
      await ready(statics);
      assert.equal(await body(page), await body(statics), `in-place ${id} matches its static page`);
    }
    await page.goBack();

    // A path that does not lead to this page is ignored: the page shows its own step.
    for (const bad of ["9.9", "0", "1.x", "", "1..1"]) {
      await page.goto(TREE + "credit-line/?path=" + bad);
      await ready(page);
      const b = await step(page);
      assert.equal(b.title, t.byId["credit-line"].question, `?path=${bad}: page's own step`);
      assert.ok(!b.url.includes(`path=${bad}`) || bad === "", `?path=${bad} dropped from the URL (${b.url})`);
      assert.deepEqual(b.trail, [t.byId[t.start].answers[1].label], "shortest route used as trail");
    }
    assert.deepEqual(w.issues, []);
  } finally {
    await ctx.close();
  }
});

test("tree without JS: answer links walk to an outcome, back button works", async () => {
  const ctx = await context({ javaScriptEnabled: false });
  try {
    const page = await ctx.newPage();
    const w = watch(page);
    const t = await tree(page);
    await page.goto(TREE);
    for (const [i, id] of [[2, "waba-review"], [0, "waba-review-wait"]]) {
      await Promise.all([page.waitForURL(u(t.byId[id].url)), answer(page, i).click()]);
      assert.equal(await page.locator("h1").textContent(), label(t.byId[id]));
    }
    assert.equal(await page.locator(".feedback").isVisible(), false, "feedback hidden without JS");
    assert.equal(await page.locator("[data-action=copy]").isVisible(), false, "copy hidden without JS");
    assert.equal(await page.locator("[data-action=back]").isVisible(), false, "Back hidden without JS");
    assert.equal(await page.locator(".trail").isVisible(), false, "trail hidden without JS");
    await page.goBack();
    assert.equal(page.url(), u(t.byId["waba-review"].url));
    assert.equal(await page.locator("h1").textContent(), t.byId["waba-review"].question);
    // Start over is a plain link too.
    await Promise.all([page.waitForURL(u(TREE)), page.locator("[data-action=restart]").click()]);
    assert.deepEqual(w.issues, []);
  } finally {
    await ctx.close();
  }
});

test("keyboard only: number keys walk the tree, Tab reaches answers with visible focus", async () => {
  const ctx = await context();
  try {
    const page = await ctx.newPage();
    const w = watch(page);
    const t = await tree(page);
    await page.goto(TREE);
    await ready(page);
    await page.keyboard.press("2");
    await expectStep(page, t, [1], { focused: true });
    // A number key with a modifier is left alone.
    await page.keyboard.press("Control+1");
    await expectStep(page, t, [1]);
    // Tab from the heading reaches the answers, and focus is visible.
    let found = null;
    for (let k = 0; k < 15 && !found; k++) {
      await page.keyboard.press("Tab");
      found = await page.evaluate(() => {
        const a = document.activeElement;
        if (!a.matches(".answer")) return null;
        const cs = getComputedStyle(a);
        return { index: a.dataset.index, visible: a.matches(":focus-visible") && cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2 };
      });
    }
    assert.ok(found, "Tab reaches an answer");
    assert.ok(found.visible, "focused answer has a visible focus outline");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter"); // second answer: credit-line-escalate
    await expectStep(page, t, [1, 1], { focused: true });
    // Back to the start with the keyboard, then walk with digits only.
    await page.locator("[data-action=restart]").focus();
    await page.keyboard.press("Enter");
    await expectStep(page, t, [], { focused: true });
    for (const k of ["5", "1", "1", "3"]) await page.keyboard.press(k);
    await expectStep(page, t, [4, 0, 0, 2], { focused: true });
    assert.equal(walk(t, [4, 0, 0, 2]).at(-1).type, "outcome");
    // On an outcome, digits do nothing.
    await page.keyboard.press("1");
    await expectStep(page, t, [4, 0, 0, 2]);
    assert.deepEqual(w.issues, []);
  } finally {
    await ctx.close();
  }
});

test("article page weight: HTML + CSS + JS under 30 KB", async () => {
  const ctx = await context();
  try {
    const page = await ctx.newPage();
    const sizes = [];
    page.on("response", async (r) => {
      const type = r.request().resourceType();
      if (["document", "stylesheet", "script", "fetch", "xhr"].includes(type)) {
        sizes.push(r.body().then((b) => [type, r.url(), b.length]).catch(() => [type, r.url(), 0]));
      }
    });
    await page.goto(PAGES.article, { waitUntil: "networkidle" });
    const all = await Promise.all(sizes);
    const total = all.reduce((n, [, , b]) => n + b, 0);
    const detail = all.map(([t, url, b]) => `${t} ${url} ${b} B`).join("; ");
    assert.ok(all.some(([t]) => t === "document") && all.some(([t]) => t === "stylesheet"), `saw the document and CSS: ${detail}`);
    assert.ok(total < 30 * 1024, `${total} B >= 30 KB: ${detail}`);
    console.log(`  # article weight ${total} B (${detail})`);
  } finally {
    await ctx.close();
  }
});

test("responsive: no horizontal overflow at 375x740", async () => {
  const ctx = await context({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const bad = [];
  try {
    const pages = { ...PAGES, "outcome with trail (JS)": TREE + "credit-line-escalate/?path=4.0.1.1" };
    for (const [name, path] of Object.entries(pages)) {
      const page = await ctx.newPage();
      await page.goto(path, { waitUntil: "networkidle" });
      if (name === "outcome with trail (JS)") {
        await ready(page);
        await page.evaluate(() => Object.defineProperty(navigator, "clipboard", { value: undefined }));
        await page.locator("[data-action=copy]").click();
        await page.locator(".copy-text").waitFor();
      }
      // With isMobile, Chromium zooms out to fit wide content, which grows innerWidth too: compare with 375 as well.
      const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
      if (m.sw > Math.min(m.iw, 375)) bad.push(`${name} (${path}): scrollWidth ${m.sw} > innerWidth ${m.iw} (viewport 375)`);
      await page.close();
    }
  } finally {
    await ctx.close();
  }
  assert.deepEqual(bad, []);
});

// ---------- runner ----------

function withTimeout(p, ms, what) {
  let timer;
  return Promise.race([p, new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`${what} timed out after ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

let passed = 0;
let failed = 0;
const deadline = setTimeout(() => {
  console.log(`# suite timed out after ${RUN_TIMEOUT} ms`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  browser?.close().catch(() => {});
  process.exit(1);
}, RUN_TIMEOUT);
deadline.unref();

try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 30_000 });
  for (const [i, { name, fn }] of tests.entries()) {
    const t0 = Date.now();
    try {
      await withTimeout(fn(), TEST_TIMEOUT, name);
      passed++;
      console.log(`ok ${i + 1} - ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`not ok ${i + 1} - ${name} (${Date.now() - t0} ms)`);
      console.log(String(e && e.stack ? e.stack : e).replace(/^/gm, "  # "));
    }
  }
} catch (e) {
  console.log(`# could not start the browser: ${e.message}`);
  failed = Math.max(failed, tests.length - passed);
} finally {
  await browser?.close().catch(() => {});
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
