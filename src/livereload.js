// Injected by `waymark serve` only (never by `waymark build`): reloads the
// page when its output changed, swaps stylesheets in place for CSS-only
// changes, keeps the scroll position, and shows build errors in an overlay.
(() => {
  const page = location.pathname.replace(/index\.html$/, "");
  const scrollKey = "waymark:scroll:" + page;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    addEventListener("load", () => scrollTo(0, +saved));
  }
  const css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = "/__waymark/livereload.css";
  document.head.append(css);

  let overlay = null;
  const show = (text) => {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.className = "waymark-overlay";
      overlay.setAttribute("role", "alert");
      const title = document.createElement("p");
      title.className = "waymark-overlay-title";
      title.textContent = "waymark: the last edit does not build. Showing the last good version.";
      overlay.append(title, document.createElement("pre"));
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  };
  const hide = () => {
    if (overlay) overlay.remove();
    overlay = null;
  };

  const events = new EventSource("/__waymark/events");
  events.addEventListener("reload", (e) => {
    const change = JSON.parse(e.data);
    hide();
    if (change.css_only) {
      for (const link of document.querySelectorAll("link[rel=stylesheet]")) {
        const url = new URL(link.href);
        if (url.origin !== location.origin || url.pathname.startsWith("/__waymark/")) continue;
        url.searchParams.set("live", Date.now());
        link.href = url.href;
      }
    } else if (change.paths.includes(page) || change.paths.includes(location.pathname)) {
      sessionStorage.setItem(scrollKey, String(scrollY));
      location.reload();
    }
  });
  events.addEventListener("build-error", (e) => show(JSON.parse(e.data).text));
  events.addEventListener("build-ok", hide);
})();
