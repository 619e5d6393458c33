#!/usr/bin/env bash
# The TicketLens benchmark: release build, 1M generated tickets, TicketLens and DuckDB measured
# side by side in the same run. Usage: Benchmarks/run.sh [TICKETS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS=${1:-1000000}
RUNS=${2:-3}
swift build -c release >/dev/null
DATA=Benchmarks/data
mkdir -p "$DATA"
if [ ! -f "$DATA/tickets-$TICKETS.csv" ]; then
  .build/release/ticketlens sample --tickets "$TICKETS" --zendesk-tickets 1 --out "$DATA/gen" >/dev/null
  mv "$DATA/gen/tickets.csv" "$DATA/tickets-$TICKETS.csv"
  rm -rf "$DATA/gen"
fi
if [ ! -f "$DATA/json/zendesk.ndjson" ]; then
  .build/release/ticketlens-bench generate "$DATA/json"
fi
if [ ! -f "$DATA/suite/chats.ndjson" ]; then
  .build/release/ticketlens-bench suite-data "$DATA/suite"
fi
# The peer is installed for the benchmark only, never for the product.
if [ ! -x Benchmarks/.venv/bin/python ]; then
  python3 -m venv Benchmarks/.venv
  Benchmarks/.venv/bin/pip install --quiet duckdb
fi
Benchmarks/.venv/bin/python Benchmarks/bench.py "$DATA/tickets-$TICKETS.csv" "$RUNS" "$DATA/json" "$DATA/suite"
