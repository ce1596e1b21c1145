// Bytes a browser fetches for a first search query, waymark vs Pagefind,
// from Chromium's network log, both sites served by the same gzip server.
//   node bench/search-bytes.mjs WAYMARK_SITE_DIR HUGO_SITE_WITH_PAGEFIND_DIR word...
import { chromium, serve, ARGS } from "./static-server.mjs";

const [waymarkDir, pagefindDir, ...words] = process.argv.slice(2);

async function measure(browser, root, query, { start = "" } = {}) {
  const server = await serve(root);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const page = await browser.newPage();
  const requests = [];
  if (start) {
    // The results page: everything after the page's own document counts.
    page.on("requestfinished", (r) => r.resourceType() != "document" && requests.push(r));
    await page.goto(base + start(encodeURIComponent));
  } else {
    await page.goto(base);
    page.on("requestfinished", (r) => requests.push(r));
  }
  await query(page);
  await page.waitForTimeout(300);
  let bytes = 0;
  for (const r of requests) {
    const size = (await r.sizes()).responseBodySize;
    bytes += size;
    if (process.env.VERBOSE) console.log(`   ${(size / 1024).toFixed(1).padStart(6)} kB  ${new URL(r.url()).pathname}`);
  }
  await page.close();
  server.close();
  return { bytes, files: requests.length };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
const kb = (b) => (b / 1024).toFixed(1).padStart(7);
// Pagefind's equivalent of both journeys: one search() and the data of the
// first 10 results (its default UI loads 5 at first).
const pagefindQuery = (word) => async (page) => {
  await page.evaluate(async (w) => {
    const pf = await import("/pagefind/pagefind.js");
    await pf.init();
    const search = await pf.search(w);
    await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
  }, word);
};
try {
  console.log("results page: /search/?q=WORD, first 10 results (requests after the page itself)");
  console.log("word            waymark kB (files)   pagefind kB (files)   ratio");
  for (const word of words) {
    const ours = await measure(browser, waymarkDir, async (page) => {
      await page.waitForFunction(() => document.querySelector("[data-search-results]")?.dataset.shown !== undefined, null, { timeout: 20000 });
    }, { start: (enc) => `search/?q=${enc(word)}` });
    const theirs = await measure(browser, pagefindDir, pagefindQuery(word));
    console.log(`${word.padEnd(14)} ${kb(ours.bytes)} (${String(ours.files).padStart(3)})       ${kb(theirs.bytes)} (${String(theirs.files).padStart(3)})       ${(ours.bytes / theirs.bytes).toFixed(2)}`);
  }
  console.log("type-ahead: the header box on the home page");
  console.log("word            waymark kB (files)   pagefind kB (files)   ratio");
  for (const word of words) {
    const ours = await measure(browser, waymarkDir, async (page) => {
      // One query, as Pagefind gets one search() call: the word is entered
      // at once (typing letter by letter runs a search per pause).
      await page.focus("#site-search");
      await page.fill("#site-search", word + " ");
      // Done when the live region reports the results (or that there are none).
      await page.waitForFunction(() => [...document.querySelectorAll("header [role=status]")].some((s) => /result/i.test(s.textContent)), null, { timeout: 20000 });
    });
    const theirs = await measure(browser, pagefindDir, pagefindQuery(word));
    console.log(`${word.padEnd(14)} ${kb(ours.bytes)} (${String(ours.files).padStart(3)})       ${kb(theirs.bytes)} (${String(theirs.files).padStart(3)})       ${(ours.bytes / theirs.bytes).toFixed(2)}`);
  }
} finally {
  await browser.close();
}
