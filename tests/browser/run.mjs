// Browser tests for a served waymark site (the CoEx help center).
//   node tests/browser/run.mjs http://127.0.0.1:PORT/
// Uses the system Chromium through playwright-core (never downloads a browser).
// Prints one line per test and a final "N passed, N failed"; exits non-zero on any failure.
import assert from "node:assert/strict";
import { AXE, suite } from "./harness.mjs";

const base = process.argv[2];
if (!base || !/^https?:\/\//.test(base)) {
  console.error("usage: node tests/browser/run.mjs <base-url>   (e.g. http://127.0.0.1:8000/)");
  process.exit(2);
}
// Helpers shared with the other suites (harness.mjs): watch a page for
// problems, a fresh context per test, the runner.
const { ORIGIN, u, test, watch, withPage, withContext, run } = suite(base);

const TREE = "/troubleshoot/coex-connection/";
const PAGES = {
  home: "/",
  category: "/categories/connection-problems/",
  article: "/articles/known-limitations/",
  "tree home": TREE,
  "question node": TREE + "credit-line/",
  "outcome node": TREE + "credit-line-escalate/",
  "paths page": TREE + "paths/",
  "search page": "/search/?q=credit+line",
  "missing page": "/nope/",
};

// ---------- helpers ----------

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
  // The CoEx site has no feedback endpoint: the question is not there to be answered into the void.
  assert.equal(s.feedbackVisible, false, "no feedback without an endpoint");
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
  await withContext(async (ctx) => {
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
  });
});

