#!/usr/bin/env bash
# Files with one gigabyte-long record, ingested by a release build: wall time and peak RSS per
# file (GNU time), with DuckDB's read_csv / read_json on the same CSV and NDJSON files for
# reference. Usage: Benchmarks/hostile.sh [MiB] (default 1024). Set TICKETLENS=path/to/ticketlens
# to measure another build (e.g. an older commit) against the same files.
set -euo pipefail
cd "$(dirname "$0")/.."
MIB=${1:-1024}
DATA=Benchmarks/data/hostile-$MIB
mkdir -p "$DATA"
if [ -z "${TICKETLENS:-}" ]; then
  swift build -c release --product ticketlens >/dev/null
  TICKETLENS=.build/release/ticketlens
fi
if [ ! -f "$DATA/unquoted.csv" ]; then
  python3 - "$DATA" "$MIB" <<'EOF'
import sys
out, mib = sys.argv[1], int(sys.argv[2])
chunk = b"x" * (1 << 20)
def write(name, head, tail):
    with open(f"{out}/{name}", "wb") as f:
        f.write(head)
        for _ in range(mib):
            f.write(chunk)
        f.write(tail)
ok = b"2,ok,2024-01-02T00:00:00Z,open\n"
write("quoted.csv", b"id,subject,created_at,status\n1,\"", b"\",2024-01-01T00:00:00Z,open\n" + ok)
write("unquoted.csv", b"id,subject,created_at,status\n1,", b",2024-01-01T00:00:00Z,open\n" + ok)
write("header.csv", b"id,", b",created_at\n1,x,2024-01-01T00:00:00Z\n")
write("line.ndjson",
      b'{"id":"2","created_at":"2024-01-02T00:00:00Z"}\n{"id":"1","subject":"',
      b'"}\n{"id":"3","created_at":"2024-01-03T00:00:00Z"}\n')
write("text.xml",
      b'<?xml version="1.0"?>\n<tickets><ticket><nice-id>1</nice-id>'
      b"<created-at>2024-01-01T00:00:00Z</created-at></ticket><ticket><nice-id>2</nice-id>"
      b"<created-at>2024-01-01T00:00:00Z</created-at><description>",
      b"</description></ticket></tickets>\n")
EOF
fi
if [ ! -x Benchmarks/.venv/bin/python ]; then
  python3 -m venv Benchmarks/.venv
  Benchmarks/.venv/bin/pip install --quiet duckdb
fi
echo "| File | TicketLens s | TicketLens peak RSS MB | Outcome | DuckDB s | DuckDB peak RSS MB | DuckDB outcome |"
echo "|---|---:|---:|---|---:|---:|---|"
for f in quoted.csv unquoted.csv header.csv line.ndjson text.xml; do
  case $f in
    *.csv) fmt=generic-csv; peer="read_csv('$DATA/$f')" ;;
    *.ndjson) fmt=zendesk-json; peer="read_json('$DATA/$f', format='newline_delimited')" ;;
    *) fmt=zendesk-xml; peer="" ;;
  esac
  w=$(mktemp -d)
  /usr/bin/time -f "%e %M" -o "$w/time" "$TICKETLENS" ingest --format "$fmt" --no-sentiment \
    --warehouse "$w/w.sqlite" "$DATA/$f" >"$w/out" 2>&1 || true
  read -r s kb < <(tail -1 "$w/time") || true
  outcome=$(head -1 "$w/out" | sed -e 's/^[^:]*: //' -e 's/|/\\|/g' | cut -c1-110)
  row="| $f | $s | $((kb / 1024)) | $outcome"
  if [ -n "$peer" ]; then
    /usr/bin/time -f "%e %M" -o "$w/ptime" Benchmarks/.venv/bin/python -c "
import duckdb
try:
    n = duckdb.connect('$w/d.duckdb').execute(\"CREATE TABLE t AS SELECT * FROM $peer\").fetchall()
    print('loaded', duckdb.connect('$w/d.duckdb').execute('SELECT count(*) FROM t').fetchone()[0], 'rows')
except Exception as e:
    print('error:', str(e).splitlines()[0][:90])
" >"$w/pout" 2>&1 || true
    read -r ps pkb < <(tail -1 "$w/ptime") || true
    row="$row | $ps | $((pkb / 1024)) | $(head -1 "$w/pout" | sed 's/|/\\|/g') |"
  else
    row="$row | – | – | no XML reader |"
  fi
  echo "$row"
  rm -rf "$w"
done
