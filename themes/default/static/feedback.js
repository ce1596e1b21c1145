// "Was this article helpful?" Loaded (defer) only on sites that record the
// answer: site.yaml `insights:` (an event in the host's access log) and/or
// `feedback.endpoint` (a beacon). One vote per page view, kept nowhere: a
// "No" offers reasons and the support link; the vote is sent with the
// reason picked, or without one when the page is left.
(() => {
  const box = document.querySelector(".article-feedback");
  if (!box) return;
  const html = document.documentElement;
  // Nothing leaves the browser under Do Not Track or Global Privacy Control.
  const send = (ev) => {
    if (navigator.globalPrivacyControl || navigator.doNotTrack === "1") return;
    const e = { v: 1, ...ev, lang: html.lang };
    const d = html.dataset, ep = document.body.dataset.feedbackEndpoint;
    if (d.insights) fetch(d.insights + "?" + new URLSearchParams(e), { keepalive: true, credentials: "omit", cache: "no-store" }).catch(() => {});
    for (const url of [d.insightsEndpoint, ep]) if (url && navigator.sendBeacon) navigator.sendBeacon(url, new Blob([JSON.stringify(e)], { type: "application/json" }));
  };
  const reasons = box.querySelector(".feedback-reasons"), thanks = box.querySelector(".feedback-thanks");
  let vote = null, sent = false;
  const finish = (reason) => {
    if (sent || !vote) return;
    sent = true;
    send({ t: "helpful", page: location.pathname, helpful: vote, ...(reason ? { reason } : {}) });
  };
  box.hidden = false;
  box.addEventListener("click", (e) => {
    const b = e.target.closest("button");
    if (!b) return;
    if (b.dataset.helpful && !vote) {
      vote = b.dataset.helpful;
      box.querySelectorAll("[data-helpful]").forEach((x) => x.setAttribute("aria-pressed", x === b));
      thanks.textContent = thanks.dataset[vote];
      if (vote === "yes") finish();
      else (reasons.hidden = false), reasons.querySelector("button").focus();
    } else if (b.dataset.reason) {
      reasons.hidden = true;
      finish(b.dataset.reason);
      thanks.focus?.();
    }
  });
  addEventListener("pagehide", () => finish());
})();