test("axe-core: no WCAG 2.1 A/AA violations in light and dark schemes", async () => {
  // bypassCSP only here, so that axe can be injected.
  const failures = [];
  await withContext(async (ctx) => {
    const pages = { ...PAGES, "outcome with trail (JS)": TREE + "credit-line-escalate/?path=5.0.1.1" };
    delete pages["tree home"];
    for (const scheme of ["light", "dark"]) {
      for (const [name, path] of Object.entries(pages)) {
        const page = await ctx.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(path, { waitUntil: "networkidle" });
        if (path.startsWith(TREE) && !path.endsWith("paths/")) await ready(page);
        if (name === "outcome with trail (JS)") {
          // Also check a state only JS produces: the copy fallback.
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
  }, { bypassCSP: true });
  assert.ok(failures.length === 0, `axe violations:\n${failures.join("\n")}`);
});

test("tree with JS: answer in place, URL ?path=, trail, back/forward, reload, change, Back, Start over", async () => {
  await withPage(async (page) => {
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
    assert.equal(s.titleTag, "H2", "a step is an h2 under the tree's h1, as on its own page");
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
    await answer(page, 5).click(); // not sure
    await answer(page, 0).click(); // blocked
    await answer(page, 1).click(); // credit line
    await expectStep(page, t, [5, 0, 1]);
    await page.locator(".trail button").nth(1).click(); // change the 2nd answer
    await expectStep(page, t, [5], { focused: true });

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
    await answer(page, 6).click();
    await page.waitForURL(u("/articles/known-limitations/"));
    assert.deepEqual(w.issues, []);
  });
});

test("tree with JS: session trail, copy details for support, no feedback without an endpoint", async () => {
  await withPage(async (page, ctx) => {
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: ORIGIN });
    const w = watch(page);
    const t = await tree(page);
    await page.goto(TREE);
    await ready(page);
    for (const i of [5, 0, 1, 1]) await answer(page, i).click();
    await expectStep(page, t, [5, 0, 1, 1]);

    // The session remembers the trail for this tree: the bare node URL restores it...
    await page.goto(TREE + "credit-line-escalate/");
    await ready(page);
    await expectStep(page, t, [5, 0, 1, 1]);
    // ...but never on another tree.
    await page.goto("/troubleshoot/chats-not-syncing/");
    await ready(page);
    assert.equal((await step(page)).trail, null, "no trail carried to another tree");
    await page.goto(TREE + "credit-line-escalate/");
    await ready(page);
    await expectStep(page, t, [5, 0, 1, 1]);

    // Copy details for support.
    await page.locator("[data-action=copy]").click();
    await page.locator(".copy-status", { hasText: "Copied" }).waitFor();
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    const nodes = walk(t, [5, 0, 1, 1]);
    const expected = [
      t.title,
      "",
      ...[5, 0, 1, 1].flatMap((i, k) => [`${k + 1}. ${nodes[k].question}`, `   Answer: ${nodes[k].answers[i].label}`]),
      "",
      `Outcome: ${nodes.at(-1).title}`,
      `Page: ${u(TREE + "credit-line-escalate/?path=5.0.1.1")}`,
      "Language: en",
    ].join("\n");
    assert.equal(clip, expected, "clipboard text");

    // Without clipboard access the text is shown, selected, in a textarea.
    await page.evaluate(() => Object.defineProperty(navigator, "clipboard", { value: undefined }));
    await page.locator("[data-action=copy]").click();
    const ta = page.locator("textarea.copy-text");
    await ta.waitFor();
    assert.equal(await ta.inputValue(), expected, "fallback textarea text");
    assert.ok(await ta.evaluate((e) => document.activeElement === e && e.selectionEnd - e.selectionStart === e.value.length), "textarea focused and selected");

    // Feedback: the site has no endpoint, so the question is not on the page at all.
    assert.equal(await page.locator(".feedback, [data-helpful]").count(), 0, "no feedback question without an endpoint");
    assert.deepEqual(w.issues, []);
  });
});

test("shared link with ?path= restores the trail in a fresh context; invalid paths are ignored", async () => {
  await withPage(async (page, ctx) => {
    const w = watch(page);
    const t = await tree(page);
    await page.goto(TREE + "credit-line/?path=5.0.1");
    await ready(page);
    await expectStep(page, t, [5, 0, 1]);
    await page.evaluate(() => (window.__noReload = true));
    await answer(page, 0).click();
    const s = await expectStep(page, t, [5, 0, 1, 0], { focused: true });
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

    // A path that does not lead to this page is ignored: the page shows its own
    // step as opened directly, with no answers made up for the customer.
    for (const bad of ["9.9", "0", "1.x", "", "1..1", "1&from=nope"]) {
      await page.goto(TREE + "credit-line/?path=" + bad);
      await ready(page);
      const b = await step(page);
      assert.equal(b.title, t.byId["credit-line"].question, `?path=${bad}: page's own step`);
      assert.equal(b.url, TREE + "credit-line/", `?path=${bad} dropped from the URL`);
      assert.equal(b.trail, null, "no trail the customer did not give");
      assert.ok(await page.locator(".trail-direct").isVisible(), "says the step was opened directly");
    }
    assert.deepEqual(w.issues, []);
  });
});

test("tree without JS: answer links walk to an outcome, back button works", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    const t = await tree(page);
    await page.goto(TREE);
    for (const [i, id] of [[2, "waba-review"], [0, "waba-review-wait"]]) {
      await Promise.all([page.waitForURL(u(t.byId[id].url)), answer(page, i).click()]);
      assert.equal(await page.locator(".step-title").textContent(), label(t.byId[id]));
    }
    assert.equal(await page.locator(".feedback").isVisible(), false, "feedback hidden without JS");
    assert.equal(await page.locator("[data-action=copy]").isVisible(), false, "copy hidden without JS");
    assert.equal(await page.locator("[data-action=back]").isVisible(), false, "Back hidden without JS");
    assert.equal(await page.locator(".trail").isVisible(), false, "trail hidden without JS");
    await page.goBack();
    assert.equal(page.url(), u(t.byId["waba-review"].url));
    assert.equal(await page.locator(".step-title").textContent(), t.byId["waba-review"].question);
    // Start over is a plain link too.
    await Promise.all([page.waitForURL(u(TREE)), page.locator("[data-action=restart]").click()]);
    assert.deepEqual(w.issues, []);
  }, { javaScriptEnabled: false });
});

test("keyboard only: number keys walk the tree, Tab reaches answers with visible focus", async () => {
  await withPage(async (page) => {
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
    for (const k of ["6", "1", "1", "3"]) await page.keyboard.press(k);
    await expectStep(page, t, [5, 0, 0, 2], { focused: true });
    assert.equal(walk(t, [5, 0, 0, 2]).at(-1).type, "outcome");
    // On an outcome, digits do nothing.
    await page.keyboard.press("1");
    await expectStep(page, t, [5, 0, 0, 2]);
    assert.deepEqual(w.issues, []);
  });
});

