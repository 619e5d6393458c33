#!/usr/bin/env bash
# Category classifier benchmark: TicketLens's naive Bayes against scikit-learn's TF-IDF +
# MultinomialNB on the same generated tickets and the same held-out split, in the same run.
# Usage: Benchmarks/classifier.sh [TICKETS]. scikit-learn is installed with pip into
# Benchmarks/.venv (for the benchmark only; the product never uses Python).
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS=${1:-1000000}
swift build -c release --product ticketlens-bench >/dev/null
if [ ! -x Benchmarks/.venv/bin/python ]; then python3 -m venv Benchmarks/.venv; fi
Benchmarks/.venv/bin/python -c "import sklearn, pandas" 2>/dev/null \
  || Benchmarks/.venv/bin/pip install -q scikit-learn pandas
DIR=Benchmarks/data/classifier-$TICKETS
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
/usr/bin/time -f "ticketlens peak RSS %M KB" .build/release/ticketlens-bench classifier "$DIR" "$TICKETS"
/usr/bin/time -f "scikit-learn peak RSS %M KB" Benchmarks/.venv/bin/python \
  Benchmarks/sklearn_classifier.py "$DIR/classifier.csv"
