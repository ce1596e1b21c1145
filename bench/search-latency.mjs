// Time from the last keystroke to the result list, once the index files a
// query needs are cached (the target: within 50 ms), in headless Chromium.
//   node bench/search-latency.mjs SITE_DIR query...
// Each query is typed once to warm the cache, then typed again letter by
// letter, 5 times; prints the median and worst of those 5 per query.
import { chromium, serve, ARGS } from "./static-server.mjs";

const [site, ...queries] = process.argv.slice(2);
const server = await serve(site);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
const shown = (q) => document.querySelector("header form[data-search]").dataset.shown === q;
try {
  const page = await browser.newPage();
  await page.goto(base);
  await page.focus("#site-search");
  console.log("query                      median ms   worst ms");
  for (const q of queries) {
    await page.fill("#site-search", q);
    await page.waitForFunction(shown, q, { timeout: 20000 });
    const times = [];
    for (let i = 0; i < 5; i++) {
      await page.fill("#site-search", "");
      await page.waitForFunction(shown, "", { timeout: 5000 });
      for (const c of q.slice(0, -1)) await page.keyboard.type(c, { delay: 40 });
      // The last keystroke, timed inside the page: keydown to rendered list.
      const ms = await page.evaluate(async ([q, last]) => {
        const input = document.querySelector("#site-search");
        const form = input.closest("form");
        const start = performance.now();
        input.value += last;
        input.dispatchEvent(new InputEvent("input", { bubbles: true, data: last, inputType: "insertText" }));
        while (form.dataset.shown !== q) await new Promise((r) => requestAnimationFrame(r));
        return performance.now() - start;
      }, [q, q.at(-1)]);
      times.push(ms);
    }
    times.sort((a, b) => a - b);
    console.log(`${q.padEnd(26)} ${times[2].toFixed(1).padStart(9)} ${times[4].toFixed(1).padStart(10)}`);
  }
} finally {
  await browser.close();
  server.close();
}
