// Browser tests for a site published under a sub-path, as a customer gets it:
// the built fixture tests/fixtures/every-feature (every Markdown feature, both
// link forms, two troubleshooters) served by a plain static server at /help/
// with `Content-Security-Policy: default-src 'self'` on every response.
//   node tests/browser/subpath.mjs <folder written by `waymark build`>
import assert from "node:assert/strict";
import { suite } from "./harness.mjs";
import { serve } from "./static-server.mjs";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node tests/browser/subpath.mjs <built site folder>");
  process.exit(2);
}
const server = await serve(dir, { mount: "/help/", beacon: "/help/feedback" });
const { ORIGIN, u, test, watch, withPage, withContext, axe, run } = suite(server.url);
const SITE_URL = "https://example.com/help/"; // base_url in the fixture's site.yaml

const TREE = "troubleshoot/no-internet/";
const PAGES = {
  home: "",
  category: "categories/setup/",
  "article with every Markdown feature": "articles/router-basics/",
  "tree home": TREE,
  "question step": TREE + "red-light/",
  "outcome step": TREE + "power-supply/",
  "paths page": TREE + "paths/",
  "tags index": "tags/",
  "tag page": "tags/router/",
  "search page with results": "search/?q=router",
  "missing page": "nope/",
};
const isStep = (p) => p.startsWith("troubleshoot/") && !p.endsWith("paths/");
const ready = (page) => page.waitForSelector("[data-tree].tree-ready", { state: "attached" });
const searched = (page) => page.waitForFunction(() => document.querySelector("[data-search-results]")?.dataset.shown !== undefined);

// Opens `path` and waits until scripts are done with it.
async function open(page, path) {
  const res = await page.goto(path, { waitUntil: "load" });
  await page.waitForLoadState("networkidle");
  if (isStep(path)) await ready(page);
  if (path.startsWith("search/")) await searched(page);
  return res;
}

// Every page the sitemap lists, as paths relative to the served /help/.
async function sitemap(page) {
  const xml = await (await page.request.get(u("sitemap.xml"))).text();
  const urls = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
  assert.ok(urls.length > 10, `sitemap lists the site: ${urls.length}`);
  return urls.map((l) => {
    assert.ok(l.startsWith(SITE_URL), `sitemap URL under base_url: ${l}`);
    return l.slice(SITE_URL.length);
  });
}

// ---------- tests ----------

