// Insights end to end, the customer's part: the built `insights` fixture
// served by nginx (tests/it/insights.rs starts it and reads its access log
// afterwards). Does exactly: a search with results, a search with none, a
// troubleshooter walk to an escalate outcome and its "copy details", a "No"
// vote with a reason on the article. Then, with Global Privacy Control on,
// the same journeys again: not one event may be sent.
//   node tests/browser/insights.mjs http://127.0.0.1:PORT/help/
import assert from "node:assert/strict";
import { suite } from "./harness.mjs";

const base = process.argv[2];
if (!base) {
  console.error("usage: node tests/browser/insights.mjs <site URL>");
  process.exit(2);
}
const { test, watch, withPage, run } = suite(base);
const isEvent = (r) => r.url().includes("/_insights/e.gif");

// The journeys; returns the event requests the page made.
async function journeys(page) {
  const w = watch(page);
  await page.goto("search/?q=router", { waitUntil: "networkidle" });
  await page.waitForSelector(".search-results li");
  await page.goto("search/?q=zzxqy", { waitUntil: "networkidle" });
  await page.waitForFunction(() => document.querySelector("[data-search-results]")?.dataset.shown !== undefined);
  await page.goto("troubleshoot/router/", { waitUntil: "networkidle" });
  await page.waitForSelector("[data-tree].tree-ready", { state: "attached" });
  await page.locator(".step .answer", { hasText: "Red" }).click();
  await page.waitForURL(/\/restart\//);
  await page.locator(".step .answer", { hasText: "No" }).click();
  await page.waitForURL(/\/support\//);
  await page.locator("[data-action=copy]").click();
  await page.goto("articles/intro/", { waitUntil: "networkidle" });
  await page.locator(".article-feedback [data-helpful=no]").click();
  await page.locator(".article-feedback [data-reason=unclear]").click();
  await page.goto("about:blank");
  await page.waitForTimeout(300);
  assert.deepEqual(w.issues, [], "no CSP violations, errors or other origins");
  return w.requests.filter(isEvent).map((r) => new URL(r.url()).searchParams.get("t"));
}

test("the journeys send their events to the site's own e.gif, and nothing else leaves", async () => {
  await withPage(async (page, ctx) => {
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"]);
    const sent = await journeys(page);
    assert.deepEqual(sent.sort(), ["escalate", "helpful", "outcome", "search", "search", "step", "step"].sort(), JSON.stringify(sent));
  });
});

test("with Global Privacy Control on, not one event is sent", async () => {
  await withPage(async (page, ctx) => {
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"]);
    await ctx.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
    const sent = await journeys(page);
    assert.deepEqual(sent, []);
  });
});

process.exit(await run());
