// Relevance of the real search index: realistic CoEx customer queries, each with the
// page (or troubleshooter step) that must be among the top 3 results.
//   node tests/browser/search-relevance.mjs <built-site-dir>      (e.g. public/)
// Reads <dir>/search/ from the disk through the same core the browser uses.
// Prints one line per query (the top 3 on failure) and a final "N passed, N failed".
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createIndex } from "../../themes/default/static/search.js";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node tests/browser/search-relevance.mjs <built-site-dir>");
  process.exit(2);
}
const index = createIndex(async (f) => JSON.parse(await readFile(join(dir, "search", f), "utf8")));

// query -> URL (site path, without the base path) that must be in the top 3 pages.
// A trailing space means "finished typing" (no prefix matching of the last word).
const A = (slug) => `/articles/${slug}/`;
const T = (tree, node = "") => `/troubleshoot/${tree}/${node ? node + "/" : ""}`;
const CASES = [
  // Customer wording
  ["whatsapp business app number already used", A("what-is-coexistence")],
  ["chats not showing", A("chats-not-syncing")],
  ["lost green tick", A("business-verification-vs-coex")],
  ["credit line", A("credit-line-blocks-connection")],
  ["waba disabled", A("waba-under-review-or-disabled")],
  ["badge gone", A("business-verification-vs-coex")],
  ["standard connection vs coex", [A("coex-or-standard"), T("coex-or-standard")]],
  ["history not synced", T("chats-not-syncing", "history-not-synced")],
  ["business manager", A("number-linked-to-another-business-manager")],
  ["number linked to another business manager", A("number-linked-to-another-business-manager")],
  ["payment method blocks connection", A("credit-line-blocks-connection")],
  ["account under review", A("waba-under-review-or-disabled")],
  ["new messages stopped syncing", T("chats-not-syncing", "stopped-sync")],
  ["missing conversations", A("chats-not-syncing")],
  ["how do I report a sync problem", A("report-a-sync-problem")],
  ["test before paying for a plan", A("validate-before-you-pay")],
  ["what is coex", A("what-is-coexistence")],
  ["limitations", A("known-limitations")],
  ["when to contact meta", A("outside-platform-control")],
  ["what to put in a support request", A("outside-platform-control")],
  // The troubleshooter's home: its title is "My verification badge disappeared or CoEx disconnected".
  ["verification badge disappeared", T("verification-badge")],
  ["remove number from other business manager", T("coex-connection", "unlink-first")],
  ["cannot remove credit line", T("coex-connection", "credit-line-escalate")],
  ["synchronize chats", A("chats-not-syncing")],
  // Issue 17: what customers type about setup, devices, PINs, limits and leaving
  ["QR code", [A("connect-your-number-step-by-step"), T("onboarding-failed", "qr-retry")]],
  ["scan", [A("connect-your-number-step-by-step"), T("onboarding-failed", "qr-retry")]],
  ["qr code not working", [T("onboarding-failed", "qr-retry"), T("onboarding-failed", "qr-step")]],
  ["embedded signup", A("connect-your-number-step-by-step")],
  ["not eligible", [A("coex-requirements-and-eligibility"), T("onboarding-failed", "not-eligible")]],
  ["number not eligible for coexistence", [A("coex-requirements-and-eligibility"), T("onboarding-failed", "not-eligible")]],
  ["app version", A("coex-requirements-and-eligibility")],
  ["which countries are supported", A("coex-requirements-and-eligibility")],
  ["south africa", [A("coex-requirements-and-eligibility"), T("onboarding-failed", "country-blocked")]],
  ["companion devices", A("companion-linked-devices")],
  ["linked devices logged out", A("companion-linked-devices")],
  ["whatsapp for windows", A("companion-linked-devices")],
  ["2FA pin", A("two-step-verification-pin")],
  ["forgot my pin", A("two-step-verification-pin")],
  ["unlink number", A("disconnect-or-unlink-coexistence")],
  ["offboard", A("disconnect-or-unlink-coexistence")],
  ["how do I disconnect", A("disconnect-or-unlink-coexistence")],
  ["reconnect after new phone", [A("disconnect-or-unlink-coexistence"), T("messages-not-arriving", "reconnect-device")]],
  ["group chats", A("what-syncs-and-what-does-not")],
  ["view once", A("what-syncs-and-what-does-not")],
  ["disappearing messages turned off", A("what-syncs-and-what-does-not")],
  ["voice calls", A("what-syncs-and-what-does-not")],
  ["how far back does the history go", A("what-syncs-and-what-does-not")],
  ["6 months", A("what-syncs-and-what-does-not")],
  ["how much does it cost", A("pricing-and-message-limits")],
  ["messages per second", A("pricing-and-message-limits")],
  ["messaging limit", A("pricing-and-message-limits")],
  ["24 hour window", [A("pricing-and-message-limits"), T("messages-not-arriving", "window-closed")]],
  ["messages not arriving", T("messages-not-arriving")],
  ["not receiving customer messages", T("messages-not-arriving")],
  ["whatsapp web logged out", A("companion-linked-devices")],
  ["reset pin without email", A("two-step-verification-pin")],
  ["template message required", [A("pricing-and-message-limits"), T("messages-not-arriving", "window-closed")]],
  ["broadcast lists", A("what-syncs-and-what-does-not")],
  ["error 131060", [T("messages-not-arriving", "first-contact-delay"), A("companion-linked-devices")]],
  ["switch to another provider", A("disconnect-or-unlink-coexistence")],
  ["facebook account too new", T("onboarding-failed", "account-too-new")],
  // Wordings that avoid the pages' own words
  ["stop using the platform but keep my number", A("disconnect-or-unlink-coexistence")],
  ["phone camera won't read the code", [T("onboarding-failed", "qr-retry"), A("connect-your-number-step-by-step")]],
  ["is sending from the app free", A("pricing-and-message-limits")],
  ["can my team still use whatsapp web", A("companion-linked-devices")],
  // Misspellings
  ["coexistance", A("what-is-coexistence")],
  ["sincing", A("chats-not-syncing")],
  ["verfication", A("business-verification-vs-coex")],
  ["bussiness manger", A("number-linked-to-another-business-manager")],
  ["limitatons", A("known-limitations")],
  ["chats not synching", A("chats-not-syncing")],
  ["compainon devices", A("companion-linked-devices")],
  ["elegible", [A("coex-requirements-and-eligibility"), T("onboarding-failed", "not-eligible")]],
  ["dissconnect number", A("disconnect-or-unlink-coexistence")],
  ["two step verfication", A("two-step-verification-pin")],
  ["embeded signup", A("connect-your-number-step-by-step")],
  // Typing: the last word is still a prefix
  ["credit li", A("credit-line-blocks-connection")],
  ["coexis", A("what-is-coexistence")],
  ["waba rev", A("waba-under-review-or-disabled")],
  ["qr co", [A("connect-your-number-step-by-step"), T("onboarding-failed", "qr-retry")]],
  ["two-step verif", A("two-step-verification-pin")],
];