test("every page under /help/ works with a strict CSP: no violations, console errors or failed requests; every image loads; every link resolves under /help/", async () => {
  const problems = [];
  const checked = new Map(); // url -> Promise<{ status, body }>
  const fetchOnce = (page, url) => {
    if (!checked.has(url)) checked.set(url, page.request.get(url, { maxRedirects: 0 }).then(async (r) => ({ status: r.status(), body: await r.text() })));
    return checked.get(url);
  };
  await withContext(async (ctx) => {
    const first = await ctx.newPage();
    const paths = [...new Set([...(await sitemap(first)), ...Object.values(PAGES)])];
    await first.close();
    for (const path of paths) {
      const page = await ctx.newPage();
      const missing = path === PAGES["missing page"];
      const w = watch(page, { allow404: missing ? [path] : [] });
      const res = await open(page, path);
      if (res.status() !== (missing ? 404 : 200)) problems.push(`${path}: status ${res.status()}`);
      const found = await page.evaluate(() => {
        const abs = (v) => new URL(v, location.href).href;
        const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
        return {
          h1s: document.querySelectorAll("h1").length,
          styled: [...document.querySelectorAll("[style]")].map((e) => e.outerHTML.slice(0, 80)),
          inline: [...document.querySelectorAll("script:not([src]):not([type='application/ld+json'])")].length,
          images: [...document.images].map((i) => ({ src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0, alt: i.getAttribute("alt") })),
          links: [...document.querySelectorAll("a[href], link[href], script[src], img[src]")].map((e) => ({
            raw: e.getAttribute("href") ?? e.getAttribute("src"),
            url: abs(e.getAttribute("href") ?? e.getAttribute("src")),
          })),
          missingAnchors: [...document.querySelectorAll("a[href^='#']")]
            .map((a) => decodeURIComponent(a.getAttribute("href").slice(1)))
            .filter((id) => id && !document.getElementById(id)),
          duplicateIds: ids.filter((id, i) => ids.indexOf(id) !== i),
        };
      });
      if (found.h1s !== 1) problems.push(`${path}: ${found.h1s} h1 elements`);
      for (const s of found.styled) problems.push(`${path}: style= attribute (blocked by the CSP): ${s}`);
      if (found.inline) problems.push(`${path}: ${found.inline} inline scripts`);
      for (const i of found.images) if (!i.ok) problems.push(`${path}: image did not load: ${i.src}`);
      for (const id of found.missingAnchors) problems.push(`${path}: in-page link to missing #${id}`);
      for (const id of found.duplicateIds) problems.push(`${path}: duplicate id ${id}`);
      for (const { raw, url } of found.links) {
        if (raw.startsWith("#")) continue; // in-page: checked above
        const target = new URL(url);
        if (target.origin !== ORIGIN) continue; // external links are not fetched
        if (!target.pathname.startsWith("/help/")) {
          problems.push(`${path}: link outside the base path: ${raw}`);
          continue;
        }
        const { status, body } = await fetchOnce(page, target.origin + target.pathname + target.search);
        if (status !== 200) problems.push(`${path}: ${raw} -> HTTP ${status}`);
        const id = decodeURIComponent(target.hash.slice(1));
        if (id && status === 200 && !body.includes(`id="${id}"`)) problems.push(`${path}: ${raw} -> no element #${id}`);
      }
      for (const issue of w.issues) problems.push(`${path}: ${issue}`);
      await page.close();
    }
    assert.ok(paths.length >= 20, `pages checked: ${paths.length}`);
  });
  assert.deepEqual(problems, []);
  // A plain host: nothing was requested outside the mount point.
  const outside = server.requests.filter((r) => !/^\w+ \/help\//.test(r));
  assert.deepEqual(outside, [], "requests outside /help/");
});

test("axe-core: no WCAG 2.1 A/AA violations on every page type, light and dark, including the states only JS shows", async () => {
  const failures = [];
  const states = {
    ...PAGES,
    // JS states: a step opened directly (no trail, says so), a trail with
    // feedback pressed and the copy fallback open, the search popup.
    "step opened directly, then answered (JS)": TREE + "power/",
    "outcome with trail, feedback and copy fallback (JS)": TREE + "power-supply/?path=0.0",
    "search popup open": "articles/led-colors/",
  };
  await withContext(async (ctx) => {
    for (const scheme of ["light", "dark"]) {
      for (const [name, path] of Object.entries(states)) {
        const page = await ctx.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        await open(page, path);
        if (name.startsWith("step opened directly")) await page.locator(".step .answer").nth(0).click();
        if (name.startsWith("outcome with trail")) {
          await page.locator("[data-helpful=no]").click();
          await page.evaluate(() => Object.defineProperty(navigator, "clipboard", { value: undefined }));
          await page.locator("[data-action=copy]").click();
          await page.locator(".copy-text").waitFor();
        }
        if (name === "search popup open") {
          await page.locator("#site-search").pressSequentially("router ", { delay: 10 });
          await page.locator(".search-popup [role=option]").first().waitFor();
          await page.keyboard.press("ArrowDown");
        }
        failures.push(...(await axe(page, `[${scheme}] ${name} (${path})`)));
        await page.close();
      }
    }
  }, { bypassCSP: true });
  assert.ok(failures.length === 0, `axe violations:\n${failures.join("\n")}`);
});

test("Markdown features render as meant under the CSP: aligned columns, footnotes with back-links, callouts, task lists, code", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    await open(page, PAGES["article with every Markdown feature"]);
    const md = await page.evaluate(() => {
      const prose = document.querySelector(".prose");
      const side = { start: "left", end: "right" }; // in a left-to-right page
      const cells = (sel) => [...prose.querySelector("table").querySelectorAll(sel)].map((c) => side[getComputedStyle(c).textAlign] || getComputedStyle(c).textAlign);
      const refs = [...prose.querySelectorAll("sup a[href^='#']")].map((a) => {
        const note = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
        const back = note && [...note.querySelectorAll("a[href^='#']")].map((b) => document.getElementById(decodeURIComponent(b.getAttribute("href").slice(1))));
        return {
          ref: a.getAttribute("href"),
          note: !!note,
          inList: !!note?.closest("ol"),
          backToRef: !!back?.some((t) => t && (t === a || t.contains(a) || a.contains(t))),
        };
      });
      const headingIds = [...prose.querySelectorAll("h2[id], h3[id]")].map((h) => h.id);
      return {
        header: cells("thead th"),
        firstRow: cells("tbody tr:first-child td"),
        refs,
        noteIdsClashWithHeadings: refs.map((r) => r.ref.slice(1)).filter((id) => headingIds.includes(id)),
        callouts: [...prose.querySelectorAll(".callout")].map((c) => c.className),
        tasks: [...prose.querySelectorAll("input[type=checkbox]")].map((c) => ({ checked: c.checked, disabled: c.disabled })),
        del: prose.querySelector("del, s")?.textContent,
        code: prose.querySelector("pre code")?.textContent.trim(),
        inlineCode: [...prose.querySelectorAll("p code, li code")].map((c) => c.textContent),
        quote: prose.querySelector("blockquote:not(.callout)")?.textContent.trim(),
        images: [...prose.querySelectorAll("img")].map((i) => ({ ok: i.naturalWidth > 0, src: new URL(i.src).pathname })),
      };
    });
    assert.deepEqual(md.header, ["left", "center", "right"], "header cells aligned by column");
    assert.deepEqual(md.firstRow, ["left", "center", "right"], "body cells aligned by column");
    assert.equal(md.refs.length, 2, `two footnote references: ${JSON.stringify(md.refs)}`);
    for (const r of md.refs) {
      assert.ok(r.note && r.inList, `footnote ${r.ref} is an item of a list`);
      assert.ok(r.backToRef, `footnote ${r.ref} links back to its reference`);
    }
    assert.deepEqual(md.noteIdsClashWithHeadings, [], "footnote ids never collide with heading ids");
    assert.deepEqual(md.callouts.map((c) => c.match(/callout-(\w+)/)?.[1]), ["note", "tip", "important", "warning", "caution"]);
    assert.deepEqual(md.tasks, [{ checked: true, disabled: true }, { checked: false, disabled: true }, { checked: false, disabled: true }]);
    assert.equal(md.del, "struck-out text");
    assert.equal(md.code, "ping -c 3 192.168.1.1");
    assert.ok(md.inlineCode.includes("inline code"), "inline code");
    assert.match(md.quote, /Keep the router upright/);
    assert.deepEqual(md.images, [{ ok: true, src: "/help/img/router.png" }, { ok: true, src: "/help/img/lights.svg" }]);
    assert.deepEqual(w.issues, []);
  });
});

