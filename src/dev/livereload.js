// Injected by `waymark serve` only (never by `waymark build`): reloads the
// page when its output changed, swaps stylesheets in place for CSS-only
// changes, keeps the scroll position, and shows build errors in an overlay.
//
// Browsers allow about six HTTP/1.1 connections per host, and every event
// stream holds one open: with many preview tabs, page loads would stall. So
// one tab (holding a Web Lock) keeps the stream and relays its events to
// the other tabs over a BroadcastChannel.
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

  const handle = (type, data) => {
    if (type === "build-error") show(JSON.parse(data).text);
    else if (type === "build-ok") hide();
    else if (type === "reload") {
      const change = JSON.parse(data);
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
    }
  };

  const TYPES = ["reload", "build-error", "build-ok"];
  const listen = (relay) => {
    const events = new EventSource("/__waymark/events");
    for (const type of TYPES) {
      events.addEventListener(type, (e) => {
        handle(type, e.data);
        relay(type, e.data);
      });
    }
    return events;
  };
  if (!("BroadcastChannel" in window) || !navigator.locks) {
    listen(() => {});
    return;
  }
  const channel = new BroadcastChannel("waymark-live");
  let lastError = null;
  channel.onmessage = (e) => {
    const { type, data } = e.data || {};
    if (type === "hello") {
      if (leading && lastError) channel.postMessage({ type: "build-error", data: lastError });
    } else if (TYPES.includes(type)) {
      handle(type, data);
    }
  };
  let leading = false;
  navigator.locks.request("waymark-live", () => {
    leading = true;
    listen((type, data) => {
      lastError = type === "build-error" ? data : type === "build-ok" ? null : lastError;
      channel.postMessage({ type, data });
    });
    return new Promise(() => {}); // held until this tab closes
  });
  channel.postMessage({ type: "hello" });
})();
