#!/usr/bin/env bash
# Fuzzes the readers and parsers with libFuzzer (Swift's -sanitize=fuzzer, with AddressSanitizer).
# Usage: Fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60 s; targets: csv json xml
# timestamp pipeline). Each target starts from its seed corpus (Fuzz/corpus/<target>: real
# fixtures) plus what earlier runs found (.build-fuzz/corpus/<target>). A crash, leak or hang
# stops that target, leaves its input in Fuzz/crashes/, and makes the script exit 1; copy the
# input to Fuzz/regressions/<target>/ once fixed, and `swift test` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(csv json xml timestamp pipeline)
mkdir -p .build-fuzz
# The build's own output goes to a log; a failure shows its end and the disk's and memory's state
# and is tried once more, one job at a time, before the script gives up.
build() {
  TICKETLENS_FUZZ=1 swift build --build-path .build-fuzz --product ticketlens-fuzz \
    -Xswiftc -sanitize=fuzzer,address "$@" >.build-fuzz/build.log 2>&1
}
if ! build; then
  echo "fuzz: the fuzz build failed; .build-fuzz/build.log ends with:"
  tail -40 .build-fuzz/build.log
  df -h . /tmp || true
  free -m || true
  echo "fuzz: building again with one job"
  if ! build -j 1; then
    echo "fuzz: the fuzz build failed again:"
    tail -40 .build-fuzz/build.log
    exit 1
  fi
fi
BIN=.build-fuzz/debug/ticketlens-fuzz
mkdir -p Fuzz/crashes
status=0
for t in "${TARGETS[@]}"; do
  work=.build-fuzz/corpus/$t
  mkdir -p "$work"
  log=.build-fuzz/fuzz-$t.log
  # Leaks are checked by the sanitizer test run; here the Swift runtime's one-time allocations
  # would drown them.
  if ASAN_OPTIONS=detect_leaks=0 TICKETLENS_FUZZ_TARGET=$t "$BIN" \
    -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="Fuzz/crashes/$t-" "$work" "Fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    echo "fuzz $t: ${SECONDS_PER_TARGET} s, $runs inputs, corpus $(ls "$work" | wc -l) files, no crash"
  else
    echo "fuzz $t: FAILED, see $log and Fuzz/crashes/"
    tail -20 "$log"
    status=1
  fi
done
exit $status