// Accessible names (and descriptions) as Chromium computes them, not Playwright's own guess.
async function accessible(page, role) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  await cdp.detach();
  return nodes
    .filter((n) => n.role?.value === role && !n.ignored)
    .map((n) => ({ name: n.name?.value ?? "", description: n.description?.value ?? "" }));
}
const accessibleNames = async (page, role) => (await accessible(page, role)).map((n) => n.name);

test("accessible names: exit answers, task-list checkboxes and the two search landmarks", async () => {
  await withPage(async (page) => {
    await open(page, TREE);
    // An exit answer is named by its label; the hint describes it.
    const links = await accessible(page, "link");
    const named = (name) => links.find((l) => l.name === name);
    assert.equal(named("I do not know what the lights mean")?.description, "Opens an article", JSON.stringify(links));
    assert.equal(named("Everything looks normal but Wi-Fi is slow")?.description, "Opens another troubleshooter");
    assert.ok(!links.some((l) => /Opens/.test(l.name)), "no label run into its hint");
    // The same when tree.js draws the step in place.
    await page.locator(".step .answer").nth(1).click();
    await page.locator("[data-action=back]").click();
    const again = await accessible(page, "link");
    assert.equal(again.find((l) => l.name === "I do not know what the lights mean")?.description, "Opens an article");
    await open(page, "articles/router-basics/");
    const boxes = await accessibleNames(page, "checkbox");
    assert.equal(boxes.length, 3);
    assert.ok(boxes.every((n) => n.trim()), `every checkbox has a name: ${JSON.stringify(boxes)}`);
    await open(page, "");
    const searches = await accessibleNames(page, "search");
    assert.equal(searches.length, 2, "header and home search");
    assert.equal(new Set(searches).size, 2, `distinct landmark names: ${searches}`);
    await open(page, "search/?q=wifi");
    const onSearch = await accessibleNames(page, "search");
    assert.equal(new Set(onSearch).size, 2, `distinct landmark names on the search page: ${onSearch}`);
  });
});

// What the troubleshooter shows now.
const step = (page) =>
  page.evaluate(() => {
    const q = (s) => document.querySelector(s);
    const visible = (s) => !!q(s)?.checkVisibility();
    return {
      url: location.pathname + location.search,
      title: q(".step-title")?.textContent.trim(),
      trail: visible(".trail") ? [...document.querySelectorAll(".trail li strong")].map((s) => s.textContent) : null,
      trailQuestions: visible(".trail") ? [...document.querySelectorAll(".trail li")].map((s) => s.firstChild.textContent) : null,
      direct: visible(".trail-direct"),
      back: visible("[data-action=back]"),
      yourAnswers: [...document.querySelectorAll("*")].some((e) => e.checkVisibility() && /Your answers/.test(e.textContent) && !e.children.length),
    };
  });
const answer = (page, label) => page.locator(".step .answer", { hasText: label });
const copied = async (page) => {
  await page.evaluate(() => Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true }));
  await page.locator("[data-action=copy]").click();
  return page.locator("textarea.copy-text").inputValue();
};

test("troubleshooter trails are the truth: a step opened directly shows and reports only answers given in this visit", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    // Opened directly (search, a shared link without ?path=): no invented trail.
    await open(page, TREE + "power/");
    let s = await step(page);
    assert.equal(s.url, "/help/" + TREE + "power/", "URL as opened");
    assert.equal(s.title, "Is the power cable plugged in?");
    assert.equal(s.trail, null, "no answers shown");
    assert.ok(!s.yourAnswers, "no 'Your answers' heading");
    assert.ok(s.direct, "says the step was opened directly");
    assert.ok(!s.back, "no Back: there is nothing to go back to");

    // Answers given here are the trail, starting at this step.
    await answer(page, "Yes").click();
    s = await step(page);
    assert.equal(s.url, "/help/" + TREE + "power-supply/?from=power&path=0");
    assert.deepEqual(s.trail, ["Yes"], "only the answer given");
    assert.ok(s.direct, "still says where the answers start");
    assert.ok(s.back);
    const page1 = u(TREE + "power-supply/?from=power&path=0");
    assert.equal(
      await copied(page),
      [
        "My internet is down",
        "",
        "Opened directly at: Is the power cable plugged in? (answers before it are not known)",
        "",
        "1. Is the power cable plugged in?",
        "   Answer: Yes",
        "",
        "Outcome: Ask for a new power supply",
        `Page: ${page1}`,
        "Language: en",
      ].join("\n"),
    );
    // The URL keeps exactly that trail: a reload shows the same.
    await page.reload();
    await ready(page);
    s = await step(page);
    assert.deepEqual([s.url, s.trail, s.direct], ["/help/" + TREE + "power-supply/?from=power&path=0", ["Yes"], true]);
    // Back returns to where the customer came in.
    await page.locator("[data-action=back]").click();
    s = await step(page);
    assert.deepEqual([s.url, s.title, s.trail, s.direct, s.back], ["/help/" + TREE + "power/", "Is the power cable plugged in?", null, true, false]);
    // "Start from the first question" starts a full trail.
    await page.locator(".trail-direct a").click();
    s = await step(page);
    assert.deepEqual([s.url, s.trail, s.direct], ["/help/" + TREE, null, false]);
    await answer(page, "All lights are off").click();
    await answer(page, "Yes").click();
    s = await step(page);
    assert.deepEqual([s.url, s.trail, s.direct], ["/help/" + TREE + "power-supply/?path=0.0", ["All lights are off", "Yes"], false]);
    const full = await copied(page);
    assert.ok(!/Opened/.test(full) && /1\. What do the router lights show\?\n   Answer: All lights are off\n2\. Is the power cable plugged in\?\n   Answer: Yes/.test(full), full);
    // Within this visit, the bare URL of that step brings those answers back...
    await open(page, TREE + "power-supply/");
    assert.deepEqual((await step(page)).trail, ["All lights are off", "Yes"]);
    // ...but another step opened directly shows none.
    await open(page, TREE + "red-light/");
    s = await step(page);
    assert.deepEqual([s.trail, s.direct, s.yourAnswers], [null, true, false]);
    assert.deepEqual(w.issues, []);
  });
  // An outcome opened directly in a fresh visit: the support details say so, with no answers.
  await withPage(async (page) => {
    const w = watch(page);
    await open(page, TREE + "power-supply/");
    const s = await step(page);
    assert.deepEqual([s.trail, s.direct, s.yourAnswers], [null, true, false]);
    const text = await copied(page);
    assert.equal(
      text,
      ["My internet is down", "", "Opened this step directly (no answers given)", "", "Outcome: Ask for a new power supply", `Page: ${u(TREE + "power-supply/")}`, "Language: en"].join("\n"),
    );
    assert.ok(!/Answer:/.test(text));
    assert.deepEqual(w.issues, []);
  });
  // Without JavaScript nothing about answers is shown at all.
  await withPage(async (page) => {
    await page.goto(TREE + "power-supply/");
    const s = await step(page);
    assert.deepEqual([s.trail, s.direct, s.back, s.yourAnswers], [null, false, false, false]);
  }, { javaScriptEnabled: false });
});

