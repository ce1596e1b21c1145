#!/usr/bin/env bash
# Search benchmark: waymark's index vs Pagefind on Hugo's output of the same
# corpus. Prints build figures (time, peak memory, files, size) and the
# bytes a browser fetches for a first query of a common, a rare and a stop
# word. Usage: bench/search.sh [sizes="1000 10000"]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
sizes="${1:-1000 10000}"
work="${BENCH_DIR:-/tmp/waymark-bench}"
out="${BENCH_OUT:-/dev/shm/waymark-search-bench}"
pf_dir="$work/pagefind"
if [ ! -x "$pf_dir/node_modules/.bin/pagefind" ]; then
  mkdir -p "$pf_dir" && (cd "$pf_dir" && npm init -y >/dev/null && npm install --no-audit --no-fund pagefind@1.6 >/dev/null)
fi
pagefind="$pf_dir/node_modules/.bin/pagefind"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
waymark="$root/target/release/waymark"
mkdir -p "$out"
for n in $sizes; do
  corpus="$work/corpus-$n"
  [ -d "$corpus/ours" ] || python3 "$root/../shared/bench/gen_corpus.py" --pages "$n" --trees $((n / 20)) --out "$corpus" --format ours,hugo >/dev/null
  rm -rf "$out/wm" "$out/hugo"
  /usr/bin/time -f "%e %M" -o "$out/wm.time" "$waymark" build --root "$corpus/ours" --output "$out/wm" >/dev/null 2>&1
  (cd "$corpus/hugo" && hugo --quiet --destination "$out/hugo" >/dev/null)
  /usr/bin/time -f "%e %M" -o "$out/pf.time" "$pagefind" --site "$out/hugo" >/dev/null 2>&1
  read -r wt wm < "$out/wm.time"; read -r pt pm < "$out/pf.time"
  wf=$(find "$out/wm/search" -type f | wc -l); pf=$(find "$out/hugo/pagefind" -type f | wc -l)
  ws=$(du -s --apparent-size -k "$out/wm/search" | cut -f1); ps=$(du -s --apparent-size -k "$out/hugo/pagefind" | cut -f1)
  echo "== $n articles"
  echo "waymark build (whole site incl. search): ${wt} s, peak ${wm} KB; search files ${wf}, ${ws} KB"
  echo "pagefind (index only, on hugo output):    ${pt} s, peak ${pm} KB; files ${pf}, ${ps} KB"
  node "$here/search-bytes.mjs" "$out/wm" "$out/hugo" "${COMMON:-whatsapp}" "${RARE:-leserocon}" the
done
rm -rf "$out"
