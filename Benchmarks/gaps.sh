#!/usr/bin/env bash
# Knowledge-gap benchmark: topic clustering and article matching on generated tickets.
# Usage: Benchmarks/gaps.sh [TICKETS] [RUNS]. Prints the median wall time and peak RSS of
# `ticketlens gaps` over all tickets (a window covering the whole period) and over the default
# 28-day window.
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS=${1:-1000000}
RUNS=${2:-3}
swift build -c release >/dev/null
DIR=Benchmarks/data/gaps-$TICKETS
if [ ! -f "$DIR/w.sqlite" ]; then
  rm -rf "$DIR"
  .build/release/ticketlens sample --tickets "$TICKETS" --out "$DIR/data" >/dev/null
  .build/release/ticketlens ingest "$DIR/data/tickets.csv" "$DIR/data/help_center_articles.json" \
    "$DIR"/data/kb/*.md --warehouse "$DIR/w.sqlite" >/dev/null || true
fi
for window in 91 28; do
  times=()
  peak=0
  for _ in $(seq "$RUNS"); do
    out=$( { /usr/bin/time -f "%e %M" .build/release/ticketlens gaps --warehouse "$DIR/w.sqlite" \
      --window-days "$window" --list topics >/dev/null; } 2>&1 | tail -1)
    times+=("${out% *}")
    rss=${out#* }
    [ "$rss" -gt "$peak" ] && peak=$rss
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  echo "gaps, window $window days, $TICKETS tickets: median ${median} s, peak RSS $((peak / 1024)) MB"
done
