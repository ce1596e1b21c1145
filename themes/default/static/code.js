// Copy buttons for code blocks (<pre class="code">). Loaded with `defer` only
// by pages with code; without JS the code is still selectable by hand. Each
// block gets a bar with its language and a "Copy" button; a status beside the
// button (a polite live region) says "Copied", or, without a clipboard, selects
// the code and says how to copy it. Code drawn later (a troubleshooter step
// answered in place) gets its button too.
(() => {
  // The page's words where they are not English (themes/default/i18n/, keys js_*).
  const strings = window.waymarkStrings || {};
  const t = (key, english, vars = {}) => (strings[key] ?? english).replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));
  const mac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  const manual = mac ? t("press_to_copy_mac", "Press ⌘C to copy") : t("press_to_copy", "Press Ctrl+C to copy");
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    e.append(...kids);
    return e;
  };
  const enhance = (pre) => {
    const code = pre.querySelector("code") || pre;
    const lang = pre.dataset.lang;
    const status = el("span", { class: "code-status", role: "status" });
    const button = el("button", { type: "button", class: "code-copy" }, t("copy", "Copy"), el("span", { class: "visually-hidden" }, t("code", " code")));
    const bar = el("div", { class: "code-bar" }, lang ? el("span", { class: "code-lang" }, lang) : "", status, button);
    let timer;
    const say = (text) => {
      clearTimeout(timer);
      status.textContent = text;
      timer = setTimeout(() => (status.textContent = ""), 5000);
    };
    // No clipboard (old browser, insecure origin, permission refused):
    // select the code so that one key press copies it.
    const fallback = () => {
      pre.focus();
      const range = document.createRange();
      range.selectNodeContents(code);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      say(manual);
    };
    button.addEventListener("click", () => {
      // Without the final line break: pasted into a terminal, a command
      // should wait for Enter.
      const text = code.textContent.replace(/\r?\n$/, "");
      if (!navigator.clipboard || !navigator.clipboard.writeText) return fallback();
      navigator.clipboard.writeText(text).then(() => say(t("copied", "Copied")), fallback);
    });
    const wrap = el("div", { class: "code-block" });
    pre.replaceWith(wrap);
    wrap.append(bar, pre);
  };
  const all = () => document.querySelectorAll("pre.code").forEach((pre) => pre.parentNode.classList.contains("code-block") || enhance(pre));
  all();
  // Troubleshooter steps drawn in place (tree.js) bring their own code blocks.
  new MutationObserver(all).observe(document.querySelector("main") || document.body, { childList: true, subtree: true });
})();
