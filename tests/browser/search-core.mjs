// Unit tests of the search core (themes/default/static/search.js) against a small
// hand-written index in the format of docs/search-index.md, kept in memory.
//   node tests/browser/search-core.mjs
// Prints one line per test and a final "N passed, N failed"; exits non-zero on any failure.
import assert from "node:assert/strict";
import { tokenize, fold, distance, deletions, highlight, markNodes, createIndex, MISS } from "../../themes/default/static/search.js";

// ---------- the index ----------

// Docs, in id order (chunk_size 4, so three chunks).
const DOCS = [
  { title: "Chats not syncing", url: "/articles/chats-not-syncing/", crumb: "Chat sync problems", section: null, text: "When chats stop syncing between the App and the platform." },
  { title: "Chats not syncing", url: "/articles/chats-not-syncing/#history-never-synced", crumb: "Chat sync problems", section: "History never synced", text: "Your chat history did not sync yet." },
  { title: "Chats not syncing", url: "/articles/chats-not-syncing/#chats-stopped", crumb: "Chat sync problems", section: "Chats stopped updating", text: "New messages stop arriving in the chats." },
  { title: "What is Coexistence?", url: "/articles/what-is-coexistence/", crumb: "Coexistence basics", section: null, text: "Coexistence lets you keep your number. <img src=x onerror=alert(1)> is only text." },
  { title: "Verification badge", url: "/articles/verification-badge/", crumb: "Connection problems", section: null, text: "Paid verification gives a badge." },
  { title: "Remove the credit line", url: "/troubleshoot/coex-connection/credit-line-remove/", crumb: "Troubleshooter › My CoEx connection fails", section: null, text: "Remove the credit line from your account." },
  { title: "Limits", url: "/articles/limits/", crumb: "Coexistence basics", section: null, text: "A line of credit is separate from your account." },
  { title: "Badges everywhere", url: "/articles/badges/", crumb: "Coexistence basics", section: null, text: "Many badges." },
  { title: "Synchronise settings", url: "/articles/synchronise/", crumb: "Coexistence basics", section: null, text: "How to synchronise settings." },
];
// Surface word -> stem, where they differ.
const WORDS = { syncing: "sync", synced: "sync", chats: "chat", badges: "badg", badge: "badg", verification: "verif", synchronise: "synchronis", coexistence: "coexist", messages: "messag", limits: "limit", removes: "remov", remove: "remov" };
// Stem -> { doc: impact }.
const TERMS = {
  sync: { 0: 120, 1: 90, 2: 30 },
  chat: { 0: 100, 1: 40, 2: 60 },
  history: { 1: 80 },
  coexist: { 3: 200 },
  badg: { 4: 60, 7: 250 },
  verif: { 4: 150 },
  credit: { 5: 100, 6: 100 },
  line: { 5: 100, 6: 100 },
  account: { 5: 20, 6: 20 },
  remov: { 5: 90 },
  synchronis: { 8: 240 },
  messag: { 2: 50 },
  img: { 3: 10 },
  limit: { 6: 30 },
  stop: { 0: 20, 2: 40 },
  stomp: { 7: 250 },
};
const STOPWORDS = ["a", "the", "is", "not", "of", "your", "from", "how", "to"];
const SYNONYMS = [
  [["coex"], ["coexistence"]],
  [["badge"], ["verification"], ["green", "tick"]],
  [["credit", "line"], ["payment", "method"]],
];
const TREES = [{ title: "My CoEx connection fails", url: "/troubleshoot/coex-connection/" }];

