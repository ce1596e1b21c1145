// Instant, typo-tolerant search over the static index in search/ (see docs/search-index.md).
// A pure core (exported; node tests import it) and a thin DOM layer that starts itself in
// a browser. Every text from the index or the query reaches the page as textContent only.

const own = (o, k) => (o && Object.hasOwn(o, k) ? o[k] : undefined);
export const fold = (s) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

const segmenters = {};
// Words of `text` (UAX #29) as [{ text, word }]: `word` is the folded word, null between words.
export function segments(text, lang = "en") {
  if (typeof Intl == "object" && Intl.Segmenter) {
    const s = segmenters[lang] || (segmenters[lang] = new Intl.Segmenter(lang, { granularity: "word" }));
    return Array.from(s.segment(text), (g) => ({ text: g.segment, word: g.isWordLike ? fold(g.segment) : null }));
  }
  return (text.match(/[\p{L}\p{M}\p{N}_]+(?:['’.][\p{L}\p{M}\p{N}_]+)*|[^\p{L}\p{M}\p{N}_]+/gu) || []).map((t) => ({
    text: t, word: /[\p{L}\p{N}]/u.test(t) ? fold(t) : null,
  }));
}
// Chinese and Japanese are written without spaces: a run of their characters is
// searched as overlapping pairs, as the index holds them (src/text/words.rs).
const CJK = /^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/u;
const pairs = (run) => {
  const c = [...run];
  return c.length < 2 ? [run] : c.slice(1).map((ch, i) => c[i] + ch);
};
export const tokenize = (text, lang) => {
  const out = [];
  let run = "";
  for (const s of segments(fold(text), lang)) {
    if (s.word && CJK.test(s.word)) {
      run += s.word;
      continue;
    }
    if (run) out.push(...pairs(run)), (run = "");
    if (s.word) out.push(s.word);
  }
  if (run) out.push(...pairs(run));
  return out;
};

// Damerau (optimal string alignment) distance; an adjacent swap counts 1.
export function distance(a, b) {
  a = [...a], b = [...b];
  if (Math.abs(a.length - b.length) > 2) return 3;
  let p2, p1 = b.map((_, j) => j + 1), row;
  p1.unshift(0);
  for (let i = 1; i <= a.length; i++) {
    row = [i];
    for (let j = 1; j <= b.length; j++) {
      const c = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = Math.min(p1[j] + 1, row[j - 1] + 1, p1[j - 1] + c);
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) row[j] = Math.min(row[j], p2[j - 2] + 1);
    }
    p2 = p1, p1 = row;
  }
  return p1[b.length];
}
// A stem as it is written in file names: ASCII letters and digits as they
// are, any other character as `_` and its hex code (as the index builder).
export const fileKey = (w) => [...w].map((c) => (/^[a-zA-Z0-9]$/.test(c) ? c : "_" + c.codePointAt(0).toString(16))).join("");
export const deletions = (w) => {
  const c = [...w];
  return [...new Set(c.map((_, i) => c.slice(0, i).concat(c.slice(i + 1)).join("")))];
};

// Text split into { text, mark } runs; `match(word)` says which folded words to mark.
// With `max`, only a window of about `max` characters around the first match is kept.
export function highlight(text, match, { max = 0, before = 50, lang } = {}) {
  const segs = segments(text || "", lang);
  let at = 0, first = -1, out = [];
  for (const s of segs) {
    s.at = at, at += s.text.length;
    s.mark = !!s.word && match(s.word);
    if (s.mark && first < 0) first = s.at;
  }
  let from = 0, to = at;
  if (max && at > max) from = first > before ? first - before : 0, to = from + max;
  for (const s of segs) {
    if (s.at < from || s.at + s.text.length > to) continue;
    const last = out[out.length - 1];
    if (last && !last.mark && !s.mark) last.text += s.text;
    else out.push({ text: s.text, mark: s.mark });
  }
  if (out.length && !out[0].mark) out[0].text = out[0].text.trimStart();
  const end = out[out.length - 1];
  if (end && !end.mark) end.text = end.text.trimEnd();
  if (from > 0) out.unshift({ text: "… ", mark: false });
  if (to < at) out.push({ text: " …", mark: false });
  return out;
}

// DOM nodes for { text, mark } runs: <mark> elements and text nodes, never parsed HTML.
export const markNodes = (runs, doc = document) => runs.map((r) => {
  const n = r.mark ? doc.createElement("mark") : doc.createTextNode(r.text);
  if (r.mark) n.textContent = r.text;
  return n;
});

// The index: `load(file)` resolves a file of search/ (e.g. "manifest.json") to parsed JSON.
// What a cached-only search throws when it would need a file not yet loaded.
export const MISS = Symbol("not cached");

