#!/usr/bin/env python3
"""Live-preview benchmark: save-to-reload latency and concurrent load.

Starts `waymark serve` on a generated corpus, edits one article N times and
measures the time from each save to the `reload` event (median), then runs
wrk with 200 connections for 10 s against 127.0.0.1 while edits continue.
Usage: bench/serve.py CORPUS_DIR [edits=20]
"""
import os, re, socket, statistics, subprocess, sys, threading, time, glob

root = sys.argv[1]
edits = int(sys.argv[2]) if len(sys.argv) > 2 else 20
here = os.path.dirname(os.path.abspath(__file__))
waymark = os.environ.get("WAYMARK", os.path.join(here, "..", "target", "release", "waymark"))
server = subprocess.Popen([waymark, "serve", "--root", root, "--port", "0"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
line = server.stdout.readline()
# The site is served under its base path: "... on http://127.0.0.1:PORT/base/".
port, base = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", line).groups()
port = int(port)
threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()

events = []
def listen():
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /__waymark/events HTTP/1.1\r\nHost: x\r\n\r\n")
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return
        buf += chunk
        while b"\n\n" in buf:
            msg, buf = buf.split(b"\n\n", 1)
            if b"event: reload" in msg:
                events.append(time.monotonic())
threading.Thread(target=listen, daemon=True).start()
time.sleep(0.5)

article = sorted(glob.glob(os.path.join(root, "content/articles/*/*.md")))[0]
original = open(article).read()
latencies = []
try:
    for i in range(edits):
        seen = len(events)
        start = time.monotonic()
        with open(article, "w") as f:
            f.write(original + f"\nEdit {i}.\n")
        while len(events) == seen and time.monotonic() - start < 30:
            time.sleep(0.002)
        latencies.append((events[-1] - start) * 1000)
        time.sleep(0.2)
    print(f"save -> reload event: median {statistics.median(latencies):.0f} ms over {edits} edits "
          f"(min {min(latencies):.0f}, max {max(latencies):.0f})")

    # A title edit: the article's category, home, neighbours and the pages
    # that list it are re-rendered too.
    titled = []
    for i in range(5):
        seen = len(events)
        start = time.monotonic()
        with open(article, "w") as f:
            f.write(re.sub(r"^title: .*$", f"title: Retitled {i}", original, count=1, flags=re.M))
        while len(events) == seen and time.monotonic() - start < 30:
            time.sleep(0.002)
        titled.append((events[-1] - start) * 1000)
        time.sleep(0.2)
    print(f"title edit -> reload event: median {statistics.median(titled):.0f} ms over 5 edits")

    stop = False
    def keep_editing():
        i = 0
        while not stop:
            with open(article, "w") as f:
                f.write(original + f"\nLoad edit {i}.\n")
            i += 1
            time.sleep(0.5)
    editor = threading.Thread(target=keep_editing)
    editor.start()
    page = os.path.relpath(article, os.path.join(root, "content/articles")).split("/")[1][:-3]
    result = subprocess.run(["wrk", "-t2", "-c200", "-d10s", "--timeout", "5s",
                             f"http://127.0.0.1:{port}{base}articles/{page}/"], capture_output=True, text=True)
    stop = True
    editor.join()
    print(result.stdout)
finally:
    with open(article, "w") as f:
        f.write(original)
    server.terminate()
    server.wait()