// 30 KB until issue 18 (code, inline code and keys, tables, tags, logo, home
// cards, print) added about 2.7 KB of CSS (0.6 KB gzipped); the copy button
// and the colours of highlighted code load only on pages with code.
test("article page weight: HTML + CSS + JS under 34 KB", async () => {
  await withPage(async (page) => {
    const sizes = [];
    page.on("response", async (r) => {
      const type = r.request().resourceType();
      // /__waymark/ is the dev server's live reload, not part of the site.
      if (["document", "stylesheet", "script", "fetch", "xhr"].includes(type) && !new URL(r.url()).pathname.startsWith("/__waymark/")) {
        sizes.push(r.body().then((b) => [type, r.url(), b.length]).catch(() => [type, r.url(), 0]));
      }
    });
    // Not "networkidle": the live-reload event stream never goes idle.
    await page.goto(PAGES.article, { waitUntil: "load" });
    await page.waitForTimeout(500);
    const all = await Promise.all(sizes);
    const total = all.reduce((n, [, , b]) => n + b, 0);
    const detail = all.map(([t, url, b]) => `${t} ${url} ${b} B`).join("; ");
    assert.ok(all.some(([t]) => t === "document") && all.some(([t]) => t === "stylesheet"), `saw the document and CSS: ${detail}`);
    assert.ok(total < 34 * 1024, `${total} B >= 34 KB: ${detail}`);
    console.log(`  # article weight ${total} B (${detail})`);
  });
});

test("responsive: no horizontal overflow at 375x740", async () => {
  const bad = [];
  await withContext(async (ctx) => {
    const pages = { ...PAGES, "outcome with trail (JS)": TREE + "credit-line-escalate/?path=5.0.1.1" };
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
  }, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  assert.deepEqual(bad, []);
});

// ---------- search ----------

const BOX = "#site-search"; // the header search box
const XSS = "<img src=x onerror=alert(1)>";

// Type like a person (so the debounce and the combobox see real key events) and wait
// until the box shows the results of exactly this query.
async function search(page, q, box = BOX) {
  const input = page.locator(box);
  if (!page.__log) {
    const log = (page.__log = []), open = (page.__open = new Set());
    page.on("pageerror", (e) => log.push(e.stack));
    page.on("console", (m) => log.push(m.text()));
    page.on("request", (r) => open.add(r));
    page.on("requestfinished", (r) => open.delete(r));
    page.on("requestfailed", (r) => (open.delete(r), log.push(`failed: ${r.url()} ${r.failure()?.errorText}`)));
  }
  await input.focus();
  await input.fill("");
  await input.pressSequentially(q, { delay: 15 });
  await page.waitForFunction(([b, q]) => document.querySelector(b).form.dataset.shown === q, [box, q]).catch(async (e) => {
    const form = await page.evaluate((b) => document.querySelector(b).form.outerHTML, box).catch(() => "?");
    throw new Error(`results for ${JSON.stringify(q)} never shown: ${e.message}\nconsole: ${page.__log.join("\n")}\nopen requests: ${[...page.__open].map((r) => r.url()).join(" ")}\nform: ${form}`);
  });
}

// What the combobox currently shows, read from the DOM.
const combo = (page, box = BOX) =>
  page.evaluate((b) => {
    const input = document.querySelector(b);
    const list = document.getElementById(input.getAttribute("aria-controls"));
    const popup = list.closest(".search-popup");
    const options = [...list.querySelectorAll("[role=option]")];
    return {
      role: input.getAttribute("role"),
      expanded: input.getAttribute("aria-expanded"),
      active: input.getAttribute("aria-activedescendant"),
      popupVisible: !!popup.checkVisibility(),
      listRole: list.getAttribute("role"),
      options: options.map((o) => ({ id: o.id, href: o.dataset.href, selected: o.getAttribute("aria-selected"), sub: o.classList.contains("search-sub"), text: o.textContent })),
      status: input.form.querySelector("[role=status]").textContent,
      note: popup.querySelector(".search-note").textContent,
      value: input.value,
      focused: document.activeElement === input,
    };
  }, box);

test("search: typing in the header box shows results; only matched words are marked", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    await page.goto(PAGES.article, { waitUntil: "networkidle" });
    // Nothing of search is loaded before the box is used.
    assert.deepEqual(w.requests.map((r) => r.url()).filter((x) => /\/search(\.js|\/)/.test(x)), [], "search not loaded before use");
    await search(page, "credit line ");
    const s = await combo(page);
    assert.equal(s.role, "combobox");
    assert.equal(s.listRole, "listbox");
    assert.equal(s.expanded, "true");
    assert.ok(s.popupVisible, "results visible");
    assert.ok(s.options.length >= 3, "several results");
    assert.ok(
      s.options.slice(0, 3).some((o) => o.href.split("#")[0] === "/articles/credit-line-blocks-connection/"),
      "the credit line article among the first three",
    );
    assert.match(s.status, /^\d+\+? results?$/, "live region announces the count");
    // Every <mark> is a whole matched word (or a synonym), and those words are never left unmarked.
    const marks = await page.evaluate(() => {
      const out = { marks: [], unmarked: [], partial: [] };
      for (const o of document.querySelectorAll("[role=option]")) {
        for (const n of o.querySelectorAll(".search-title, .search-excerpt, .search-sub")) {
          for (const c of n.childNodes) {
            if (c.nodeType === 3) {
              if (/\b(credit|line)\b/i.test(c.textContent)) out.unmarked.push(c.textContent);
            } else if (c.tagName === "MARK") {
              out.marks.push(c.textContent);
              const before = c.previousSibling?.textContent.slice(-1) || "", after = c.nextSibling?.textContent[0] || "";
              if (/\p{L}/u.test(before + after)) out.partial.push(`${before}[${c.textContent}]${after}`);
            } else out.unmarked.push(`<${c.tagName}>`);
          }
        }
      }
      return out;
    });
    assert.ok(marks.marks.length > 0, "some words are marked");
    for (const m of marks.marks) assert.match(m.toLowerCase(), /^(credit|line|payment|method|bill)\w*$/, `marked: ${m}`);
    assert.deepEqual(marks.unmarked, [], "matched words outside <mark> (or other elements)");
    assert.deepEqual(marks.partial, [], "marks cover whole words");
    // Only the index files this query needs were fetched, from this origin.
    const fetched = w.requests.map((r) => new URL(r.url()).pathname).filter((x) => x.startsWith("/search/"));
    assert.ok(fetched.includes("/search/manifest.json"), "manifest fetched");
    const shards = fetched.filter((x) => /\/shard-/.test(x));
    const all = Object.keys((await (await page.request.get(u("/search/manifest.json"))).json()).shards);
    assert.ok(shards.length > 0 && shards.length < all.length / 4, `only a few shards: ${shards.length} of ${all.length}`);
    assert.equal(new Set(fetched).size, fetched.length, "nothing fetched twice");
    assert.deepEqual(w.issues, []);
  });
});

