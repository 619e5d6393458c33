"""Runs each measurement RUNS times and prints the medians as a Markdown table (run.sh calls it)."""
import os
import platform
import re
import statistics
import subprocess
import sys
import datetime

csv, runs = sys.argv[1], int(sys.argv[2])
json_dir = sys.argv[3] if len(sys.argv) > 3 else None
bench = ".build/release/ticketlens-bench"
peer = [sys.executable, "Benchmarks/duckdb_peer.py"]
scratch = "Benchmarks/data"


def timed(cmd):
    """Runs cmd under /usr/bin/time; returns (stdout, peak RSS in MB)."""
    out = subprocess.run(["/usr/bin/time", "-f", "RSS %M"] + cmd, capture_output=True, text=True, check=True)
    rss = int(re.search(r"RSS (\d+)", out.stderr).group(1)) / 1024
    return out.stdout, rss


def median_of(cmd, parse):
    values, rss = [], []
    for _ in range(runs):
        out, peak = timed(cmd)
        values.append(parse(out))
        rss.append(peak)
    return statistics.median(values), max(rss), out


def ours_seconds(out):
    return float(re.search(r"seconds=([\d.]+)", out).group(1))


def peer_seconds(out):
    return float(out.split()[0])


size_mb = os.path.getsize(csv) / 1e6
rows = []
for threads in (1, 2):
    ours, _, _ = median_of([bench, "csv", csv, str(threads)], ours_seconds)
    theirs, _, _ = median_of(peer + ["count", csv, str(threads)], peer_seconds)
    rows.append((f"CSV reader, {threads} thread{'s' if threads > 1 else ''} (parse and count records)", ours, theirs, size_mb))
ours, _, _ = median_of([bench, "map", csv, "2"], ours_seconds)
rows.append(("CSV reader + ticket mapping, 2 threads (typed tickets, no storage)", ours, None, size_mb))
ours, our_rss, last = median_of([bench, "ingest", csv, f"{scratch}/bench.sqlite"], ours_seconds)
theirs, their_rss, _ = median_of(peer + ["load", csv, "2", f"{scratch}/bench.duckdb"], peer_seconds)
rows.append(("Ingest into a persistent store (TicketLens: SQLite warehouse, keyed upsert, accounting; DuckDB: CREATE TABLE AS read_csv + CHECKPOINT)", ours, theirs, size_mb))
breakdown = re.search(r"ingest-breakdown (.*)", last).group(1)
if json_dir:
    for name, label in (("zendesk.ndjson", "Zendesk full-export NDJSON (200k tickets with comments, audits, metrics)"),
                        ("chats.ndjson", "Generic chat NDJSON (500k chats with messages)")):
        path = f"{json_dir}/{name}"
        mb = os.path.getsize(path) / 1e6
        for threads in (1, 2):
            ours, _, _ = median_of([bench, "records", path, str(threads)], ours_seconds)
            theirs, _, _ = median_of(peer + ["json", path, str(threads)], peer_seconds)
            rows.append((f"{label}, {threads} thread{'s' if threads > 1 else ''} (TicketLens: mapped records; DuckDB: read_json into a table)", ours, theirs, mb))
    path = f"{json_dir}/zendesk.xml"
    mb = os.path.getsize(path) / 1e6
    for threads in (1, 2):
        ours, _, _ = median_of([bench, "records", path, str(threads)], ours_seconds)
        rows.append((f"Zendesk XML export (100k tickets with comments), {threads} thread{'s' if threads > 1 else ''} (no DuckDB reader for XML)", ours, None, mb))

cpu = "unknown CPU"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
print(f"Date: {datetime.date.today()}  Machine: {os.cpu_count()} cores, {cpu}, {platform.system()}  "
      f"Input: {csv} ({size_mb:.0f} MB)  Medians of {runs} runs")
print()
print("| Measurement | TicketLens s | MB/s | DuckDB s | MB/s | TicketLens / DuckDB |")
print("|---|---:|---:|---:|---:|---:|")
for name, ours, theirs, mb in rows:
    t = f"{theirs:.3f} | {mb / theirs:.0f} | {ours / theirs:.2f}×" if theirs else "– | – | –"
    print(f"| {name} ({mb:.0f} MB) | {ours:.3f} | {mb / ours:.0f} | {t} |")
print()
print(f"Ingest peak RSS: TicketLens {our_rss:.0f} MB, DuckDB {their_rss:.0f} MB. "
      f"Last TicketLens ingest, seconds by phase: {breakdown}")
