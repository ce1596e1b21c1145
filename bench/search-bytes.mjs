// Bytes a browser fetches for a first search query, waymark vs Pagefind,
// from Chromium's network log, both sites served by the same gzip server.
//   node bench/search-bytes.mjs WAYMARK_SITE_DIR HUGO_SITE_WITH_PAGEFIND_DIR word...
import { chromium, serve, ARGS } from "./static-server.mjs";

const [waymarkDir, pagefindDir, ...words] = process.argv.slice(2);

async function measure(browser, root, query) {
  const server = await serve(root);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const page = await browser.newPage();
  await page.goto(base);
  const requests = [];
  page.on("requestfinished", (r) => requests.push(r));
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
try {
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
    const theirs = await measure(browser, pagefindDir, async (page) => {
      await page.evaluate(async (w) => {
        const pf = await import("/pagefind/pagefind.js");
        await pf.init();
        const search = await pf.search(w);
        await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
      }, word);
    });
    const kb = (b) => (b / 1024).toFixed(1).padStart(7);
    console.log(`${word.padEnd(14)} ${kb(ours.bytes)} (${String(ours.files).padStart(3)})       ${kb(theirs.bytes)} (${String(theirs.files).padStart(3)})       ${(ours.bytes / theirs.bytes).toFixed(2)}`);
  }
} finally {
  await browser.close();
}
