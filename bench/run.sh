#!/usr/bin/env bash
# Build-time benchmark: waymark vs Hugo on the same generated corpus.
# Prints median wall time and peak memory of each tool, and their ratios.
# Usage: bench/run.sh [runs=5] [sizes="1000 10000 50000"]
# BENCH_LANGUAGES=es,pt-br (the default) adds a row per size for the same
# corpus translated into those languages, against Hugo's multilingual
# build of it, for sizes up to BENCH_LANGUAGES_UP_TO (default 10000);
# BENCH_LANGUAGES= leaves them out.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
gen="$root/../shared/bench/gen_corpus.py"
runs="${1:-5}"
sizes="${2:-1000 10000 50000}"
languages="${BENCH_LANGUAGES-es,pt-br}"
work="${BENCH_DIR:-/tmp/waymark-bench}"
# Outputs go to tmpfs by default: this VM's disk (ext4 with discard) makes
# file-creation times swing by 5x from run to run. BENCH_OUT=/some/disk/dir
# measures on disk instead.
out_dir="${BENCH_OUT:-/dev/shm/waymark-bench-out}"
command -v hugo >/dev/null || { echo "needs hugo: apt-get install -y hugo" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
waymark="$root/target/release/waymark"
mkdir -p "$work" "$out_dir"

# One timed run into a fresh output folder; prints "seconds max_rss_kb".
measure() {
  local out="$1"; shift
  rm -rf "$out"
  sync; sleep 2   # let the file system settle after deleting the last output
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || {
    cat "$work/stderr.txt" >&2; exit 1; }
  cat "$work/time.txt"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

declare -A wm_time
row() {  # label, waymark times file, hugo times file
  local wt wm ht hm
  wt=$(cut -d' ' -f1 "$2" | median); wm=$(cut -d' ' -f2 "$2" | median)
  ht=$(cut -d' ' -f1 "$3" | median); hm=$(cut -d' ' -f2 "$3" | median)
  printf '%-26s %10.2f %12.0f %10.2f %12.0f %8.2f %8.2f\n' "$1" "$wt" "$(echo "$wm/1024" | bc -l)" "$ht" "$(echo "$hm/1024" | bc -l)" \
    "$(echo "$wt/$ht" | bc -l)" "$(echo "$wm/$hm" | bc -l)"
}
printf '%-26s %10s %12s %10s %12s %8s %8s\n' "corpus" "waymark s" "waymark MB" "hugo s" "hugo MB" "time x" "mem x"
for n in $sizes; do
  trees=$(( n / 20 ))
  corpus="$work/corpus-$n"
  if [ ! -d "$corpus/ours" ]; then
    python3 "$gen" --pages "$n" --trees "$trees" --out "$corpus" --format ours,hugo >/dev/null
  fi
  # The same articles without the troubleshooters: exactly the text Hugo
  # builds (it gets no trees), for a like-for-like comparison.
  if [ ! -d "$corpus/articles-only" ]; then
    mkdir -p "$corpus/articles-only/content"
    cp "$corpus/ours/site.yaml" "$corpus/articles-only/"
    cp -r "$corpus/ours/content/articles" "$corpus/articles-only/content/"
  fi
  : > "$work/wm.txt"; : > "$work/wm-same.txt"; : > "$work/hugo.txt"
  for _ in $(seq "$runs"); do
    measure "$out_dir/wm" "$waymark" build --root "$corpus/ours" --output "$out_dir/wm" >> "$work/wm.txt"
    (cd "$corpus/hugo" && measure "$out_dir/hugo" hugo --quiet --destination "$out_dir/hugo") >> "$work/hugo.txt"
    measure "$out_dir/wm" "$waymark" build --root "$corpus/articles-only" --output "$out_dir/wm" >> "$work/wm-same.txt"
  done
  wm_time[$n]=$(cut -d' ' -f1 "$work/wm.txt" | median)
  row "$n articles (same text)" "$work/wm-same.txt" "$work/hugo.txt"
  row "  + $trees trees, search" "$work/wm.txt" "$work/hugo.txt"
  if [ -n "$languages" ] && [ "$n" -le "${BENCH_LANGUAGES_UP_TO:-10000}" ]; then
    ml="$work/corpus-$n-${languages//,/-}"
    if [ ! -d "$ml/ours" ]; then
      python3 "$gen" --pages "$n" --trees "$trees" --languages "$languages" --out "$ml" --format ours,hugo >/dev/null
    fi
    if [ ! -d "$ml/articles-only" ]; then
      mkdir -p "$ml/articles-only/content"
      cp "$ml/ours/site.yaml" "$ml/articles-only/"
      cp -r "$ml/ours/content/articles" "$ml/articles-only/content/"
    fi
    : > "$work/wm-ml.txt"; : > "$work/wm-ml-same.txt"; : > "$work/hugo-ml.txt"
    for _ in $(seq "$runs"); do
      measure "$out_dir/wm" "$waymark" build --root "$ml/ours" --output "$out_dir/wm" >> "$work/wm-ml.txt"
      (cd "$ml/hugo" && measure "$out_dir/hugo" hugo --quiet --destination "$out_dir/hugo") >> "$work/hugo-ml.txt"
      measure "$out_dir/wm" "$waymark" build --root "$ml/articles-only" --output "$out_dir/wm" >> "$work/wm-ml-same.txt"
    done
    row "  in en,$languages (same text)" "$work/wm-ml-same.txt" "$work/hugo-ml.txt"
    row "    + trees, search" "$work/wm-ml.txt" "$work/hugo-ml.txt"
  fi
done
# Growth from each size to the next: linear scaling keeps the time ratio
# at or under the size ratio.
set -- $sizes
while [ $# -ge 2 ]; do
  echo "waymark growth (with trees and search): ${2} articles took $(echo "${wm_time[$2]}/${wm_time[$1]}" | bc -l | cut -c1-5)x the time of ${1} ($(echo "$2/$1" | bc -l | cut -c1-5)x the articles)"
  shift
done
echo "(median of $runs runs each into $out_dir; time x and mem x are waymark / hugo."
echo " Hugo builds the articles only: the second row is waymark doing more, its troubleshooter pages and search index, against the same Hugo run;"
echo " the languages rows: every article translated, Hugo's multilingual build against waymark's articles alone, then with trees and a search index per language.)"
rm -rf "$out_dir"