test("search without JavaScript: both boxes submit to /help/search/?q=, which says what to do; with JS the same URL shows results", async () => {
  await withContext(async (ctx) => {
    const page = await ctx.newPage();
    const w = watch(page);
    await page.goto("articles/led-colors/");
    await page.locator("#site-search").fill("red light");
    await Promise.all([page.waitForURL(u("search/?q=red+light")), page.locator("#site-search").press("Enter")]);
    assert.match(await page.locator("main").innerText(), /Search needs JavaScript/);
    const links = await page.locator("main a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.ok(links.includes("/help/categories/setup/") && links.includes("/help/troubleshoot/no-internet/"), `links: ${links}`);
    await page.goto("");
    assert.equal(await page.locator("#home-search").getAttribute("placeholder"), "e.g. red internet light", "placeholder from site.yaml");
    await page.locator("#home-search").fill("wifi");
    await Promise.all([page.waitForURL(u("search/?q=wifi")), page.locator("#home-search").press("Enter")]);
    assert.match(await page.locator("main").innerText(), /Search needs JavaScript/);
    assert.deepEqual(w.issues, []);
  }, { javaScriptEnabled: false });
  await withPage(async (page) => {
    const w = watch(page);
    await open(page, "search/?q=red+light");
    assert.equal(await page.locator("#page-search").inputValue(), "red light", "the query is kept");
    const hrefs = await page.locator(".search-results > li > a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.ok(hrefs.length > 0 && hrefs.every((h) => h.startsWith("/help/")), `results under /help/: ${hrefs}`);
    assert.equal(await page.locator("noscript").evaluate((n) => n.checkVisibility?.() ?? false), false);
    // And the popup from the header box.
    await page.goto("articles/led-colors/");
    await page.locator("#site-search").pressSequentially("reset ", { delay: 10 });
    await page.locator(".search-popup [role=option]").first().waitFor();
    const opts = await page.locator(".search-popup [role=option]").evaluateAll((os) => os.map((o) => o.dataset.href));
    assert.ok(opts.length > 0 && opts.every((h) => h.startsWith("/help/")), `popup results under /help/: ${opts}`);
    assert.deepEqual(w.issues, []);
  });
});

test("feedback: shown on outcomes because the site has an endpoint; a vote is a JSON beacon to it", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    await open(page, TREE + "power-supply/?path=0.0");
    assert.ok(await page.locator(".feedback").isVisible(), "feedback shown on an outcome");
    const before = server.beacons.length;
    await page.locator("[data-helpful=yes]").click();
    await page.waitForFunction(() => document.querySelector(".feedback-thanks").textContent !== "");
    for (let i = 0; i < 50 && server.beacons.length === before; i++) await page.waitForTimeout(100);
    const got = server.beacons.slice(before);
    assert.equal(got.length, 1, "one beacon");
    assert.match(got[0].type, /application\/json/);
    assert.deepEqual(JSON.parse(got[0].body), { tree: "no-internet", node: "power-supply", from: "lights", path: "0.0", helpful: true });
    await open(page, TREE + "red-light/");
    assert.equal(await page.locator(".feedback").isVisible(), false, "not on questions");
    assert.deepEqual(w.issues, []);
  });
});

// ---------- search v2: the results page ----------

// The results page's links, relative to /help/, without anchors.
const resultPages = (page) =>
  page.locator(".search-results > li > a").evaluateAll((as) => as.map((a) => a.getAttribute("href").replace(/^\/help\//, "").replace(/#.*/, "")));

test("search: identifiers and error codes are found whole, in any case, and by their parts", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    for (const q of ["ERR_DHCP_TIMEOUT", "err_dhcp_timeout", "dhcp", "timeout", "invalid_token", "token", "E-1042", "ERR_42", "err 42", "42", "2.3.1"]) {
      await open(page, "search/?q=" + encodeURIComponent(q));
      const pages = await resultPages(page);
      assert.equal(pages[0], "articles/error-codes/", `${q}: ${pages}`);
    }
    assert.deepEqual(w.issues, []);
  });
});

