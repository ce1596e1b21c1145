// What browser suites share: launching Debian's Chromium through
// playwright-core (never a downloaded browser), watching pages for
// problems, fresh contexts per test, axe-core, and a tiny test runner that
// prints one line per test and "N passed, N failed".
import { chromium } from "playwright-core";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
export const AXE = require.resolve("axe-core/axe.min.js");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

// A suite against the site at `base` (an absolute URL ending in "/").
export function suite(base, { testTimeout = 120_000, runTimeout = 15 * 60_000 } = {}) {
  const ORIGIN = new URL(base).origin;
  // Paths are relative to the site: u("articles/x/") under base; "/x" stays on the origin.
  const u = (p) => new URL(p, base).href;
  const tests = [];
  // TEST_GREP=regex runs only the tests whose name matches (for debugging).
  const only = process.env.TEST_GREP ? new RegExp(process.env.TEST_GREP, "i") : null;
  const test = (name, fn) => (!only || only.test(name)) && tests.push({ name, fn });
  let browser;
  // Requests not answered yet, printed when a test fails.
  const unanswered = new Map();

  // Everything that counts as a problem on a page: console errors, uncaught
  // exceptions, CSP violations, failed requests, HTTP errors, other origins.
  function watch(page, { allow404 = [] } = {}) {
    const issues = [];
    const requests = [];
    const allowed = (url) => allow404.some((p) => url === u(p));
    page.on("request", (r) => unanswered.set(r, Date.now()));
    page.on("requestfinished", (r) => unanswered.delete(r));
    page.on("requestfailed", (r) => unanswered.delete(r));
    page.on("console", (m) => {
      const text = m.text();
      if (/Content[- ]Security[- ]Policy/i.test(text)) issues.push(`CSP: ${text}`);
      else if (m.type() === "error") {
        // Chromium reports a 404 document itself as a failed resource; expected where allowed.
        const url = m.location()?.url || "";
        if (/status of 404/.test(text) && allowed(url)) return;
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
      // ERR_ABORTED: the test navigated away while something was loading. Not a site fault.
      if (r.failure()?.errorText !== "net::ERR_ABORTED") issues.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    page.on("response", (r) => {
      if (r.status() >= 400 && !allowed(r.url())) issues.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    return { issues, requests };
  }

  async function context(opts = {}) {
    const ctx = await browser.newContext({ baseURL: base, ...opts });
    ctx.setDefaultTimeout(10_000);
    ctx.setDefaultNavigationTimeout(15_000);
    return ctx;
  }
  // A fresh context for `body(ctx)`, closed afterwards whatever happens.
  async function withContext(body, opts = {}) {
    const ctx = await context(opts);
    try {
      return await body(ctx);
    } finally {
      await ctx.close();
    }
  }
  // A fresh context and page for `body(page, ctx)`.
  const withPage = (body, opts = {}) => withContext(async (ctx) => body(await ctx.newPage(), ctx), opts);

  // axe-core WCAG 2.1 A/AA violations on the page, as readable lines (the
  // context needs bypassCSP: true so that axe can be injected).
  async function axe(page, what) {
    await page.addScriptTag({ path: AXE });
    const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), AXE_TAGS);
    return result.violations.map(
      (v) =>
        `${what}: ${v.id} (${v.impact}) ${v.help}\n` +
        v.nodes.map((n) => `    ${n.target.join(" ")}\n      ${n.failureSummary.replace(/\n/g, "\n      ")}`).join("\n"),
    );
  }

  function withTimeout(p, ms, what) {
    let timer;
    return Promise.race([p, new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`${what} timed out after ${ms} ms`)), ms)))]).finally(() =>
      clearTimeout(timer),
    );
  }

  // Runs every test in order; returns the process exit code.
  async function run() {
    let passed = 0;
    let failed = 0;
    const deadline = setTimeout(() => {
      console.log(`# suite timed out after ${runTimeout} ms`);
      console.log(`${passed} passed, ${failed + 1} failed`);
      browser?.close().catch(() => {});
      process.exit(1);
    }, runTimeout);
    deadline.unref();
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 30_000 });
      for (const [i, { name, fn }] of tests.entries()) {
        const t0 = Date.now();
        try {
          await withTimeout(fn(), testTimeout, name);
          passed++;
          console.log(`ok ${i + 1} - ${name} (${Date.now() - t0} ms)`);
        } catch (e) {
          failed++;
          console.log(`not ok ${i + 1} - ${name} (${Date.now() - t0} ms)`);
          console.log(String(e && e.stack ? e.stack : e).replace(/^/gm, "  # "));
          for (const [r, at] of unanswered) console.log(`  # unanswered for ${Date.now() - at} ms: ${r.method()} ${r.url()}`);
        }
        unanswered.clear();
      }
    } catch (e) {
      console.log(`# could not start the browser: ${e.message}`);
      failed = Math.max(failed, tests.length - passed);
    } finally {
      await browser?.close().catch(() => {});
    }
    console.log(`${passed} passed, ${failed} failed`);
    return failed ? 1 : 0;
  }

  return { ORIGIN, u, test, watch, withPage, withContext, axe, run };
}