test("search: arrow keys and Enter open the page, a section anchor and a troubleshooter step; Escape closes", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    await page.goto(PAGES.home);
    // Arrow keys move the active option (aria-activedescendant, aria-selected) and wrap.
    await search(page, "chats stopped updating ");
    let s = await combo(page);
    assert.equal(s.active, null, "no option active before the arrows");
    await page.keyboard.press("ArrowDown");
    s = await combo(page);
    assert.equal(s.active, s.options[0].id);
    assert.equal(s.options[0].selected, "true");
    await page.keyboard.press("ArrowDown");
    s = await combo(page);
    assert.equal(s.active, s.options[1].id);
    assert.deepEqual(s.options.map((o) => o.selected), s.options.map((_, i) => String(i === 1)));
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    s = await combo(page);
    assert.equal(s.active, s.options.at(-1).id, "ArrowUp from the first option wraps to the last");
    assert.ok(s.focused, "focus stays in the box");

    // Escape closes, a second Escape clears.
    await page.keyboard.press("Escape");
    s = await combo(page);
    assert.equal(s.expanded, "false");
    assert.ok(!s.popupVisible, "closed");
    assert.equal(s.active, null);
    assert.equal(s.value, "chats stopped updating ");
    await page.keyboard.press("Escape");
    assert.equal((await combo(page)).value, "", "second Escape clears the box");

    // A sub-result: Enter opens the page at the section.
    await search(page, "chats stopped updating ");
    s = await combo(page);
    const sub = s.options.findIndex((o) => o.sub && o.href.includes("#"));
    assert.ok(sub > 0, `a sub-result with an anchor: ${JSON.stringify(s.options.map((o) => o.href))}`);
    for (let i = 0; i <= sub; i++) await page.keyboard.press("ArrowDown");
    const href = s.options[sub].href;
    await Promise.all([page.waitForURL(u(href)), page.keyboard.press("Enter")]);
    const id = decodeURIComponent(new URL(u(href)).hash.slice(1));
    assert.equal(await page.locator(`[id="${id}"]`).count(), 1, `the page has the heading #${id}`);
    assert.equal(await page.locator(`[id="${id}"]`).textContent(), s.options[sub].text);

    // The first result: Enter opens the page itself.
    await search(page, "coexistance");
    s = await combo(page);
    assert.equal(s.options[0].href, "/articles/what-is-coexistence/");
    await page.keyboard.press("ArrowDown");
    await Promise.all([page.waitForURL(u("/articles/what-is-coexistence/")), page.keyboard.press("Enter")]);

    // A troubleshooter step.
    await search(page, "ask meta to remove credit line ");
    s = await combo(page);
    const step = s.options.findIndex((o) => o.href === TREE + "credit-line-escalate/");
    assert.ok(step >= 0, `the step is a result: ${JSON.stringify(s.options.map((o) => o.href))}`);
    for (let i = 0; i <= step; i++) await page.keyboard.press("ArrowDown");
    await Promise.all([page.waitForURL(u(TREE + "credit-line-escalate/")), page.keyboard.press("Enter")]);
    await ready(page);

    // Enter with no option chosen submits to the search page.
    await search(page, "business manager ");
    await Promise.all([page.waitForURL(u("/search/?q=business+manager+")), page.keyboard.press("Enter")]);
    await page.waitForFunction(() => document.querySelector("[data-search-results]").dataset.shown === "business manager ");
    assert.ok(await page.locator(".search-results > li").count() > 0);
    assert.deepEqual(w.issues, []);
  });
});

