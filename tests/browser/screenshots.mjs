// Screenshots of a tree step and an outcome, phone and desktop, light and dark,
// for a human look at the theme (not a test).
//   node tests/browser/screenshots.mjs http://127.0.0.1:PORT/ [out-dir]
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const base = process.argv[2];
const out = process.argv[3] || "/tmp/waymark-shots";
if (!base) {
  console.error("usage: node tests/browser/screenshots.mjs <base-url> [out-dir]");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const shots = {
  step: "/troubleshoot/coex-connection/credit-line/?path=4.0.1",
  outcome: "/troubleshoot/coex-connection/credit-line-escalate/?path=4.0.1.1",
  home: "/troubleshoot/coex-connection/",
};
const sizes = { phone: { width: 375, height: 740 }, desktop: { width: 1280, height: 900 } };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  for (const [size, viewport] of Object.entries(sizes)) {
    for (const colorScheme of ["light", "dark"]) {
      const ctx = await browser.newContext({ baseURL: base, viewport, colorScheme, deviceScaleFactor: 1 });
      ctx.setDefaultTimeout(10_000);
      for (const [name, path] of Object.entries(shots)) {
        const page = await ctx.newPage();
        await page.goto(path, { waitUntil: "networkidle" });
        await page.waitForSelector("[data-tree].tree-ready", { state: "attached" });
        const file = `${out}/${name}-${size}-${colorScheme}.png`;
        await page.screenshot({ path: file, fullPage: true });
        console.log(file);
        await page.close();
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
}
