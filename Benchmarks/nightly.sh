#!/usr/bin/env bash
# The nightly job end to end (cold, rerun with nothing new, a 2 % delta) beside DuckDB's cold
# load + metric suite on the same files, in the same run (issue 18).
# Usage: Benchmarks/nightly.sh [--text-model sentence]   (1M tickets, 500k chats; results for
# BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
# The DuckDB suite's clean inputs (1M tickets as generic CSV, 500k chats as NDJSON: no broken
# rows, so both sides load the same records) plus the sample's Help Center articles.
DATA=Benchmarks/data/suite
if [ ! -f "$DATA/chats.ndjson" ]; then
  .build/release/ticketlens-bench suite-data "$DATA"
fi
cp sample-data/help_center_articles.json "$DATA/"
rm -rf "$DATA/kb" && cp -r sample-data/kb "$DATA/kb"
if [ ! -x Benchmarks/.venv/bin/python ]; then
  python3 -m venv Benchmarks/.venv
fi
Benchmarks/.venv/bin/python -c "import duckdb" 2>/dev/null || Benchmarks/.venv/bin/pip install --quiet duckdb
Benchmarks/.venv/bin/python Benchmarks/nightly.py "$DATA" Benchmarks/data/nightly-work "$@"
