#!/usr/bin/env bash
# Categories on labelled text our generator never wrote: TicketLens' classifier (the default
# linear model and naive Bayes) against scikit-learn (tuned by 5-fold cross-validation on the
# training split), on the official splits of BANKING77, CLINC150 and HWU64
# (Tests/EndToEndTests/TextEval, sources and licences in its README), in the same run.
# Usage: Benchmarks/text_eval/run.sh [--fixed]   (--fixed: scikit-learn without tuning, faster)
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product ticketlens-bench >/dev/null
if [ ! -x Benchmarks/.venv/bin/python ]; then python3 -m venv Benchmarks/.venv; fi
Benchmarks/.venv/bin/python -c "import sklearn, pandas" 2>/dev/null \
  || Benchmarks/.venv/bin/pip install -q scikit-learn pandas
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
E=Tests/EndToEndTests/TextEval
for corpus in banking77 clinc150 hwu64; do
  for model in linear naive_bayes; do
    echo "$corpus $(.build/release/ticketlens-bench intents "$E/$corpus/train.csv" "$E/$corpus/test.csv" "$model")"
  done
  Benchmarks/.venv/bin/python Benchmarks/text_eval/sklearn_intents.py "$@" \
    "$E/$corpus/train.csv" "$E/$corpus/test.csv"
done
