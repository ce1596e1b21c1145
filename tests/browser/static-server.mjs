// A plain static file server, like a production host: serves a built site
// (`waymark build` output) mounted under a sub-path, sends
// `Content-Security-Policy: default-src 'self'` on every response, answers
// missing files with the site's 404.html (status 404), and accepts POSTs to
// one path as a stand-in for a feedback endpoint. No waymark code involved.
//   const server = await serve(dir, { mount: "/help/", beacon: "/help/feedback" });
//   server.url, server.beacons, server.requests, await server.close()
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

export const CSP = "default-src 'self'";
const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
  ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".ico": "image/x-icon",
  ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
};

export function serve(root, { mount = "/", beacon = null } = {}) {
  const beacons = [];
  const requests = [];
  const send = (res, status, headers, body) => {
    res.writeHead(status, { "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", ...headers });
    res.end(body);
  };
  const notFound = async (res, head) => {
    const body = await readFile(join(root, "404.html")).catch(() => Buffer.from("not found"));
    send(res, 404, { "Content-Type": TYPES[".html"] }, head ? undefined : body);
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    try {
      if (req.method === "POST" && beacon && url.pathname === beacon) {
        const chunks = [];
        for await (const c of req) chunks.push(c);
        beacons.push({ type: req.headers["content-type"] || "", body: Buffer.concat(chunks).toString("utf8") });
        return send(res, 204, {});
      }
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, { Allow: "GET, HEAD" });
      const head = req.method === "HEAD";
      if (!url.pathname.startsWith(mount)) return notFound(res, head);
      const rel = normalize(decodeURIComponent(url.pathname.slice(mount.length)));
      if (rel.split(sep).includes("..")) return send(res, 400, {});
      let file = join(root, rel);
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        // Like most hosts: /dir redirects to /dir/, which serves dir/index.html.
        if (!url.pathname.endsWith("/")) return send(res, 301, { Location: url.pathname + "/" + url.search });
        file = join(file, "index.html");
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return notFound(res, head);
      const body = await readFile(file);
      send(res, 200, { "Content-Type": TYPES[extname(file)] || "application/octet-stream", "Content-Length": body.length }, head ? undefined : body);
    } catch (e) {
      send(res, 500, { "Content-Type": "text/plain" }, String(e));
    }
  });
  return new Promise((ok) =>
    server.listen(0, "127.0.0.1", () =>
      ok({
        url: `http://127.0.0.1:${server.address().port}${mount}`,
        beacons,
        requests,
        close: () => new Promise((done) => (server.close(done), server.closeAllConnections())),
      }),
    ),
  );
}
