// Browser tests for a three-language site (English, Spanish, Arabic written
// right to left): the built fixture tests/fixtures/languages served by a
// plain static server at /help/ with `Content-Security-Policy: default-src 'self'`.
//   node tests/browser/languages.mjs <folder written by `waymark build`>
import assert from "node:assert/strict";
import { suite } from "./harness.mjs";
import { serve } from "./static-server.mjs";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node tests/browser/languages.mjs <built site folder>");
  process.exit(2);
}
const server = await serve(dir, { mount: "/help/" });
const { test, watch, withPage, withContext, axe, run } = suite(server.url);

const LANGS = { en: "", es: "es/", ar: "ar/" };
const PAGES = ["", "categories/basics/", "articles/intro/", "articles/reset/", "troubleshoot/router/", "troubleshoot/router/works/", "troubleshoot/router/paths/", "search/?q=router", "tags/"];
const ready = (page) => page.waitForSelector("[data-tree].tree-ready", { state: "attached" });
const searched = (page) => page.waitForFunction(() => document.querySelector("[data-search-results]")?.dataset.shown !== undefined);

async function open(page, path) {
  const res = await page.goto(path, { waitUntil: "load" });
  await page.waitForLoadState("networkidle");
  if (/troubleshoot\/router\/(works\/)?$/.test(path)) await ready(page);
  if (path.includes("search/")) await searched(page);
  return res;
}

test("every page type in each language works under the strict CSP, in its language and direction", async () => {
  const problems = [];
  await withContext(async (ctx) => {
    for (const [lang, prefix] of Object.entries(LANGS)) {
      for (const p of PAGES) {
        const path = prefix + p;
        const page = await ctx.newPage();
        const w = watch(page);
        const res = await open(page, path);
        if (res.status() !== 200) problems.push(`${path}: status ${res.status()}`);
        const found = await page.evaluate(() => ({
          lang: document.documentElement.lang,
          dir: getComputedStyle(document.documentElement).direction,
          switcher: [...document.querySelectorAll(".language-switcher a")].map((a) => a.getAttribute("hreflang")),
        }));
        if (found.lang !== lang) problems.push(`${path}: <html lang="${found.lang}">`);
        if (found.dir !== (lang === "ar" ? "rtl" : "ltr")) problems.push(`${path}: direction ${found.dir}`);
        if (found.switcher.join() !== "en,es,ar") problems.push(`${path}: switcher ${found.switcher}`);
        for (const issue of w.issues) problems.push(`${path}: ${issue}`);
        await page.close();
      }
    }
  });
  assert.deepEqual(problems, []);
});

test("axe-core: no WCAG 2.1 A/AA violations in any language (article, fallback, tree step, search)", async () => {
  const failures = [];
  await withContext(async (ctx) => {
    for (const prefix of Object.values(LANGS)) {
      for (const p of ["", "articles/intro/", "articles/reset/", "troubleshoot/router/", "search/?q=router"]) {
        const page = await ctx.newPage();
        await open(page, prefix + p);
        failures.push(...(await axe(page, prefix + p)));
        await page.close();
      }
    }
  }, { bypassCSP: true });
  assert.deepEqual(failures, []);
});

test("the language switcher keeps the page, there and back", async () => {
  await withPage(async (page) => {
    await open(page, "articles/intro/");
    await page.locator(".language-switcher a[hreflang=es]").click();
    await page.waitForURL(/\/help\/es\/articles\/intro\/$/);
    assert.equal(await page.locator("h1").textContent(), "Primeros pasos con tu router");
    await page.locator(".language-switcher a[hreflang=ar]").click();
    await page.waitForURL(/\/help\/ar\/articles\/intro\/$/);
    await page.locator(".language-switcher a[hreflang=en]").click();
    await page.waitForURL(/\/help\/articles\/intro\/$/);
    assert.equal(await page.locator(".language-switcher [aria-current]").getAttribute("hreflang"), "en");
  });
});

