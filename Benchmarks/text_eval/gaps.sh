#!/usr/bin/env bash
# Knowledge gaps on the public gap sets (Tests/EndToEndTests/TextEval/gaps-*: BANKING77, CLINC150
# and HWU64 queries posed as tickets and chats, some intents with an article and some without;
# HWU64's articles are written like a Help Center's, quoting no query; DSTC11 is spoken-style
# customer turns from insurance, banking and finance conversations; HINT3 is real queries to
# three live support bots; CFPB is long real consumer complaints with redaction masks and
# overlapping labels; MultiDoGO is customer-service conversations in five domains; STAR is
# crowd workers' task chats with a worker playing the agent; SGD is user turns to a virtual
# assistant; NLU++ is single customer utterances to a bank's and a hotel's support lines; Bitext
# is templated requests to an online shop; the last five held out: each measured once, after
# every setting was chosen),
# `ticketlens gaps` (its default text model, or as the options given say: `--text-model static`
# for the static embedding) beside the plain peer (scikit-learn TF-IDF + k-means, tfidf_kmeans_gaps.py,
# every coverage threshold tried), both scored by score_gaps.py, in the same run.
# Usage: Benchmarks/text_eval/gaps.sh [extra `ticketlens gaps` options]
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product ticketlens >/dev/null
if [ ! -x Benchmarks/.venv/bin/python ]; then python3 -m venv Benchmarks/.venv; fi
Benchmarks/.venv/bin/python -c "import sklearn" 2>/dev/null \
  || Benchmarks/.venv/bin/pip install -q scikit-learn
PY=Benchmarks/.venv/bin/python
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for set in gaps-banking77 gaps-clinc150 gaps-hwu64 gaps-dstc11 gaps-hint3 gaps-cfpb gaps-multidogo gaps-star gaps-sgd gaps-nlupp gaps-bitext; do
  T=Tests/EndToEndTests/TextEval/$set
  .build/release/ticketlens ingest "$T/tickets.csv" "$T/chats.ndjson" "$T/articles.json" \
    --warehouse "$work/$set.sqlite" -q
  start=$(date +%s.%N)
  .build/release/ticketlens gaps --warehouse "$work/$set.sqlite" --as-of 2026-03-31T23:59:59Z \
    --top 200 "$@" >"$work/$set.csv"
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  echo "$set ticketlens ($seconds s): $($PY Benchmarks/text_eval/score_gaps.py "$T" "$work/$set.csv" -q | head -1)"
  $PY Benchmarks/text_eval/tfidf_kmeans_gaps.py "$T" "$work/$set-peer.csv" | sed "s/^/$set tf-idf+k-means /"
done