await index.manifest().catch((e) => (console.error(`cannot read the index in ${join(dir, "search")}: ${e.message}`), process.exit(2)));
const site = (url) => url.replace(/#.*/, "");
let passed = 0, failed = 0;
// A case may accept several pages (an article and its troubleshooter both answer it).
for (const [q, wanted] of CASES) {
  const r = await index.search(q, { limit: 3 });
  const top = r.results.map((g) => site(g.page || g.url));
  // The index holds site paths, with the site's base path in front: compare the tail.
  const want = [wanted].flat().find((w) => top.some((u) => u.endsWith(w))) || [wanted].flat().join(" or ");
  if (top.some((u) => u.endsWith(want))) {
    passed++;
    console.log(`ok - ${JSON.stringify(q)} -> ${want} (#${top.findIndex((u) => u.endsWith(want)) + 1})`);
  } else {
    failed++;
    console.log(`not ok - ${JSON.stringify(q)}: wanted ${want} in the top 3${r.suggestion ? ` (did you mean ${JSON.stringify(r.suggestion)})` : ""}`);
    r.results.forEach((g, i) => console.log(`  # ${i + 1}. ${g.url}  ${g.score.toFixed(1)}  ${g.title}`));
    if (!r.results.length) console.log("  # (no results)");
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