test("search: a query of stop words only shows results, not 'No results'", async () => {
  await withPage(async (page) => {
    for (const q of ["how to", "the"]) {
      await open(page, "search/?q=" + encodeURIComponent(q));
      const status = await page.locator("[data-search-status]").textContent();
      assert.doesNotMatch(status, /No results/, `${q}: ${status}`);
      assert.ok((await resultPages(page)).length > 0, q);
    }
    assert.ok((await resultPages(page)).length > 0);
  });
});

test("search: filters by type and category with counts, state in the URL, by keyboard", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    await open(page, "search/?q=router");
    const nav = page.locator("nav.search-filters");
    assert.match(await nav.innerText(), /All \(15\)[\s\S]*Articles \(7\)[\s\S]*Troubleshooter steps \(8\)[\s\S]*Setting up \(3\)[\s\S]*Problems \(12\)/);
    // Keyboard: Tab from the box to the "Troubleshooter steps" filter, Enter.
    await page.locator("#page-search").focus();
    let on = "";
    for (let i = 0; i < 10 && !/Troubleshooter steps/.test(on); i++) {
      await page.keyboard.press("Tab");
      on = await page.evaluate(() => document.activeElement.textContent);
    }
    assert.match(on, /Troubleshooter steps/);
    await page.keyboard.press("Enter");
    await page.waitForURL(/type=tree/);
    await page.waitForFunction(() => [...document.querySelectorAll(".search-results > li > a")].every((a) => a.getAttribute("href").includes("/troubleshoot/")));
    let pages = await resultPages(page);
    assert.ok(pages.length > 0 && pages.every((p) => p.startsWith("troubleshoot/")), `only steps: ${pages}`);
    assert.equal(await nav.locator("ul").first().locator("[aria-current=true]").textContent(), "Troubleshooter steps (8)", "the chosen filter is marked");
    // The state survives a reload (the URL holds it), and a category adds to it.
    await page.reload();
    await page.waitForFunction(() => document.querySelector("[data-search-results]")?.dataset.shown === "router");
    pages = await resultPages(page);
    assert.ok(pages.every((p) => p.startsWith("troubleshoot/")), `after reload: ${pages}`);
    await page.locator("nav.search-filters a", { hasText: "Setting up" }).click();
    await page.waitForURL(/category=setup/);
    assert.match(page.url(), /type=tree/);
    await open(page, "search/?q=router&category=setup");
    pages = await resultPages(page);
    assert.ok(pages.length > 0 && pages.every((p) => /setup|router-placement|router-basics|led-colors/.test(p)), `setup only: ${pages}`);
    // Without a query, ?category= leads to that category.
    await open(page, "search/?category=problems");
    assert.ok(await page.locator("[data-search-results] a[href='/help/categories/problems/']").count(), "links the category");
    assert.deepEqual(w.issues, []);
  });
});

test("search: 10 results at a time; 'More results' fetches only what the next 10 need and moves focus", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    await open(page, "search/?q=router");
    assert.equal((await resultPages(page)).length, 10);
    assert.match(await page.locator("[data-search-status]").textContent(), /^10\+ results/);
    const before = w.requests.length;
    await page.locator("[data-more]").click();
    await page.waitForFunction(() => document.querySelectorAll(".search-results > li").length > 10);
    const pages = await resultPages(page);
    assert.equal(pages.length, 15);
    assert.equal(new Set(pages).size, 15, "no page twice");
    const fetched = w.requests.slice(before).map((r) => new URL(r.url()).pathname);
    assert.ok(fetched.every((p) => /\/search\/docs-/.test(p)), `only docs chunks: ${fetched}`);
    assert.equal(await page.evaluate(() => document.activeElement.closest(".search-results > li") === document.querySelectorAll(".search-results > li")[10]), true, "focus on the 11th result");
    assert.equal(await page.locator("[data-more]").count(), 0, "no more after the last");
    assert.deepEqual(w.issues, []);
  });
});

test("search: no results is no dead end: troubleshooters, every topic and the support link are offered", async () => {
  await withPage(async (page) => {
    await open(page, "search/?q=xylophone");
    const links = await page.locator("[data-search-results] a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    for (const l of ["/help/troubleshoot/no-internet/", "/help/categories/setup/", "/help/categories/problems/", "mailto:help@example.com"]) {
      assert.ok(links.includes(l), `${l} in ${links}`);
    }
    assert.equal(await page.locator("[data-search-results] a[href^='mailto:']").textContent(), "Email the help desk");
  });
});

// ---------- the reading experience (issue 18) ----------

const CODE_PAGE = PAGES["article with every Markdown feature"];
const LANGS = ["sh", "json", "yaml", "http", "js", "python"];

