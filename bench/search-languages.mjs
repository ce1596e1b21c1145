// First-query bytes of the search results page in each language of a
// translated site: the same words in every language (aligned through the
// translated titles), fetched by Chromium from a gzip server.
//   node bench/search-languages.mjs SITE_DIR CORPUS_DIR lang...
// SITE_DIR: `waymark build` output of CORPUS_DIR/ours (gen_corpus --languages).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, serve, ARGS } from "./static-server.mjs";

const [site, corpus, ...langs] = process.argv.slice(2);
const articles = join(corpus, "ours/content/articles");
const title = (file) => (readFileSync(file, "utf8").match(/^title: "?(.*?)"?$/m) || [])[1] || "";
const words = (t) => t.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

// Title words of every source and their translations, position by position.
const pairs = new Map(); // english word -> { count, [lang]: word }
for (const cat of readdirSync(articles)) {
  for (const f of readdirSync(join(articles, cat)).filter((f) => /^[^.]+\.md$/.test(f))) {
    const en = words(title(join(articles, cat, f)));
    const tr = Object.fromEntries(langs.map((l) => [l, words(title(join(articles, cat, f.replace(/\.md$/, `.${l}.md`))))]));
    en.forEach((w, i) => {
      if (w.length < 4 || langs.some((l) => tr[l].length !== en.length)) return;
      const p = pairs.get(w) || { count: 0 };
      p.count++;
      for (const l of langs) p[l] = tr[l][i];
      pairs.set(w, p);
    });
  }
}
const ranked = [...pairs].sort((a, b) => b[1].count - a[1].count);
const chosen = [ranked[0], ranked[Math.floor(ranked.length / 2)], ranked.find(([, p]) => p.count === 1)];

const server = await serve(site);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
async function bytes(prefix, word) {
  const page = await browser.newPage();
  const requests = [];
  page.on("requestfinished", (r) => r.resourceType() != "document" && requests.push(r));
  await page.goto(`${base}${prefix}search/?q=${encodeURIComponent(word)}`);
  await page.waitForFunction(() => document.querySelector("[data-search-results]")?.dataset.shown !== undefined, null, { timeout: 20000 });
  await page.waitForTimeout(300);
  let total = 0;
  for (const r of requests) total += (await r.sizes()).responseBodySize;
  await page.close();
  return total;
}
try {
  console.log(`results page, first query (kB; ratio to English)   ${["en", ...langs].map((l) => l.padStart(14)).join("")}`);
  for (const [en, p] of chosen) {
    const sizes = [await bytes("", en)];
    for (const l of langs) sizes.push(await bytes(`${l}/`, p[l]));
    const kb = sizes.map((b, i) => `${(b / 1024).toFixed(1)}${i ? ` (${(b / sizes[0]).toFixed(2)})` : ""}`.padStart(14));
    console.log(`${`${en} (${p.count} titles)`.padEnd(50)}${kb.join("")}`);
  }
} finally {
  await browser.close();
  server.close();
}
