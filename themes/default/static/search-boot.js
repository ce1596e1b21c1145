// Loads search.js only once someone is about to search, so pages stay light until then.
// "/" focuses the search box (unless you are typing somewhere).
const d = document, box = "form[data-search] input[type=search]";
let p;
const load = () => p || (p = import(d.documentElement.dataset.searchJs || new URL("search.js", import.meta.url).href));
d.addEventListener("focusin", (e) => e.target.matches(box) && load());
d.addEventListener("keydown", (e) => {
  const t = e.target;
  if (e.key != "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
  const i = d.querySelector("main " + box) || d.querySelector(box);
  if (i) e.preventDefault(), i.focus(), i.select();
});
if (d.activeElement?.matches(box)) load();