test("highlighted code under the strict CSP, light and dark: hl- classes, no style= attributes, no violations, colours per scheme", async () => {
  const colours = {};
  for (const scheme of ["light", "dark"]) {
    await withPage(async (page) => {
      await page.emulateMedia({ colorScheme: scheme });
      const w = watch(page);
      await open(page, CODE_PAGE);
      const found = await page.evaluate(() => {
        const blocks = [...document.querySelectorAll("pre.code")];
        const hl = [...document.querySelectorAll("pre.code span[class*='hl-']")];
        const sheets = [...document.styleSheets].map((s) => s.href || "");
        return {
          blocks: blocks.map((b) => ({
            lang: b.dataset.lang || "",
            tabindex: b.getAttribute("tabindex"),
            spans: b.querySelectorAll("span[class*='hl-']").length,
            scrolls: getComputedStyle(b).overflowX,
            wraps: getComputedStyle(b).whiteSpace,
          })),
          styled: document.querySelectorAll("pre [style]").length,
          // Every colour a highlighted span gets (highlight.css applies).
          colours: [...new Set(hl.map((s) => getComputedStyle(s).color))],
          plain: getComputedStyle(document.querySelector("pre.code code")).color,
          highlightCss: sheets.some((h) => /\/help\/highlight\.css/.test(h)),
        };
      });
      for (const lang of LANGS) {
        const b = found.blocks.find((x) => x.lang === lang);
        assert.ok(b, `${scheme}: a ${lang} block: ${JSON.stringify(found.blocks)}`);
        assert.ok(b.spans > 0, `${scheme}: ${lang} is highlighted with hl- classes`);
      }
      assert.ok(found.blocks.some((b) => b.lang === ""), "a block without a language");
      for (const b of found.blocks) {
        assert.equal(b.tabindex, "0", "code blocks are focusable (keyboard scrolling)");
        assert.equal(b.scrolls, "auto", "code blocks scroll sideways");
        assert.equal(b.wraps, "pre", "code blocks never wrap");
      }
      assert.equal(found.styled, 0, "no style= attributes in code");
      assert.ok(found.highlightCss, "highlight.css is linked");
      assert.ok(found.colours.length >= 3, `${scheme}: at least 3 token colours: ${found.colours}`);
      colours[scheme] = found.colours;
      assert.deepEqual(w.issues, [], `${scheme}: no CSP violations or errors`);
    });
  }
  assert.notDeepEqual(colours.light, colours.dark, "dark mode has colours of its own");
});

// The copy button of the code block whose language is `lang`.
const copyButton = (page, lang) => page.locator(`.code-block:has(pre[data-lang="${lang}"]) .code-copy`);
const codeText = (page, lang) => page.locator(`pre[data-lang="${lang}"] code`).evaluate((c) => c.textContent.replace(/\n$/, ""));
const clipboard = (page) => page.evaluate(() => navigator.clipboard.readText());

test("copy button: puts the code on the clipboard and announces \"Copied\", by mouse and by keyboard; without a clipboard it selects the code", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    await open(page, CODE_PAGE);
    const blocks = await page.locator("pre.code").count();
    assert.equal(await page.locator(".code-block .code-copy").count(), blocks, "one button per block");
    // The live region exists before anything is copied (so that it is announced).
    assert.equal(await page.locator(".code-block:has(pre[data-lang=json]) [role=status]").textContent(), "");
    assert.equal(await copyButton(page, "json").evaluate((b) => b.textContent), "Copy code", "accessible name");
    await copyButton(page, "json").click();
    await page.waitForFunction(() => document.querySelector(".code-block:has(pre[data-lang=json]) [role=status]").textContent === "Copied");
    assert.equal(await clipboard(page), await codeText(page, "json"));
    assert.match(await clipboard(page), /^\{ "wifi"/);
    // Keyboard: from the block, Shift+Tab reaches its button; Enter and Space copy.
    await page.locator('pre[data-lang="python"]').focus();
    await page.keyboard.press("Shift+Tab");
    assert.equal(await page.evaluate(() => document.activeElement.closest(".code-block")?.querySelector("pre").dataset.lang), "python");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector(".code-block:has(pre[data-lang=python]) [role=status]").textContent === "Copied");
    const python = await clipboard(page);
    assert.equal(python, await codeText(page, "python"));
    assert.match(python, /^import json, urllib\.request\n\nwith /, "line breaks kept");
    assert.ok(!python.endsWith("\n"), "no final line break");
    await copyButton(page, "yaml").focus();
    await page.keyboard.press(" ");
    await page.waitForFunction(() => document.querySelector(".code-block:has(pre[data-lang=yaml]) [role=status]").textContent === "Copied");
    assert.equal(await clipboard(page), await codeText(page, "yaml"));
    // A block without a language has a button too.
    await page.locator(".code-block:not(:has(pre[data-lang])) .code-copy").click();
    await page.waitForFunction(() => navigator.clipboard.readText().then((t) => t === "A block without a language: plain text, still copyable."));
    assert.deepEqual(w.issues, []);
  }, { permissions: ["clipboard-read", "clipboard-write"] });
  // No clipboard API: the code is selected and the status says how to copy it.
  await withPage(async (page) => {
    await open(page, CODE_PAGE);
    await page.evaluate(() => Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true }));
    await copyButton(page, "sh").first().click();
    const st = await page.evaluate(() => ({
      status: document.querySelector(".code-block:has(pre[data-lang=sh]) [role=status]").textContent,
      selected: getSelection().toString(),
      code: document.querySelector("pre[data-lang=sh] code").textContent,
    }));
    assert.equal(st.status, "Press Ctrl+C to copy");
    assert.equal(st.selected.trim(), st.code.trim());
  });
  // A troubleshooter step with code, answered in place, gets its button too.
  await withPage(async (page) => {
    const w = watch(page);
    await open(page, TREE);
    await answer(page, "The internet light is red").click();
    await page.locator(".step .answer[data-next=reset]").click();
    await page.locator(".step .code-copy").click();
    await page.waitForFunction(() => document.querySelector(".step .code-block [role=status]").textContent === "Copied");
    assert.equal(await clipboard(page), "ping -c 3 192.168.1.1");
    assert.deepEqual(w.issues, []);
  }, { permissions: ["clipboard-read", "clipboard-write"] });
});