test("hreflang alternates are reciprocal on every page of the sitemap, with x-default", async () => {
  await withPage(async (page) => {
    const xml = await (await page.request.get("sitemap.xml")).text();
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    assert.ok(locs.some((l) => l.includes("/es/")) && locs.some((l) => l.includes("/ar/")), "every language in the sitemap");
    assert.ok(!locs.includes("https://example.com/help/ar/articles/reset/"), "a fallback page is not in the sitemap");
    const alternatesOf = async (url) => {
      const path = new URL(url).pathname;
      const html = await (await page.request.get(server.url.replace(/\/help\/$/, "") + path)).text();
      return Object.fromEntries([...html.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">/g)].map((m) => [m[1], m[2]]));
    };
    const problems = [];
    for (const loc of locs.filter((l) => !/\/tags\//.test(l))) {
      const mine = await alternatesOf(loc);
      if (!Object.values(mine).includes(loc)) problems.push(`${loc}: does not list itself`);
      if (!mine["x-default"]) problems.push(`${loc}: no x-default`);
      for (const [lang, other] of Object.entries(mine)) {
        if (lang === "x-default") continue;
        const theirs = await alternatesOf(other);
        if (!Object.values(theirs).includes(loc)) problems.push(`${loc} -> ${other} (${lang}): not listed back`);
      }
    }
    assert.deepEqual(problems, []);
  });
});

test("a page without a translation shows the source with a notice in the page's language, and points canonical at the source", async () => {
  await withPage(async (page) => {
    await open(page, "ar/articles/reset/");
    const notice = page.locator(".fallback-notice");
    assert.match(await notice.textContent(), /العربية/);
    assert.equal(await page.locator("article.article").getAttribute("lang"), "en");
    assert.equal(await page.locator("h1").textContent(), "Reset the router");
    assert.equal(await page.locator("link[rel=canonical]").getAttribute("href"), "https://example.com/help/articles/reset/");
    const hreflangs = await page.locator("link[rel=alternate]").evaluateAll((ls) => ls.map((l) => l.hreflang));
    assert.ok(!hreflangs.includes("ar"), "not an alternate of itself");
    // Links in the fallback stay in the language.
    assert.equal(await page.locator(".prose a").first().getAttribute("href"), "/help/ar/articles/intro/#red-light");
  });
});

test("a troubleshooter walks in place in each language, its trail in that language", async () => {
  const want = { "": ["Green", "The router works", "change"], "es/": ["Verde", "El router funciona", "cambiar"], "ar/": ["أخضر", "الراوتر يعمل", "تغيير"] };
  for (const [prefix, [label, outcome, change]] of Object.entries(want)) {
    await withPage(async (page) => {
      const w = watch(page);
      await open(page, prefix + "troubleshoot/router/");
      await page.locator(".step .answer", { hasText: label }).click();
      await page.waitForURL(new RegExp(`/help/${prefix}troubleshoot/router/works/`));
      assert.equal((await page.locator(".step-title").textContent()).trim(), outcome);
      // The trail's words are the page's language's too.
      assert.ok((await page.locator(".trail [data-step]").first().textContent()).startsWith(change));
      assert.deepEqual(w.issues, []);
    });
  }
});

test("search in each language uses that language's index; each finds another form of a word (restarting → restart, reinicia → reinician, بالراوتر → الراوتر)", async () => {
  const cases = [
    ["", "restarting", "Reset the router"],
    ["es/", "reinicia", "Restablecer el router"],
    // بالراوتر ("with the router") is only in the article: the steps say الراوتر.
    ["ar/", "بالراوتر", "الراوتر يعمل"],
  ];
  for (const [prefix, q, title] of cases) {
    await withPage(async (page) => {
      const w = watch(page);
      await open(page, `${prefix}search/?q=${encodeURIComponent(q)}`);
      const titles = await page.locator(".search-results .search-title").allTextContents();
      assert.ok(titles.some((t) => t.includes(title)), `${prefix || "en/"} "${q}": ${JSON.stringify(titles)}`);
      const indexes = w.requests.map((r) => new URL(r.url()).pathname).filter((p) => p.includes("/search/") && p.endsWith(".json"));
      assert.ok(indexes.length && indexes.every((p) => p.startsWith(`/help/${prefix}search/`)), `only this language's index: ${indexes}`);
      assert.deepEqual(w.issues, []);
    });
  }
});

test("when a language's search finds nothing, the default language's results are offered, labelled", async () => {
  await withPage(async (page) => {
    const w = watch(page);
    await open(page, "es/search/?q=restarting");
    await page.waitForSelector(".search-elsewhere");
    assert.match(await page.locator(".search-elsewhere").textContent(), /Resultados en English/);
    const list = page.locator(".search-elsewhere + .search-results");
    assert.equal(await list.getAttribute("lang"), "en");
    const hrefs = await list.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.ok(hrefs.includes("/help/articles/reset/"), JSON.stringify(hrefs));
    assert.deepEqual(w.issues, []);
  });
});

test("right to left: Arabic pages mirror and nothing scrolls sideways at 390 px", async () => {
  await withPage(
    async (page) => {
      for (const p of ["ar/", "ar/articles/intro/", "ar/troubleshoot/router/"]) {
        await open(page, p);
        const m = await page.evaluate(() => ({
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          title: getComputedStyle(document.querySelector("h1")).direction,
        }));
        assert.equal(m.title, "rtl", p);
        assert.ok(m.overflow <= 0, `${p}: scrolls sideways by ${m.overflow}px`);
      }
    },
    { viewport: { width: 390, height: 844 } },
  );
});

const code = await run();
await server.close();
process.exit(code);