// Shard files in the documented format: every surface word, stem and typo variant in the
// shard of its own prefix: 1 letter, except "sy", which has a shard of its own.
function build() {
  const shards = {};
  const key = (w) => (w.startsWith("sy") ? "sy" : [...w][0]);
  const shard = (w) => (shards[key(w)] ||= { words: {}, terms: {}, typos: {} });
  for (const [w, stem] of Object.entries(WORDS)) shard(w).words[w] = stem;
  for (const [stem, posts] of Object.entries(TERMS)) {
    let last = 0;
    shard(stem).terms[stem] = Object.entries(posts).flatMap(([d, impact]) => [Number(d) - last, ((last = Number(d)), impact)]);
  }
  const surface = new Set([...Object.keys(WORDS), ...Object.keys(TERMS).filter((t) => !Object.values(WORDS).includes(t))]);
  for (const w of surface) {
    if ([...w].length < 5) continue;
    for (const v of [w, ...deletions(w)]) (shard(v).typos[v] ||= []).push(w);
  }
  const files = {};
  const manifest = { version: 1, language: "en", docs: DOCS.length, shards: {}, chunk_size: 4, chunks: { count: 0, hash: "c0ffee00" }, stopwords: STOPWORDS, synonyms: SYNONYMS, trees: TREES };
  for (const [k, s] of Object.entries(shards)) files[(manifest.shards[k] = `shard-${k}.0000.json`)] = s;
  for (let i = 0; i < DOCS.length; i += 4) files[`docs-${manifest.chunks.count++}.c0ffee00.json`] = DOCS.slice(i, i + 4);
  files["manifest.json"] = manifest;
  return files;
}
const FILES = build();
const fetched = [];
const index = () => createIndex(async (f) => {
  fetched.push(f);
  if (!(f in FILES)) throw new Error(`no file ${f}`);
  return structuredClone(FILES[f]);
});
const idx = index();
const urls = (r) => r.results.map((g) => g.url.split("#")[0]);
const text = (runs) => runs.map((r) => (r.mark ? `[${r.text}]` : r.text)).join("");

// ---------- tests ----------

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test("fold: NFD, combining marks dropped, lowercase", () => {
  assert.equal(fold("Coëxistence"), "coexistence");
  assert.equal(fold("CAFÉ Naïve Ångström"), "cafe naive angstrom");
});

test("tokenize: UAX #29 words, folded", () => {
  assert.deepEqual(tokenize("Coëxistence"), ["coexistence"]);
  assert.deepEqual(tokenize("Don't stop—CoEx's sync, 2.5 times!"), ["don't", "stop", "coex's", "sync", "2.5", "times"]);
  assert.deepEqual(tokenize("e-mail   (WABA) naïve"), ["e", "mail", "waba", "naive"]);
  // Chinese and Japanese runs: overlapping pairs, as src/text/words.rs indexes them.
  assert.deepEqual(tokenize("重启路由器。wifi 设置 ルーター", "zh"), ["重启", "启路", "路由", "由器", "wifi", "设置", "ルー", "ータ", "ター"]);
  assert.deepEqual(tokenize("  ... !? "), []);
});

test("Damerau distance: an adjacent swap counts 1", () => {
  assert.equal(distance("sycning", "syncing"), 1);
  assert.equal(distance("sincing", "syncing"), 1);
  assert.equal(distance("synncing", "syncing"), 1);
  assert.equal(distance("synced", "sync"), 2);
  assert.equal(distance("abc", "abc"), 0);
});

test("typo candidates: one of each edit kind", async () => {
  const cases = {
    "synncing": "syncing", // insertion
    "syncng": "syncing", // deletion
    "sincing": "syncing", // substitution
    "sycning": "syncing", // adjacent swap
    "xyncing": "syncing", // first letter wrong (shard of another prefix)
    "yncing": "syncing", // first letter missing
    "coexistance": "coexistence",
    "verfication": "verification",
  };
  for (const [q, want] of Object.entries(cases)) assert.deepEqual(await idx.typos(q), [want], q);
  assert.deepEqual(await idx.typos("syncing"), [], "a word is not its own typo");
  assert.deepEqual(await idx.typos("synkinng"), [], "two edits away is not a typo");
});

test("search: misspelled words find their pages; the correction is suggested", async () => {
  let r = await idx.search("sincing");
  assert.equal(urls(r)[0], "/articles/chats-not-syncing/");
  assert.equal(r.suggestion, "syncing");
  r = await idx.search("coexistance ");
  assert.deepEqual(urls(r), ["/articles/what-is-coexistence/"]);
  assert.equal(r.suggestion, "coexistence");
  assert.match(text(r.results[0].titleMarks), /\[Coexistence\]/);
});