export function createIndex(load) {
  const files = new Map(), ready = new Map(), posts = new Map();
  let manifest, mf, keyLen = 1, cachedOnly = false;
  const get = (f) => {
    // A cached-only search never waits on the network: it runs to the end
    // in one go (loaded files resolve at once), so no other search interleaves.
    if (cachedOnly && !ready.has(f)) return Promise.reject(MISS);
    if (!files.has(f)) files.set(f, Promise.resolve(load(f)).then((v) => (ready.set(f, v), v), (e) => (files.delete(f), Promise.reject(e))));
    return files.get(f);
  };
  const init = () => (cachedOnly && !mf ? Promise.reject(MISS) : manifest) || (manifest = get("manifest.json").then((m) => {
    for (const k in m.shards) keyLen = Math.max(keyLen, [...k].length);
    return (mf = m);
  }, (e) => ((manifest = null), Promise.reject(e))));
  // The longest shard key that is a prefix of `w`.
  const keyOf = (m, w) => {
    const c = [...w];
    for (let n = Math.min(keyLen, c.length); n > 0; n--) if (own(m.shards, c.slice(0, n).join(""))) return c.slice(0, n).join("");
    return null;
  };
  const shard = async (w) => {
    const m = await init(), k = keyOf(m, w);
    return k ? get(m.shards[k]) : null;
  };
  // Surface word -> { stem, post: Map(doc -> impact) }.
  const term = async (w) => {
    const s = await shard(w), stem = own(s && s.words, w) || w;
    if (!posts.has(stem)) {
      const list = own((stem == w ? s : await shard(stem))?.terms, stem) || [], map = new Map();
      for (let i = 0, d = 0; i < list.length; i += 2) map.set((d += list[i]), list[i + 1]);
      posts.set(stem, map);
    }
    return { w, stem, post: posts.get(stem) };
  };
  // Stem of a word whose shard is already loaded (for highlighting); the word itself otherwise.
  const stemNow = (w) => {
    const k = mf && keyOf(mf, w);
    return own(k && ready.get(mf.shards[k])?.words, w) || w;
  };
  // Indexed words at Damerau distance 1 from q (or up to `max`, for suggestions).
  const typos = async (q, max = 1) => {
    const keys = new Set([q, ...deletions(q)]), found = new Set();
    if (max > 1) {
      // Suggestions only: also two deletions, and every word of q's own shard.
      for (const d of deletions(q)) deletions(d).forEach((k) => keys.add(k));
      const s = await shard(q);
      Object.keys(s?.words || {}).concat(...Object.values(s?.typos || {})).forEach((w) => found.add(w));
    }
    await Promise.all([...keys].map(async (k) => (own((await shard(k))?.typos, k) || []).forEach((w) => found.add(w))));
    return [...found].filter((w) => w != q && distance(w, q) <= max);
  };
  // Indexed words (surface words and stems) that start with p.
  const prefixed = async (p) => {
    const m = await init(), keys = new Set(Object.keys(m.shards).filter((k) => k.startsWith(p))), out = new Set();
    if (keyOf(m, p)) keys.add(keyOf(m, p));
    for (const s of await Promise.all([...keys].map((k) => get(m.shards[k])))) {
      for (const w of [...Object.keys(s.terms || {}), ...Object.keys(s.words || {})]) if (w.startsWith(p) && w != p) out.add(w);
    }
    return [...out].sort((a, b) => a.length - b.length).slice(0, 40);
  };
  const docs = async (ids) => {
    const m = await init(), out = new Map();
    // `chunks` is { count, hash } (files docs-<n>.<hash>.json), or a list of file names.
    const file = (c) => (Array.isArray(m.chunks) ? m.chunks[c] : c < m.chunks.count && `docs-${c}.${m.chunks.hash}.json`);
    const chunks = await Promise.all([...new Set(ids.map((d) => Math.floor(d / m.chunk_size)))].map(async (c) => [c, file(c) && (await get(file(c)))]));
    const byChunk = new Map(chunks);
    for (const d of ids) out.set(d, byChunk.get(Math.floor(d / m.chunk_size))?.[d % m.chunk_size]);
    return out;
  };
  const total = (post) => [...post.values()].reduce((a, b) => a + b, 0);
  // A term's best docs with their metadata (docs/search-index.md, `top`): one
  // small file instead of one docs chunk per result. Empty for rare terms.
  const topDocs = async (t) => {
    const m = await init();
    if (!m.top || t.post.size < m.top.min) return [];
    return get(`top-${m.top.hash}/${fileKey(t.stem)}.json`).catch((e) => (e == MISS ? Promise.reject(e) : []));
  };
  // Which docs start a page (an article's top, a troubleshooter step).
  const pageStarts = async () => {
    const m = await init();
    if (!m.pages) return null;
    const f = await get(m.pages);
    return f.bits || (f.bits = Uint8Array.from(atob(f.starts), (c) => c.charCodeAt(0)));
  };
  // The doc that starts the page of doc d.
  const pageOf = (bits, d) => {
    while (d > 0 && !(bits[d >> 3] & (1 << (d & 7)))) d--;
    return d;
  };
  // What doc d is part of: { type: "article" | "tree", category: index or -1 }.
  const groupOf = (m, d) => {
    const runs = m.groups?.runs || [];
    let lo = 0, hi = runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (runs[mid][0] <= d) lo = mid;
      else hi = mid - 1;
    }
    const r = runs[lo] || [0, -1, "article"];
    return { type: r[2], category: r[1] };
  };

  // With `cached`, only files already loaded are used: results come at
  // once, or the search throws MISS and the caller fetches (debounced).
  // `filter` ({ type, category }) keeps only matching results; `counts`
  // also counts the results (by page) of every type and category.
  // `complete` says the query is finished (a submitted or shared one): its
  // last word is not completed as if still being typed.
  async function search(query, { limit = 8, subs = 3, cached = false, filter = null, counts = false, complete = false } = {}) {
    const opts = { limit, subs, filter, counts, complete };
    if (!cached) return find(query, opts);
    cachedOnly = true;
    const done = find(query, opts);
    // Everything it needs is loaded, so it settles within this microtask run.
    done.finally(() => (cachedOnly = false)).catch(() => {});
    return done;
  }

  async function find(query, { limit, subs, filter, counts, complete }) {
    const m = await init(), lang = m.language, stop = new Set(m.stopwords || []);
    const words = tokenize(query, lang);
    let slots = words.map((w, i) => ({ w, i })).filter((s) => !stop.has(s.w));
    if (!slots.length) slots = words.map((w, i) => ({ w, i }));
    // Prefix matching for the word being typed: the last word, unless the query ends after it.
    const typing = !complete && words.length && !/[\s\p{P}]$/u.test(query) && slots.at(-1)?.i == words.length - 1 && [...words.at(-1)].length > 1 ? slots.at(-1) : null;
    const marks = new Set(), stems = new Set();
    const add = (into, post, weight) => post.forEach((v, d) => into.set(d, Math.max(into.get(d) || 0, v * weight)));
    await Promise.all(slots.map(async (s) => {
      const t = await term(s.w);
      s.exact = t.post, s.alt = new Map();
      marks.add(s.w), stems.add(t.stem);
      if (!t.post.size) {
        let best = 0;
        for (const c of await Promise.all((await typos(s.w)).map(term))) {
          if (!c.post.size) continue;
          add(s.alt, c.post, 0.8), marks.add(c.w), stems.add(c.stem);
          if (total(c.post) > best) best = total(c.post), s.fix = c.w;
        }
      }
      if (s == typing) {
        for (const c of await Promise.all((await prefixed(s.w)).map(term))) if (c.post.size) add(s.alt, c.post, 0.7), s.grown = 1;
      }
    }));
    // Synonyms: a run of query words equal to one alternative also searches the others.
    const runs = [];
    for (const group of m.synonyms || []) {
      for (const alt of group) {
        for (let i = 0; i + alt.length <= words.length; i++) {
          if (!alt.every((w, k) => words[i + k] == w)) continue;
          // Alternatives whose words the query already has are searched anyway.
          runs.push({ from: i, to: i + alt.length - 1, alts: group.filter((a) => !a.every((w) => words.includes(w))) });
        }
      }
    }
    runs.sort((a, b) => b.to - b.from - (a.to - a.from));
    const used = [], taken = new Set();
    for (const r of runs) {
      if (r.alts.length && !used.some((u) => r.from <= u.to && u.from <= r.to)) used.push(r);
    }
    await Promise.all(used.map(async (r) => {
      r.slots = slots.filter((s) => s.i >= r.from && s.i <= r.to), r.syn = new Map();
      r.slots.forEach((s) => taken.add(s));
      for (const alt of r.alts) {
        const ws = alt.filter((w) => !stop.has(w));
        const ts = await Promise.all(ws.map(term));
        if (!ts.length || ts.some((t) => !t.post.size)) continue;
        ws.forEach((w) => marks.add(w)), ts.forEach((t) => stems.add(t.stem));
        for (const d of ts[0].post.keys()) {
          // The alternative stands in for the run's words: scaled to the run's length.
          const v = (0.8 * ts.reduce((n, t) => n + t.post.get(d), 0) * r.slots.length) / ts.length;
          if (ts.every((t) => t.post.has(d))) r.syn.set(d, Math.max(r.syn.get(d) || 0, v));
        }
      }
    }));

    // Score every doc any word reached.
    const hit = (s, d) => (s.exact.has(d) ? s.exact.get(d) : s.alt.get(d) || 0);
    const ids = new Set();
    for (const s of slots) s.exact.forEach((_, d) => ids.add(d)), s.alt.forEach((_, d) => ids.add(d));
    for (const r of used) r.syn.forEach((_, d) => ids.add(d));
    // Counts by page for the filters, over every match (not only those the
    // filter keeps, so each count says what choosing it would show).
    let tally = null;
    if (counts) {
      const bits = await pageStarts();
      const seen = new Set();
      tally = { all: 0, type: {}, category: {} };
      for (const d of ids) {
        const p = bits ? pageOf(bits, d) : d;
        if (seen.has(p)) continue;
        seen.add(p);
        const g = groupOf(m, d);
        tally.all++;
        tally.type[g.type] = (tally.type[g.type] || 0) + 1;
        tally.category[g.category] = (tally.category[g.category] || 0) + 1;
      }
    }
    if (filter) {
      for (const d of [...ids]) {
        const g = groupOf(m, d);
        if ((filter.type && g.type != filter.type) || (filter.category != null && g.category != filter.category)) ids.delete(d);
      }
    }
    let ranked = [];
    for (const d of ids) {
      let score = 0, every = true;
      for (const r of used) {
        // A run matched only in part counts in proportion ("tick" alone is not "green tick").
        const n = r.slots.filter((s) => hit(s, d)).length, syn = r.syn.get(d) || 0;
        const sum = (r.slots.reduce((a, s) => a + hit(s, d), 0) * n) / r.slots.length;
        score += Math.max(sum, syn), every = every && (n == r.slots.length || syn > 0);
      }
      for (const s of slots) if (!taken.has(s)) score += hit(s, d), every = every && !!hit(s, d);
      if (every) score *= 1.5;
      ranked.push({ d, score });
    }
    ranked.sort((a, b) => b.score - a.score || a.d - b.d);
    ranked = ranked.slice(0, Math.max(limit * 6, 48));
    // Doc metadata: first from the top lists of the words found exactly (one
    // file each), then, in rank order, from docs chunks only for docs still
    // unknown, until `limit` pages are known: each chunk is a request.
    const meta = new Map(), pages = new Set();
    const tops = await Promise.all(slots.filter((s) => s.exact.size).map((s) => term(s.w).then(topDocs)));
    for (const list of tops) for (const doc of list) meta.set(doc.id, doc);
    let upto = 0;
    // Several words: fetch more at once, so the phrase bonus can reorder.
    const batch = words.length > 1 ? Math.max(limit * 3, 18) : limit;
    while (upto < ranked.length && pages.size < limit) {
      const window = ranked.slice(upto, (upto += batch)).map((r) => r.d);
      const missing = window.filter((d) => !meta.has(d));
      if (missing.length) (await docs(missing)).forEach((doc, d) => doc && meta.set(d, doc));
      for (const d of window) if (meta.has(d)) pages.add(meta.get(d).url.split("#")[0]);
    }
    const more = upto < ranked.length;
    ranked = ranked.slice(0, upto);
    if (words.length > 1) {
      const phrase = ` ${words.join(" ")} `;
      for (const r of ranked) {
        const doc = meta.get(r.d);
        if (doc && ` ${tokenize(doc.title + " " + (doc.section || "") + " " + doc.text, lang).join(" ")} `.includes(phrase)) r.score *= 1.3;
      }
      ranked.sort((a, b) => b.score - a.score || a.d - b.d);
    }

    // Group by page: the best doc decides the rank, other matching docs become sub-results.
    const match = (w) => marks.has(w) || stems.has(stemNow(w)) || (!!typing && w.startsWith(typing.w));
    const groups = new Map();
    for (const { d, score } of ranked) {
      const doc = meta.get(d);
      if (!doc) continue;
      const page = doc.url.split("#")[0];
      const g = groups.get(page);
      if (!g) {
        groups.set(page, {
          page, url: doc.url, score, title: doc.title, crumb: doc.crumb, section: doc.section,
          titleMarks: highlight(doc.title, match, { lang }),
          sectionMarks: doc.section ? highlight(doc.section, match, { lang }) : null,
          excerpt: highlight(doc.text, match, { max: 180, lang }), subs: [],
        });
      } else if (doc.section && g.subs.length < subs) {
        g.subs.push({ url: doc.url, score, title: doc.section || doc.title, marks: highlight(doc.section || doc.title, match, { lang }) });
      }
    }
    const results = [...groups.values()];

    // "Did you mean": corrected words; with no results at all, look two edits away.
    // Offered only when the corrected words occur together in some doc.
    let fixed = false;
    const better = await Promise.all(words.map(async (w, i) => {
      const s = slots.find((x) => x.i == i);
      if (!s || s.exact.size || s.grown) return w;
      if (s.fix) return (fixed = true), s.fix;
      if (results.length) return w;
      let best = w, n = 0;
      for (const c of await Promise.all((await typos(w, 2)).map(term))) if (total(c.post) > n) (n = total(c.post)), (best = c.w), (fixed = true);
      return best;
    }));
    let suggestion = fixed ? better.join(" ") : null;
    if (suggestion) {
      const posts = (await Promise.all(better.filter((w) => !stop.has(w)).map(term))).map((t) => t.post);
      const together = posts.length && [...posts[0].keys()].some((d) => posts.every((p) => p.has(d)));
      if (!together) suggestion = null;
    }
    return {
      query, words, results: results.slice(0, limit), total: Math.min(results.length, limit), more, suggestion,
      trees: m.trees || [], categories: m.groups?.categories || [], counts: tally,
    };
  }
  return { search, manifest: init, typos, prefixed, term };
}

