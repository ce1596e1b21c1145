#!/usr/bin/env bash
# `waymark insights` at scale: generates a combined-format access log of N
# lines for the CoEx help center (page views, tree steps, searches, events,
# assets, bots, malformed lines) and prints the time and peak memory of
# reading it. Memory should stay flat as the log grows (it is streamed).
# Usage: bench/insights.sh [sizes="100000 1000000"]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
sizes="${1:-100000 1000000}"
work="${BENCH_DIR:-/tmp/waymark-bench}/insights"
mkdir -p "$work"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
waymark="$root/target/release/waymark"
for n in $sizes; do
  log="$work/access-$n.log"
  [ -f "$log" ] || python3 - "$root" "$n" "$log" <<'PY'
import os, random, sys
root, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(1)
arts = [f[:-3] for d, _, fs in os.walk(f"{root}/content/articles") for f in fs if f.endswith(".md") and f.count(".") == 1]
trees = [f[:-5] for f in os.listdir(f"{root}/content/trees") if f.endswith(".yaml") and f.count(".") == 1]
words = ["sync", "chats not syncing", "coex", "verification badge", "disconnect", "qr code", "pricing", "zzxq", "whatsapp web", "pin"]
ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
def line(path, status=200, agent=ua, ref="-"):
    return f'203.0.113.{rng.randint(1, 254)} - - [{rng.randint(1, 28):02d}/Nov/2026:{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:07 +0000] "GET {path} HTTP/1.1" {status} {rng.randint(40, 90000)} "{ref}" "{agent}"\n'
with open(out, "w") as f:
    for i in range(n):
        r = rng.random()
        if r < 0.30: f.write(line(f"/articles/{rng.choice(arts)}/"))
        elif r < 0.45: f.write(line(rng.choice(["/style.css?v=1", "/search.js?v=2", "/search/shard-0.a.json", "/favicon.svg"])))
        elif r < 0.55: f.write(line(f"/troubleshoot/{rng.choice(trees)}/", ref="https://help.example.com/"))
        elif r < 0.62: f.write(line("/search/?q=" + rng.choice(words).replace(" ", "+")))
        elif r < 0.80:
            t = rng.choice(["search", "step", "outcome", "helpful", "click"])
            q = {"search": f"t=search&q={rng.choice(words).replace(' ', '+')}&n={rng.choice([0, 3, 12])}",
                 "step": f"t=step&tree={rng.choice(trees)}&node=x&from=y&depth=1",
                 "outcome": f"t=outcome&tree={rng.choice(trees)}&node=x&kind=fix",
                 "helpful": f"t=helpful&page=/articles/{rng.choice(arts)}/&helpful={rng.choice(['yes', 'no'])}",
                 "click": f"t=click&q=sync&rank=1&target=/articles/x/"}[t]
            f.write(line(f"/_insights/e.gif?v=1&{q}&lang=en"))
        elif r < 0.92: f.write(line(f"/articles/{rng.choice(arts)}/", agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"))
        elif r < 0.97: f.write(line(rng.choice(["/wp-login.php", "/.env", "/admin/"]), status=404))
        else: f.write("this is not a log line " + str(i) + "\n")
PY
  size=$(du -m "$log" | cut -f1)
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$waymark" insights --root "$root" --format json "$log" > "$work/report.json"
  read -r secs kb < "$work/time.txt"
  echo "$n lines (${size} MB): ${secs} s, peak $((kb / 1024)) MB"
done