test("exact beats corrected: a known word is not replaced by a close one", async () => {
  // "stop" is indexed: "stomp" (one edit away, far higher impact) must not come in.
  let r = await idx.search("stop ");
  assert.deepEqual(urls(r), ["/articles/chats-not-syncing/"]);
  assert.equal(r.suggestion, null);
  assert.deepEqual(urls(await idx.search("stomp ")), ["/articles/badges/"]);
  // A corrected word counts ×0.8 of the exact one, for the same doc.
  const exact = await idx.search("history ");
  const fixed = await idx.search("histroy ");
  assert.equal(fixed.results[0].url, exact.results[0].url);
  assert.equal(Math.round(fixed.results[0].score * 100), Math.round(exact.results[0].score * 80));
  assert.equal(fixed.suggestion, "history");
  // With another exact word, the page matching both still leads.
  r = await idx.search("histroy chats");
  assert.equal(urls(r)[0], "/articles/chats-not-syncing/");
});

test("prefix matching of the word being typed, ×0.7, only for the last word", async () => {
  let r = await idx.search("synchr");
  assert.deepEqual(urls(r), ["/articles/synchronise/"]);
  assert.match(text(r.results[0].titleMarks), /\[Synchronise\]/);
  r = await idx.search("synchr ");
  assert.deepEqual(urls(r), [], "a finished word is not a prefix");
  r = await idx.search("cred");
  assert.ok(urls(r).includes("/troubleshoot/coex-connection/credit-line-remove/"));
});

test("synonyms: an alternative also searches the others, words or runs of words", async () => {
  let r = await idx.search("coex ");
  assert.deepEqual(urls(r), ["/articles/what-is-coexistence/"]);
  r = await idx.search("green tick ");
  assert.ok(urls(r).includes("/articles/verification-badge/"), "green tick -> badge / verification");
  assert.match(text(r.results.find((g) => g.url == "/articles/verification-badge/").excerpt), /\[verification\] gives a \[badge\]/);
});

test("ranking: phrase bonus puts the exact phrase first; all words beat some", async () => {
  const r = await idx.search("credit line ");
  assert.deepEqual(urls(r).slice(0, 2), ["/troubleshoot/coex-connection/credit-line-remove/", "/articles/limits/"]);
  assert.ok(r.results[0].score > r.results[1].score * 1.2, "phrase bonus x1.3");
  const both = await idx.search("remove credit ");
  assert.equal(urls(both)[0], "/troubleshoot/coex-connection/credit-line-remove/");
});

test("grouping: other matching sections become sub-results of their page", async () => {
  const r = await idx.search("chats ");
  assert.equal(r.results.length, 1, "one page");
  const g = r.results[0];
  assert.equal(g.url, "/articles/chats-not-syncing/");
  assert.deepEqual(g.subs.map((s) => s.url), ["/articles/chats-not-syncing/#chats-stopped", "/articles/chats-not-syncing/#history-never-synced"]);
  assert.deepEqual(g.subs.map((s) => s.title), ["Chats stopped updating", "History never synced"]);
  assert.equal(g.crumb, "Chat sync problems");
  // A section can lead its page.
  const h = await idx.search("history ");
  assert.equal(h.results[0].url, "/articles/chats-not-syncing/#history-never-synced");
  assert.equal(h.results[0].section, "History never synced");
});

test("stopwords are ignored unless the query has nothing else", async () => {
  const a = await idx.search("the chats ");
  const b = await idx.search("chats ");
  assert.deepEqual(urls(a), urls(b));
  const s = await idx.search("the ");
  assert.deepEqual(s.results, []);
  assert.deepEqual(s.words, ["the"]);
});