// ---------- DOM ----------

if (typeof document == "object" && document.documentElement) start();

function start() {
  const d = document, html = d.documentElement;
  // The page's words where they are not English (themes/default/i18n/, keys js_*).
  const strings = window.waymarkStrings || {};
  const t = (key, english, vars = {}) => (strings[key] ?? english).replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));

  // Insights (site.yaml `insights:`): events are GETs of the site's own
  // _insights/e.gif, so the host's access log holds them (and POST beacons
  // to insights.endpoint). No cookies, nothing stored; nothing under Do Not
  // Track or Global Privacy Control. Queries go out scrubbed and short.
  const send = (ev) => {
    const h = html.dataset;
    if ((!h.insights && !h.insightsEndpoint) || navigator.globalPrivacyControl || navigator.doNotTrack === "1") return;
    const e = { v: 1, ...ev, lang: html.lang };
    if (h.insights) fetch(h.insights + "?" + new URLSearchParams(e), { keepalive: true, credentials: "omit", cache: "no-store" }).catch(() => {});
    if (h.insightsEndpoint && navigator.sendBeacon) navigator.sendBeacon(h.insightsEndpoint, new Blob([JSON.stringify(e)], { type: "application/json" }));
  };
  const scrub = (q) => q.trim().toLowerCase().replace(/[^\s@]+@[^\s@]+/g, "[email]").replace(/\d{6,}/g, "[number]").slice(0, 100);
  // A search counts once it settles (1.5 s without a change) or is submitted:
  // not per keystroke. `src: "page"` marks the results page's own, whose page
  // view the log has too.
  const settled = (src) => {
    let timer, last = "";
    return (q, n, now) => {
      clearTimeout(timer);
      const s = scrub(q);
      if (!s || s == last) return;
      const fire = () => ((last = s), send({ t: "search", q: s, n, ...(src ? { src } : {}) }));
      now ? fire() : (timer = setTimeout(fire, 1500));
    };
  };
  const clicked = (q, rank, href) => send({ t: "click", q: scrub(q), rank, target: new URL(href, location.href).pathname + new URL(href, location.href).hash });
  const base = html.dataset.base || new URL(".", import.meta.url).pathname;
  // A request that hangs (a dropped connection) is given up after a few seconds and tried again.
  const loader = (root) => {
    const load = (f, again = 2) =>
      fetch(root + "search/" + f, { signal: AbortSignal.timeout(4000) })
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${r.status} ${f}`))))
        .catch((e) => (again && e.name == "TimeoutError" ? load(f, again - 1) : Promise.reject(e)));
    return load;
  };
  const index = createIndex(loader(base));
  // In a translated site, the default language's index, asked only when this one finds nothing.
  const fallback = html.dataset.fallbackBase;
  let fallbackIndex;
  const searchFallback = (q) => (fallbackIndex ||= createIndex(loader(fallback))).search(q, { limit: 5, subs: 0 });
  const el = (tag, attrs, ...kids) => {
    const e = d.createElement(tag);
    for (const k in attrs) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
    e.append(...kids);
    return e;
  };
  const marked = (runs) => markNodes(runs, d);
  const searchUrl = (q) => base + "search/?q=" + encodeURIComponent(q);
  const count = (r) => (r.more ? t("result_more", "{n}+ results", { n: r.total }) : r.total == 1 ? t("result_one", "{n} result", { n: 1 }) : t("result_other", "{n} results", { n: r.total }));
  const quoted = (q) => t("quoted", "“{query}”", { query: q.trim() });
  // `key`'s text with an element in place of its {query}.
  const around = (key, english, node) => {
    const [before, after = ""] = t(key, english).split("{query}");
    return [before, node, after];
  };
  // What to show besides the results: "Did you mean", and on no results the troubleshooters.
  const extras = (r, retry) => {
    const out = [];
    if (!r.results.length) out.push(el("p", { "data-no-results": "" }, t("no_results_for", "No results for {query}.", { query: quoted(r.query) })));
    if (r.suggestion) {
      const s = r.suggestion;
      out.push(el("p", 0, ...around("did_you_mean_text", "Did you mean {query}?", retry ? el("button", { type: "button", class: "link-button", "data-suggest": s }, s) : el("a", { href: searchUrl(s) }, s))));
    }
    if (!r.results.length && r.trees.length) {
      out.push(el("p", 0, t("troubleshooter_may_help", "A troubleshooter may help:")), el("ul", { class: "plain-list" }, ...r.trees.map((t) => el("li", 0, el("a", { href: t.url }, t.title)))));
    }
    // No dead end: every topic is one click away.
    if (!r.results.length && r.categories.length) {
      out.push(el("p", 0, t("or_browse_by_topic", "Or browse by topic:")), el("ul", { class: "plain-list" }, ...r.categories.map((c) => el("li", 0, el("a", { href: `${base}categories/${c.id}/` }, c.title)))));
    }
    const support = html.dataset.supportUrl?.replace("{report}", "");
    if (!r.results.length && support) out.push(el("p", 0, t("still_stuck", "Still stuck?") + " ", el("a", { href: support }, html.dataset.supportLabel || t("contact_support", "Contact support")), "."));
    return out;
  };
  const debounce = (f, ms = 120) => {
    let t;
    const call = () => (clearTimeout(t), (t = setTimeout(f, ms)));
    call.cancel = () => clearTimeout(t);
    return call;
  };
  // On each keystroke: results at once from loaded files; only a query
  // that needs more of the index waits for a pause in typing to fetch it.
  const onType = (run) => {
    const later = debounce(run);
    return async () => {
      later.cancel();
      if ((await run(true)) == MISS) later();
    };
  };
  let uid = 0;

  // A header or home search box: a combobox with a listbox of results under it.
  function combo(form) {
    const input = form.querySelector("input[type=search]"), id = "search-" + ++uid;
    const list = el("ul", { role: "listbox", id: id + "-list", "aria-label": t("search_results", "Search results"), hidden: "" });
    const note = el("div", { class: "search-note" });
    const popup = el("div", { class: "search-popup", hidden: "" }, list, note);
    const status = el("p", { class: "visually-hidden", role: "status" });
    form.append(popup, status);
    for (const [k, v] of Object.entries({ role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": list.id, autocomplete: "off" })) input.setAttribute(k, v);
    let opts = [], active = -1, seq = 0;
    const move = (i) => {
      opts.forEach((o, k) => o.setAttribute("aria-selected", k == i));
      active = i;
      if (i < 0) input.removeAttribute("aria-activedescendant");
      else input.setAttribute("aria-activedescendant", opts[i].id), opts[i].scrollIntoView({ block: "nearest" });
    };
    const show = (on) => {
      popup.hidden = !on || (!opts.length && !note.childNodes.length);
      input.setAttribute("aria-expanded", !popup.hidden && opts.length > 0);
      if (popup.hidden) move(-1);
    };
    const searched = settled();
    const go = (href) => {
      show(false);
      const rank = opts.findIndex((o) => o.dataset.href == href);
      if (rank >= 0) searched(input.value, opts.length, true), clicked(input.value, rank + 1, href);
      location.assign(href);
    };
    const run = async (cached = false) => {
      const q = input.value, n = ++seq;
      if (!q.trim()) return (opts = []), note.replaceChildren(), (status.textContent = ""), (form.dataset.shown = q), show(false);
      let r;
      try {
        r = await index.search(q, { limit: 6, subs: 2, cached });
      } catch (e) {
        if (e == MISS) return MISS;
        if (n == seq) (opts = []), note.replaceChildren(el("p", 0, t("search_unavailable", "Search is not available right now."))), show(true);
        return;
      }
      if (n != seq) return;
      let k = 0;
      const option = (href, cls, ...kids) => el("li", { role: "option", id: `${id}-o${k++}`, class: cls, "data-href": href, "aria-selected": "false" }, ...kids);
      opts = r.results.flatMap((g) => [
        option(g.url, "search-option", el("span", { class: "search-title" }, ...marked(g.titleMarks), ...(g.sectionMarks ? [" › ", ...marked(g.sectionMarks)] : [])),
          el("span", { class: "search-crumb" }, g.crumb), el("span", { class: "search-excerpt" }, ...marked(g.excerpt))),
        ...g.subs.map((s) => option(s.url, "search-option search-sub", ...marked(s.marks))),
      ]);
      list.replaceChildren(...opts);
      list.hidden = !opts.length;
      searched(q, r.total, false);
      const more = r.more ? [el("p", 0, el("a", { href: searchUrl(q) }, t("see_all_results", "See all results")))] : [];
      note.replaceChildren(...extras(r, true), ...more);
      status.textContent = r.results.length ? count(r) : t("no_results", "No results.") + " " + (r.suggestion ? t("did_you_mean_text", "Did you mean {query}?", { query: r.suggestion }) : "");
      move(-1);
      form.dataset.shown = q;
      show(d.activeElement == input || form.contains(d.activeElement));
    };
    const typed = onType(run);
    input.addEventListener("input", () => (delete form.dataset.shown, typed()));
    input.addEventListener("focus", () => show(true));
    input.addEventListener("keydown", (e) => {
      const open = !popup.hidden;
      if (e.key == "ArrowDown" || e.key == "ArrowUp") {
        if (!opts.length) return;
        e.preventDefault();
        if (!open) return show(true);
        const n = opts.length;
        move(e.key == "ArrowDown" ? (active + 1) % n : active < 0 ? n - 1 : (active + n - 1) % n);
      } else if (e.key == "Enter" && open && active >= 0) {
        e.preventDefault();
        go(opts[active].dataset.href);
      } else if (e.key == "Escape") {
        if (open) e.preventDefault(), show(false);
        else if (input.value) e.preventDefault(), (input.value = ""), run();
      }
    });
    list.addEventListener("mousedown", (e) => e.preventDefault());
    list.addEventListener("click", (e) => {
      const o = e.target.closest("[role=option]");
      if (o) go(o.dataset.href);
    });
    note.addEventListener("click", (e) => {
      const s = e.target.closest("[data-suggest]");
      if (s) (input.value = s.dataset.suggest), input.focus(), run();
    });
    form.addEventListener("focusout", (e) => !form.contains(e.relatedTarget) && show(false));
    // Typed (or focused) before this script arrived.
    if (d.activeElement == input && input.value.trim()) run();
  }

  // The search page: full results for ?q=, 10 at a time, filtered by type
  // and category; the query and the filters are kept in the URL.
  function page(form) {
    const input = form.querySelector("input[type=search]"), out = d.querySelector("[data-search-results]"), status = d.querySelector("[data-search-status]");
    const title = d.title, PAGE = 10;
    const params = new URLSearchParams(location.search);
    const state = { type: params.get("type") || "", category: params.get("category") || "", limit: PAGE };
    let seq = 0, focusFrom = -1;
    const url = (q, over = {}) => {
      const p = new URLSearchParams(), v = { ...state, ...over };
      if (q.trim()) p.set("q", q);
      if (v.type) p.set("type", v.type);
      if (v.category) p.set("category", v.category);
      const s = p.toString();
      return location.pathname + (s ? "?" + s : "");
    };
    const filterNav = (r, q) => {
      const cats = r.categories, c = r.counts;
      if (!c || !c.all) return "";
      const link = (label, n, over, current) => el("li", 0, el("a", { href: url(q, { ...over }), "data-filter": JSON.stringify(over), "aria-current": current ? "true" : null }, `${label} (${n})`));
      const types = [["", t("all", "All"), c.all], ["article", t("articles", "Articles"), c.type.article || 0], ["tree", t("troubleshooter_steps", "Troubleshooter steps"), c.type.tree || 0]];
      return el("nav", { class: "search-filters", "aria-label": t("filter_results", "Filter results") },
        el("p", { class: "search-filter-label", id: "filter-type" }, t("type", "Type")),
        el("ul", { class: "search-filter-list", "aria-labelledby": "filter-type" }, ...types.filter(([, , n], i) => i == 0 || n).map(([t, label, n]) => link(label, n, { type: t }, state.type == t))),
        el("p", { class: "search-filter-label", id: "filter-category" }, t("category", "Category")),
        el("ul", { class: "search-filter-list", "aria-labelledby": "filter-category" },
          link(t("all", "All"), c.all, { category: "" }, !state.category),
          ...cats.map((cat, i) => [cat, c.category[i] || 0]).filter(([, n]) => n).map(([cat, n]) => link(cat.title, n, { category: cat.id }, state.category == cat.id))));
    };
    // `typed`: the query is still being typed (else it was loaded or submitted).
    const run = async (push, cached = false, typed = false) => {
      const q = input.value, n = ++seq;
      if (push) history.replaceState(history.state, "", url(q));
      const cats = (await index.manifest().catch(() => ({}))).groups?.categories || [];
      const category = state.category ? cats.findIndex((c) => c.id == state.category) : null;
      if (!q.trim()) {
        d.title = title;
        const cat = cats[category];
        status.textContent = "";
        out.dataset.shown = "";
        // Without a query, ?category= leads to that category's page.
        return out.replaceChildren(...(cat ? [el("p", 0, t("category_listed", "Every article on this topic is listed on its page:") + " ", el("a", { href: `${base}categories/${cat.id}/` }, cat.title), ".")] : []));
      }
      // An unknown ?category= matches nothing rather than everything.
      const filter = state.type || state.category ? { type: state.type || null, category: state.category ? (category >= 0 ? category : -2) : null } : null;
      let r;
      try {
        r = await index.search(q, { limit: state.limit, subs: 3, cached, filter, counts: true, complete: !typed });
      } catch (e) {
        if (e == MISS) return MISS;
        if (n == seq) status.textContent = t("search_unavailable", "Search is not available right now.");
        return;
      }
      if (n != seq) return;
      d.title = `${q.trim()} · ${title}`;
      status.textContent = r.results.length ? t("results_for", "{count} for {query}", { count: count(r), query: quoted(q) }) : t("no_results_for_short", "No results for {query}", { query: quoted(q) });
      const items = r.results.map((g) => el("li", 0,
        el("a", { href: g.url, class: "search-title" }, ...marked(g.titleMarks), ...(g.sectionMarks ? [" › ", ...marked(g.sectionMarks)] : [])),
        el("span", { class: "search-crumb" }, g.crumb),
        el("p", { class: "search-excerpt" }, ...marked(g.excerpt)),
        g.subs.length ? el("ul", { class: "search-subs" }, ...g.subs.map((s) => el("li", 0, el("a", { href: s.url }, ...marked(s.marks))))) : ""));
      const list = el("ol", { class: "search-results" }, ...items);
      const more = r.more ? el("p", 0, el("button", { type: "button", class: "button", "data-more": "" }, t("more_results", "More results"))) : "";
      // Nothing here: what the default language's pages have, labelled and marked as that language.
      let elsewhere = [];
      if (!r.results.length && fallback && !state.type && !state.category) {
        const f = await searchFallback(q).catch(() => null);
        if (n != seq) return;
        if (f?.results.length) {
          const lang = html.dataset.fallbackLang;
          elsewhere = [
            el("p", { class: "search-elsewhere" }, t("results_in_default", "No results in this language. Results in {language}:", { language: html.dataset.fallbackName })),
            el("ol", { class: "search-results", lang }, ...f.results.map((g) => el("li", 0,
              el("a", { href: g.url, class: "search-title", hreflang: lang }, ...marked(g.titleMarks)),
              el("p", { class: "search-excerpt" }, ...marked(g.excerpt))))),
          ];
        }
      }
      searched(q, r.total, !typed);
      out.dataset.shown = q;
      out.replaceChildren(filterNav(r, q), ...extras(r, false).filter((p) => !p.hasAttribute("data-no-results")), ...(r.results.length ? [list, more] : elsewhere));
      // After "More results", focus the first new result, for keyboard users.
      if (focusFrom >= 0) items[focusFrom]?.querySelector("a")?.focus(), (focusFrom = -1);
    };
    const searched = settled("page");
    input.value = params.get("q") || "";
    out.addEventListener("click", (e) => {
      const a = e.target.closest(".search-results a");
      if (!a || e.button || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const rank = [...out.querySelectorAll(".search-results > li")].findIndex((li) => li.contains(a));
      clicked(input.value, rank + 1, a.href);
    });
    form.addEventListener("submit", (e) => (e.preventDefault(), (state.limit = PAGE), run(true)));
    out.addEventListener("click", (e) => {
      const f = e.target.closest("[data-filter]"), m = e.target.closest("[data-more]");
      if (f) {
        e.preventDefault();
        Object.assign(state, JSON.parse(f.dataset.filter), { limit: PAGE });
        run(true).then(() => out.querySelector("[aria-current=true]")?.focus());
      } else if (m) {
        focusFrom = state.limit;
        state.limit += PAGE;
        run(false);
      }
    });
    const typed = onType((cached) => ((state.limit = PAGE), run(true, cached, true)));
    input.addEventListener("input", () => (delete out.dataset.shown, typed()));
    run(false);
  }

  for (const form of d.querySelectorAll("form[data-search]")) (form.dataset.search == "page" ? page : combo)(form);
}