test("at 390 px wide no page scrolls sideways; wide tables and code scroll in their own box without breaking words", async () => {
  const wide = [];
  await withContext(async (ctx) => {
    const first = await ctx.newPage();
    const paths = [...new Set([...(await sitemap(first)), PAGES["search page with results"], PAGES["missing page"]])];
    await first.close();
    for (const path of paths) {
      const page = await ctx.newPage();
      await open(page, path);
      const m = await page.evaluate(() => {
        const doc = document.documentElement;
        // What sticks out, to say why.
        const culprits = [...document.body.querySelectorAll("*")]
          .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5 && !e.closest(".table-wrap, pre, .visually-hidden"))
          .slice(0, 3)
          .map((e) => e.outerHTML.slice(0, 100));
        return { scroll: doc.scrollWidth, width: innerWidth, culprits };
      });
      if (m.scroll > m.width) wide.push(`${path}: scrollWidth ${m.scroll} > ${m.width}: ${m.culprits.join(" | ")}`);
      await page.close();
    }
    assert.ok(paths.length >= 20, `pages checked: ${paths.length}`);
  }, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  assert.deepEqual(wide, []);
  await withPage(async (page) => {
    await open(page, CODE_PAGE);
    const m = await page.evaluate(() => {
      const wrap = [...document.querySelectorAll(".table-wrap")].at(-1);
      // A word is broken when its text spans more than one line box.
      const broken = [];
      for (const cell of wrap.querySelectorAll("th, td")) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let t; (t = walker.nextNode()); ) {
          for (const m of t.data.matchAll(/\S+/g)) {
            const r = document.createRange();
            r.setStart(t, m.index);
            r.setEnd(t, m.index + m[0].length);
            const lines = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
            if (lines.size > 1) broken.push(m[0]);
          }
        }
      }
      const curl = [...document.querySelectorAll("pre[data-lang=sh]")].at(-1);
      return {
        tableScrolls: wrap.scrollWidth > wrap.clientWidth,
        focusable: wrap.tabIndex === 0,
        broken,
        codeScrolls: curl.scrollWidth > curl.clientWidth,
        codeOneLine: curl.clientHeight < 2 * parseFloat(getComputedStyle(curl).lineHeight) + parseFloat(getComputedStyle(curl).paddingTop) * 2,
      };
    });
    assert.ok(m.tableScrolls, "the wide table scrolls in its box");
    assert.ok(m.focusable, "the table box is focusable");
    assert.deepEqual(m.broken, [], "no word broken inside a table cell");
    assert.ok(m.codeScrolls && m.codeOneLine, `a long command stays on one line and scrolls: ${JSON.stringify(m)}`);
  }, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
});

test("troubleshooter steps: an h2 of the same size whether opened directly or reached by answering; no \"Start over\" on the first step", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    const heading = () => page.locator(".step-title").evaluate((h) => ({ tag: h.tagName, size: getComputedStyle(h).fontSize, text: h.textContent }));
    const restart = () => page.locator("[data-action=restart]").isVisible();
    await open(page, TREE + "power/");
    const direct = await heading();
    assert.equal(direct.tag, "H2");
    assert.ok(await restart(), "Start over on a later step");
    await open(page, TREE);
    assert.equal(await restart(), false, "no Start over on the first step");
    assert.equal((await heading()).tag, "H2");
    await answer(page, "All lights are off").click();
    const clicked = await heading();
    assert.deepEqual(clicked, direct, "same element and size");
    assert.ok(await restart(), "Start over once answered");
    await page.locator("[data-action=restart]").click();
    assert.equal(await restart(), false, "hidden again on the first step");
    await open(page, TREE + "lights/");
    assert.equal(await restart(), false, "the first step's own page has none either");
    assert.deepEqual(w.issues, []);
  });
  await withPage(async (page) => {
    await page.goto(TREE);
    assert.equal(await page.locator("[data-action=restart]").isVisible(), false, "without JS, none on the first step");
    await page.goto(TREE + "power/");
    assert.equal(await page.locator(".step-title").evaluate((h) => h.tagName), "H2");
    assert.ok(await page.locator("[data-action=restart]").isVisible());
  }, { javaScriptEnabled: false });
});

test("print: only the text, with each link's address after it", async () => {
  await withPage(async (page) => {
    await open(page, CODE_PAGE);
    await page.emulateMedia({ media: "print" });
    const p = await page.evaluate(() => {
      const shown = (s) => [...document.querySelectorAll(s)].filter((e) => e.checkVisibility()).length;
      const after = (a) => getComputedStyle(a, "::after").content;
      return {
        hidden: [".site-header", ".search", ".breadcrumbs", ".sidebar", ".pager", ".toc", "button", ".site-footer"].filter((s) => shown(s)),
        external: after(document.querySelector(".prose a[href^='http']")),
        internal: after(document.querySelector(".prose a[href^='/help/articles/']")),
        inPage: after(document.querySelector(".prose a[href^='#']")),
        code: getComputedStyle(document.querySelector("pre.code")).whiteSpace,
      };
    });
    assert.deepEqual(p.hidden, [], "nothing but the text is printed");
    assert.equal(p.external, '" (https://example.org/manual)"');
    assert.match(p.internal, /^" \(\/help\/articles\/[a-z-]+\/\)"$/);
    assert.equal(p.inPage, "none");
    assert.equal(p.code, "pre-wrap", "printed code wraps rather than being cut off");
    await open(page, TREE + "power-supply/?path=0.0");
    const o = await page.evaluate(() => [".feedback", ".tree-tools", ".copy-details", ".trail"].filter((s) => document.querySelector(s)?.checkVisibility()));
    assert.deepEqual(o, [], "an outcome prints without its tools");
  });
});

