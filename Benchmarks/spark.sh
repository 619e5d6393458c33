#!/usr/bin/env bash
# The embedded engine beside Spark (local mode; standalone with 1 and 2 executors) on the same
# data, in the same run (issue 21).
# Usage: Benchmarks/spark.sh [TICKETS ...]   (default: 1000000 10000000; chats = tickets / 2)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
python3 -c "import pyspark" 2>/dev/null || python3 -m pip install --quiet pyspark
for n in "${@:-1000000 10000000}"; do
  for size in $n; do
    DATA=Benchmarks/data/spark-$size
    if [ ! -f "$DATA/chats.ndjson" ]; then
      .build/release/ticketlens-bench suite-data "$DATA" "$size"
    fi
    echo "## $size tickets"
    python3 Benchmarks/spark.py "$DATA" "Benchmarks/data/spark-work-$size"
  done
done
