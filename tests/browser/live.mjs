// Live preview in a real browser: `waymark serve` must reload a page when
// its article is edited, show an overlay with the diagnostics when an edit
// breaks the build, and remove it once the edit is fixed.
//   node tests/browser/live.mjs http://127.0.0.1:PORT/ /path/to/site
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";

const [base, site] = process.argv.slice(2);
if (!base || !site) {
  console.error("usage: node tests/browser/live.mjs <base-url> <site-dir>");
  process.exit(2);
}
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const article = join(site, "content/articles/getting-started/second.md");
const original = readFileSync(article, "utf8");
const results = [];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
const timer = setTimeout(() => { console.error("timed out"); process.exit(1); }, 120_000);

async function test(name, fn) {
  try {
    await fn();
    results.push(true);
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push(false);
    console.log(`not ok - ${name}\n  ${String(e.stack || e).split("\n").join("\n  ")}`);
  }
}

try {
  const page = await browser.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(new URL("articles/second/", base).href);
  await page.waitForFunction(() => document.querySelector('link[href="/__waymark/livereload.css"]'));
  await page.waitForTimeout(300); // let the event stream connect

  await test("editing the article reloads the page", async () => {
    await page.evaluate(() => (window.__marker = 1));
    writeFileSync(article, original + "\nLive edit one.\n");
    await page.waitForFunction(() => document.body.textContent.includes("Live edit one."), null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.__marker), undefined, "the page was reloaded");
  });

  await test("a broken edit shows the overlay with the diagnostic", async () => {
    await page.waitForTimeout(300);
    writeFileSync(article, "---\ntitle: [broken\ndescription: x\n---\n");
    const overlay = page.locator(".waymark-overlay");
    await overlay.waitFor({ timeout: 10_000 });
    const text = await overlay.textContent();
    assert.match(text, /content\/articles\/getting-started\/second\.md:2:8/);
    assert.match(text, /E-YAML-TYPE/);
    assert.ok((await page.textContent("main")).includes("Live edit one."), "the last good page stays");
    assert.equal(await overlay.getAttribute("role"), "alert");
  });

  await test("fixing the edit removes the overlay and shows the fix", async () => {
    writeFileSync(article, original + "\nLive edit two.\n");
    await page.waitForFunction(() => document.body.textContent.includes("Live edit two."), null, { timeout: 10_000 });
    assert.equal(await page.locator(".waymark-overlay").count(), 0);
  });

  await test("a CSS-only change swaps the stylesheet without a reload", async () => {
    await page.evaluate(() => (window.__marker = 2));
    const css = join(site, "static/extra.css");
    mkdirSync(join(site, "static"), { recursive: true });
    writeFileSync(css, "body { outline: 0; }\n");
    await page.waitForTimeout(1500);
    await page.evaluate(() => (window.__marker = 3));
    writeFileSync(css, "body { outline: 0; } /* changed */\n");
    await page.waitForFunction(() => [...document.querySelectorAll("link[rel=stylesheet]")].some((l) => l.href.includes("live=")), null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.__marker), 3, "no full reload for CSS");
  });

  await test("no console errors", async () => {
    assert.deepEqual(errors.filter((e) => !/EventSource|ERR_/.test(e)), []);
  });
} finally {
  writeFileSync(article, original);
  clearTimeout(timer);
  await browser.close();
}
const passed = results.filter(Boolean).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