test("search: / focuses the box, except while typing in a field; mouse click opens a result", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    await page.goto(PAGES.article, { waitUntil: "networkidle" });
    await page.keyboard.press("/");
    assert.ok(await page.evaluate(() => document.activeElement?.id === "site-search"), "/ focuses the header box");
    assert.equal(await page.locator(BOX).inputValue(), "", "the / is not typed");
    // In the box, / is just a character.
    await page.keyboard.type("a/b");
    assert.equal(await page.locator(BOX).inputValue(), "a/b");
    // On the home page, / goes to the big search box.
    await page.goto(PAGES.home);
    await page.keyboard.press("/");
    assert.ok(await page.evaluate(() => document.activeElement?.id === "home-search"), "/ focuses the home box");
    // Mouse: click a result.
    await search(page, "waba disabled ", "#home-search");
    const s = await combo(page, "#home-search");
    await Promise.all([page.waitForURL(u(s.options[0].href)), page.locator(`[id="${s.options[0].id}"]`).click()]);
    assert.deepEqual(w.issues, []);
  });
});

test("search: a query with HTML renders as text; no results offers troubleshooters and a suggestion", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    const dialogs = [];
    page.on("dialog", (d) => (dialogs.push(d.message()), d.dismiss()));
    await page.goto(PAGES.article);
    await search(page, XSS);
    const injected = () => page.evaluate(() => document.querySelectorAll("img, .search-popup script, [onerror]").length);
    assert.equal(await injected(), 0, "no element injected");
    let s = await combo(page);
    assert.ok(s.note.includes(XSS) || s.options.every((o) => !o.text.includes("<")), "query shown as text");
    // Nothing found: say so, link the troubleshooters, suggest a correction.
    await search(page, "qqxqzz ");
    s = await combo(page);
    assert.equal(s.options.length, 0);
    assert.equal(s.expanded, "false", "no listbox when there is nothing to choose");
    assert.ok(s.popupVisible, "the message is shown");
    assert.match(s.note, /No results for “qqxqzz”/);
    assert.match(s.status, /No results/);
    const trees = await page.locator(".search-note a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.ok(trees.includes(TREE), `troubleshooters linked: ${trees}`);
    await search(page, "verfication badje ");
    s = await combo(page);
    assert.match(s.note, /Did you mean verification badge\?/);
    await page.locator(".search-note [data-suggest]").click();
    await page.waitForFunction(() => document.querySelector("#site-search").form.dataset.shown === "verification badge");
    assert.ok((await combo(page)).options.length > 0, "the suggestion searches");
    // The search page: same query, as text.
    await page.goto("/search/?q=" + encodeURIComponent(XSS));
    await page.waitForFunction(() => document.querySelector("[data-search-results]").dataset.shown !== undefined);
    assert.equal(await injected(), 0, "no element injected on the search page");
    assert.ok((await page.locator("[data-search-status]").textContent()).includes(XSS), "query shown as text");
    await page.waitForTimeout(300);
    assert.deepEqual(dialogs, [], "no dialog");
    assert.deepEqual(w.issues, []);
  });
});

