#!/usr/bin/env bash
# The nightly job end to end (cold, rerun with nothing new, a 2 % delta) beside DuckDB's cold
# load + metric suite on the same files, in the same run (issue 18).
# Usage: Benchmarks/nightly.sh [TICKETS]   (default 1,000,000; results for BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS=${1:-1000000}
swift build -c release >/dev/null
DATA=Benchmarks/data/nightly-$TICKETS
if [ ! -f "$DATA/tickets.csv" ]; then
  .build/release/ticketlens sample --tickets "$TICKETS" --out "$DATA" >/dev/null
fi
if [ ! -x Benchmarks/.venv/bin/python ]; then
  python3 -m venv Benchmarks/.venv
fi
Benchmarks/.venv/bin/python -c "import duckdb" 2>/dev/null || Benchmarks/.venv/bin/pip install --quiet duckdb
Benchmarks/.venv/bin/python Benchmarks/nightly.py "$DATA" Benchmarks/data/nightly-work