test("tags: an article links its tags; a tag's page lists what carries it; /tags/ lists every tag; dates for people", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    await open(page, CODE_PAGE);
    const meta = await page.evaluate(() => ({
      tags: [...document.querySelectorAll(".meta a.tag")].map((a) => [a.textContent, a.getAttribute("href")]),
      time: [document.querySelector(".meta time").getAttribute("datetime"), document.querySelector(".meta time").textContent],
    }));
    assert.deepEqual(meta.tags, [["router", "/help/tags/router/"], ["basics", "/help/tags/basics/"]]);
    assert.deepEqual(meta.time, ["2026-01-15", "15 January 2026"]);
    await page.locator(".meta a.tag", { hasText: "router" }).click();
    await page.waitForURL(u("tags/router/"));
    const listed = await page.locator("main a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.ok(listed.includes("/help/" + CODE_PAGE) && listed.includes("/help/" + TREE), `articles and troubleshooters: ${listed}`);
    await page.locator("main a", { hasText: "All tags" }).click();
    await page.waitForURL(u("tags/"));
    const tags = await page.locator(".tag-cloud a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.ok(tags.includes("/help/tags/router/") && tags.includes("/help/tags/basics/"), `${tags}`);
    assert.deepEqual(w.issues, []);
  });
});

test("site identity: a logo before the title (the link is named by the title), the site's favicon; the home page shows category cards with description and count", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    await open(page, "");
    const id = await page.evaluate(() => {
      const logo = document.querySelector(".site-title img");
      return {
        logo: logo && { src: new URL(logo.src).pathname, alt: logo.getAttribute("alt"), loaded: logo.naturalWidth > 0, first: logo === logo.parentElement.firstElementChild },
        icon: [...document.querySelectorAll("link[rel~=icon]")].map((l) => l.getAttribute("href")),
        cards: [...document.querySelectorAll(".topic")].map((c) => [c.querySelector("h3").textContent, c.querySelector(".topic-text")?.textContent, c.querySelector(".topic-count")?.textContent]),
      };
    });
    assert.deepEqual(id.logo, { src: "/help/img/logo.svg", alt: "", loaded: true, first: true });
    assert.deepEqual(id.icon, ["/help/img/icon.svg"]);
    assert.deepEqual((await accessible(page, "link")).filter((l) => l.name === "Router Help").length, 1, "the home link is named by the site title once");
    assert.deepEqual(id.cards, [
      ["Setting up", "Getting the router running.", "3 articles"],
      ["Problems", "When the internet or Wi-Fi misbehaves.", "4 articles"],
    ]);
    assert.deepEqual(w.issues, []);
  });
});

test("inline code and keys are styled chips, also inside callouts", async () => {
  for (const scheme of ["light", "dark"]) {
    await withPage(async (page) => {
      await page.emulateMedia({ colorScheme: scheme });
      await open(page, CODE_PAGE);
      const c = await page.evaluate(() => {
        const look = (e) => { const s = getComputedStyle(e); return { bg: s.backgroundColor, pad: s.paddingLeft, radius: s.borderTopLeftRadius, mono: /mono/i.test(s.fontFamily) }; };
        const callout = document.querySelector(".callout code");
        return { text: look(document.querySelector(".prose p code")), callout: look(callout), calloutBg: getComputedStyle(callout.closest(".callout")).backgroundColor, kbd: look(document.querySelector(".prose kbd")) };
      });
      for (const [k, v] of Object.entries({ text: c.text, callout: c.callout, kbd: c.kbd })) {
        assert.ok(v.bg !== "rgba(0, 0, 0, 0)" && v.pad !== "0px" && v.radius !== "0px" && v.mono, `${scheme} ${k}: ${JSON.stringify(v)}`);
      }
      assert.notEqual(c.callout.bg, c.calloutBg, `${scheme}: code in a callout stands out from it`);
    });
  }
});

test("support hand-off: an escalate outcome links to the site's support with the answers given in this visit", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    // Walked from the start: the mail holds both answers.
    await open(page, TREE);
    await page.locator(".step .answer").nth(0).click(); // All lights are off
    await page.locator(".step .answer").nth(0).click(); // Yes: the power cable is in
    await page.waitForFunction(() => !document.querySelector(".support-handoff")?.hidden);
    let href = await page.locator("[data-support-link]").getAttribute("href");
    assert.match(href, /^mailto:help@example\.com\?subject=Help%3A%20My%20internet%20is%20down&body=/);
    let body = decodeURIComponent(href.split("body=")[1]);
    assert.match(body, /All lights are off/);
    assert.match(body, /Answer: Yes/);
    assert.match(body, /Outcome: Ask for a new power supply/);
    assert.equal(await page.locator("[data-support-link]").textContent(), "Email the help desk");
    assert.deepEqual(w.issues, []);
  });
  // Opened directly in a new visit: no answers are claimed.
  await withPage(async (page) => {
    const w = watch(page);
    await open(page, TREE + "power-supply/");
    let href, body;
    href = await page.locator("[data-support-link]").getAttribute("href");
    body = decodeURIComponent(href.split("body=")[1]);
    assert.match(body, /Opened this step directly \(no answers given\)/);
    assert.doesNotMatch(body, /Answer:/);
    // Not on other steps.
    await open(page, TREE + "red-light/");
    assert.equal(await page.locator(".support-handoff").isVisible(), false);
    assert.deepEqual(w.issues, []);
  });
  // Without JavaScript the link is there, plain.
  await withPage(async (page) => {
    await page.goto(TREE + "power-supply/");
    assert.equal(await page.locator("[data-support-link]").getAttribute("href"), "mailto:help@example.com");
    assert.ok(await page.locator("[data-support-link]").isVisible());
  }, { javaScriptEnabled: false });
});

const code = await run();
await server.close();
process.exit(code);