test("search page: ?q= shows full results with JS, typing updates the URL; without JS it says why and links the categories", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    await page.goto("/search/?q=coexistance");
    await page.waitForFunction(() => document.querySelector("[data-search-results]").dataset.shown === "coexistance");
    assert.equal(await page.locator("#page-search").inputValue(), "coexistance");
    assert.match(await page.locator("[data-search-status]").textContent(), /^\d+\+? results? for “coexistance”$/);
    assert.equal(await page.locator(".search-results > li > a").first().getAttribute("href"), "/articles/what-is-coexistence/");
    assert.equal(await page.locator("[data-search-results] a[href='/search/?q=coexistence']").textContent(), "coexistence", "did you mean");
    assert.equal(await page.locator("noscript").evaluate((n) => n.checkVisibility?.() ?? false), false);
    const subs = await page.locator(".search-subs a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.ok(subs.every((h) => /#[\w-]+$/.test(h)), `sub-results link to sections: ${subs}`);
    await page.locator("#page-search").fill("");
    await page.locator("#page-search").pressSequentially("history not synced", { delay: 15 });
    await page.waitForFunction(() => document.querySelector("[data-search-results]").dataset.shown === "history not synced");
    // The same form of URL as the form's own submit (spaces as +).
    assert.equal(new URL(page.url()).search, "?q=history+not+synced");
    const hrefs = await page.locator(".search-results > li > a").evaluateAll((as) => as.slice(0, 3).map((a) => a.getAttribute("href")));
    assert.ok(hrefs.includes("/troubleshoot/chats-not-syncing/history-not-synced/"), `the step is in the top 3: ${hrefs}`);
    assert.deepEqual(w.issues, []);
  });
  await withContext(async (nojs) => {
    const page = await nojs.newPage();
    const w = watch(page);
    // The header box is a plain form that submits to the search page.
    await page.goto(PAGES.article);
    await page.locator(BOX).fill("credit line");
    await Promise.all([page.waitForURL(u("/search/?q=credit+line")), page.locator(BOX).press("Enter")]);
    assert.match(await page.locator("main").textContent(), /Search needs JavaScript/);
    const cats = await page.locator("main a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    for (const c of ["/categories/coex-basics/", "/categories/connection-problems/", "/categories/sync-problems/", "/categories/choosing-a-connection/"]) {
      assert.ok(cats.includes(c), `links ${c}`);
    }
    assert.equal(await page.locator(".search-results").count(), 0);
    assert.deepEqual(w.issues, []);
  }, { javaScriptEnabled: false });
});

test("search: axe-core finds no violations with the results open (light and dark)", async () => {
  const failures = [];
  await withContext(async (ctx) => {
    for (const scheme of ["light", "dark"]) {
      for (const [name, q] of [["results", "chats not syncing"], ["no results", "qqxqzz "], ["suggestion", "coexistance"]]) {
        const page = await ctx.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(PAGES.article, { waitUntil: "networkidle" });
        await search(page, q);
        if (name === "results") await page.keyboard.press("ArrowDown");
        assert.ok((await combo(page)).popupVisible, `${name}: open`);
        await page.addScriptTag({ path: AXE });
        const result = await page.evaluate(() =>
          window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
        );
        for (const v of result.violations) {
          failures.push(
            `[${scheme}] ${name}: ${v.id} (${v.impact}) ${v.help}\n` +
              v.nodes.map((n) => `    ${n.target.join(" ")}\n      ${n.failureSummary.replace(/\n/g, "\n      ")}`).join("\n"),
          );
        }
        await page.close();
      }
    }
  }, { bypassCSP: true });
  assert.ok(failures.length === 0, `axe violations:\n${failures.join("\n")}`);
});

// ---------- runner ----------

process.exit(await run());
