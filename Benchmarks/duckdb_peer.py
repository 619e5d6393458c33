"""DuckDB, measured beside TicketLens on the same file (Benchmarks/run.sh calls this).

usage: duckdb_peer.py count|load|json FILE THREADS [DATABASE]
  count  parse the CSV and count its records (the CSV reader alone)
  load   CREATE TABLE … AS SELECT * FROM read_csv(…) into a new database file, then CHECKPOINT
  json   read an NDJSON file into an in-memory table (every field parsed): read_json
Prints: seconds records
The dialect is given explicitly (DuckDB's sniffer refuses the few ragged rows the sample
generator writes on purpose); ignore_errors skips those rows, as TicketLens rejects them.
"""
import os
import sys
import time

import duckdb

mode, path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
database = sys.argv[4] if len(sys.argv) > 4 else ":memory:"
if database != ":memory:":
    for suffix in ("", ".wal"):
        if os.path.exists(database + suffix):
            os.remove(database + suffix)

source = (
    f"read_csv('{path}', header = true, delim = ',', quote = '\"', escape = '\"', "
    "ignore_errors = true, strict_mode = false)"
)
con = duckdb.connect(database)
con.execute(f"SET threads = {threads}")
start = time.perf_counter()
if mode == "json":
    con.execute(
        f"CREATE TABLE records AS SELECT * FROM read_json('{path}', format = 'newline_delimited')"
    )
    records = con.execute("SELECT count(*) FROM records").fetchone()[0]
elif mode == "count":
    records = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
else:
    con.execute(f"CREATE TABLE tickets AS SELECT * FROM {source}")
    con.execute("CHECKPOINT")
    records = con.execute("SELECT count(*) FROM tickets").fetchone()[0]
print(f"{time.perf_counter() - start:.3f} {records}")