test("no results: troubleshooters offered; odd words do not break the lookup", async () => {
  for (const q of ["zzqxv", "constructor", "__proto__", "toString hasOwnProperty", "", "   ", "<img src=x onerror=alert(1)>"]) {
    const r = await idx.search(q);
    assert.ok(Array.isArray(r.results), q);
    assert.deepEqual(r.trees, TREES, q);
  }
  assert.deepEqual((await idx.search("zzqxv")).results, []);
  // Two edits away: no results, but still a suggestion.
  const r = await idx.search("synkinng ");
  assert.deepEqual(r.results, []);
  assert.equal(r.suggestion, "syncing");
});

test("highlight: only matched words marked; excerpt window around the first match", () => {
  const match = (w) => w == "sync" || w == "coexistence";
  assert.equal(text(highlight("Sync, synced and Coëxistence.", (w) => match(w) || w == "coexistence")), "[Sync], synced and [Coëxistence].");
  const long = "word ".repeat(60) + "sync here " + "more ".repeat(60);
  const ex = highlight(long, match, { max: 120 });
  assert.match(text(ex), /^… word.*\[sync\] here more.* …$/);
  assert.ok(text(ex).length < 140);
  assert.equal(text(highlight("short sync", match, { max: 120 })), "short [sync]");
});

test("highlight escaping: index and query text only ever become text nodes and <mark>", () => {
  const made = [];
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const fake = {
    createElement: (tag) => (made.push(tag), { tag, textContent: "", get html() { return `<${tag}>${esc(this.textContent)}</${tag}>`; } }),
    createTextNode: (t) => ({ html: esc(t) }),
  };
  const q = "<img src=x onerror=alert(1)>";
  const runs = highlight(`Coexistence ${q} & <b>bold</b>`, (w) => w == "coexistence" || w == "img");
  const html = markNodes(runs, fake).map((n) => n.html).join("");
  assert.deepEqual([...new Set(made)], ["mark"], "only <mark> elements are created");
  assert.equal(html, "<mark>Coexistence</mark> &lt;<mark>img</mark> src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt;");
});

test("loading: manifest, then only the shards and chunks a query needs, cached", async () => {
  fetched.length = 0;
  const fresh = index();
  await fresh.search("history ");
  assert.equal(fetched[0], "manifest.json");
  assert.ok(fetched.includes("shard-h.0000.json"));
  assert.ok(!fetched.includes("shard-c.0000.json"), "no unrelated shard");
  assert.deepEqual(fetched.filter((f) => f.startsWith("docs-")), ["docs-0.c0ffee00.json"], "only the chunk of the matching doc");
  // The longest shard key that is a prefix of the word: "sy", not "s".
  await fresh.search("syncing ");
  assert.ok(fetched.includes("shard-sy.0000.json") && !fetched.includes("shard-s.0000.json"), "longest key");
  const n = fetched.length;
  await fresh.search("history ");
  assert.equal(fetched.length, n, "a repeated query fetches nothing");
  assert.equal(new Set(fetched).size, fetched.length, "no file fetched twice");
});

test("cached-only search: answers from loaded files at once, or MISS without fetching", async () => {
  fetched.length = 0;
  const fresh = index();
  await assert.rejects(fresh.search("history", { cached: true }), (e) => e === MISS, "nothing loaded yet");
  assert.equal(fetched.length, 0, "a cached-only search fetches nothing");
  const full = await fresh.search("history");
  const n = fetched.length;
  const cached = await fresh.search("history", { cached: true });
  assert.deepEqual(cached.results, full.results, "same results from the cache");
  assert.equal(fetched.length, n);
  await assert.rejects(fresh.search("badge", { cached: true }), (e) => e === MISS, "its shard is not loaded");
  // The next network search is not affected by the cached-only one.
  const badge = await fresh.search("badge");
  assert.equal(badge.results[0].url, "/articles/badges/");
});

// ---------- runner ----------

let passed = 0, failed = 0;
for (const [i, { name, fn }] of tests.entries()) {
  try {
    await fn();
    passed++;
    console.log(`ok ${i + 1} - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${i + 1} - ${name}`);
    console.log(String(e && e.stack ? e.stack : e).replace(/^/gm, "  # "));
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
