#!/usr/bin/env bash
# Seeds the fuzzer's corpus from the site's own content and the invalid
# fixtures: each seed is an article, a NUL byte, then a tree.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus/site
mkdir -p "$out"
mapfile -t articles < <(find content/articles tests/fixtures -name '*.md' | sort)
mapfile -t trees < <(find content/trees tests/fixtures -name '*.yaml' -path '*trees*' | sort)
for i in "${!articles[@]}"; do
  tree="${trees[$(( i % ${#trees[@]} ))]}"
  { cat "${articles[$i]}"; printf '\0'; cat "$tree"; } > "$out/seed-$i"
done
echo "$(ls "$out" | wc -l) seeds in $out"
