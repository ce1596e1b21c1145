// Bytes a browser fetches for a first search query, waymark vs Pagefind,
// from Chromium's network log, both sites served by the same gzip server.
//   node bench/search-bytes.mjs WAYMARK_SITE_DIR HUGO_SITE_WITH_PAGEFIND_DIR word...
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";

const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const [waymarkDir, pagefindDir, ...words] = process.argv.slice(2);
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".css": "text/css",
  ".wasm": "application/wasm", ".svg": "image/svg+xml" };

// One static server for both tools: gzip for text and wasm (Pagefind's
// .pf_* files are gzipped already and are sent as they are).
function serve(root) {
  const server = createServer(async (req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (path.includes("..")) return res.writeHead(400).end();
    let file = join(root, path);
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      const type = TYPES[extname(file)];
      if (type) {
        res.writeHead(200, { "Content-Type": type, "Content-Encoding": "gzip" }).end(gzipSync(body, { level: 6 }));
      } else {
        res.writeHead(200, { "Content-Type": "application/octet-stream" }).end(body);
      }
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

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

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
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
