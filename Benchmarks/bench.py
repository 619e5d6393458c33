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
suite_dir = sys.argv[4] if len(sys.argv) > 4 else None
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
    # Let the kernel write back what the previous measurements left dirty (a cold load leaves
    # gigabytes), so that its writeback threads do not share the two cores with this one.
    os.sync()
    for _ in range(runs):
        out, peak = timed(cmd)
        values.append(parse(out))
        rss.append(peak)
    return statistics.median(values), max(rss), out


def paired(a, parse_a, b, parse_b, n=None):
    """Runs a and b alternately, n times each (default RUNS), so that both meet the same state of
    a machine whose speed drifts (this VM's did by a third within minutes). Returns the medians of
    a and of b, the median of the per-pair ratios a/b, the peak RSS of each, and a's last output."""
    n = n or runs
    ta, tb, ratios, ra, rb = [], [], [], [], []
    os.sync()
    for _ in range(n):
        out_a, peak_a = timed(a)
        os.sync()
        out_b, peak_b = timed(b)
        os.sync()
        ta.append(parse_a(out_a))
        tb.append(parse_b(out_b))
        ratios.append(ta[-1] / tb[-1])
        ra.append(peak_a)
        rb.append(peak_b)
    return (statistics.median(ta), statistics.median(tb), statistics.median(ratios), max(ra), max(rb),
            out_a)


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


if suite_dir:
    # Issue 4: raw exports -> persistent store -> the metric suite -> one CSV per table (cold),
    # and the suite again from the existing store (warm), for both tools.
    wh, ddb = f"{suite_dir}/bench.sqlite", f"{suite_dir}/bench.duckdb"
    out_tl, out_dk = f"{suite_dir}/out-ticketlens", f"{suite_dir}/out-duckdb"
    size = (os.path.getsize(f"{suite_dir}/tickets.csv") + os.path.getsize(f"{suite_dir}/chats.ndjson")) / 1e6

    def field(out, name):
        return float(re.search(name + r"=([\d.]+)", out).group(1))

    # Each tool's run alternates with the other's, and the ratio is the median of the pairs'.
    peer_time = lambda o: float(o.split()[0])
    cold_tl, cold_dk, cold_ratio, cold_tl_rss, cold_dk_rss, last_cold = paired(
        [bench, "cold", suite_dir, wh, out_tl], ours_seconds,
        [sys.executable, "Benchmarks/duckdb_suite.py", "cold", suite_dir, ddb, out_dk], peer_time)
    warm_tl, warm_dk, warm_ratio, warm_tl_rss, warm_dk_rss, last_warm = paired(
        [bench, "suite", wh, out_tl], ours_seconds,
        [sys.executable, "Benchmarks/duckdb_suite.py", "warm", ddb, out_dk], peer_time, n=max(runs, 7))
    # The same cold run with the tickets in random id order, as an export sorted by update time
    # has them (the generator writes them in id order, which is kind to SQLite's key index).
    shuffled = f"{suite_dir}/shuffled"
    if not os.path.exists(f"{shuffled}/tickets.csv"):
        os.makedirs(shuffled, exist_ok=True)
        import csv as csvmodule
        import random
        csvmodule.field_size_limit(1 << 30)
        with open(f"{suite_dir}/tickets.csv", newline="") as f:
            reader = csvmodule.reader(f)
            header, records = next(reader), list(reader)
        random.Random(3).shuffle(records)
        with open(f"{shuffled}/tickets.csv.part", "w", newline="") as f:
            writer = csvmodule.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(records)
        os.replace(f"{shuffled}/tickets.csv.part", f"{shuffled}/tickets.csv")
        del records
        if not os.path.lexists(f"{shuffled}/chats.ndjson"):
            os.symlink(os.path.abspath(f"{suite_dir}/chats.ndjson"), f"{shuffled}/chats.ndjson")
    shuf_tl, shuf_dk, shuf_ratio, shuf_tl_rss, shuf_dk_rss, _ = paired(
        [bench, "cold", shuffled, f"{shuffled}/bench.sqlite", f"{shuffled}/out-ticketlens"], ours_seconds,
        [sys.executable, "Benchmarks/duckdb_suite.py", "cold", shuffled, f"{shuffled}/bench.duckdb",
         f"{shuffled}/out-duckdb"], peer_time)
    shuf_agree = subprocess.run([sys.executable, "Benchmarks/compare_csv.py", f"{shuffled}/out-ticketlens",
                                 f"{shuffled}/out-duckdb"], capture_output=True, text=True)
    # A tenth of a second each: more pairs than RUNS.
    one, two, speedup, _, _, _ = paired(
        [bench, "suite", wh, out_tl, "1"], lambda o: field(o, "metrics"),
        [bench, "suite", wh, out_tl, "2"], lambda o: field(o, "metrics"), n=max(runs, 9))
    agree = subprocess.run([sys.executable, "Benchmarks/compare_csv.py", out_tl, out_dk], capture_output=True, text=True)
    print()
    print(f"Metric suite on 1M tickets + 500k chats ({size:.0f} MB of CSV and NDJSON): the two tools' runs "
          f"alternate; medians of {runs} pairs (warm: {max(runs, 7)}), the ratio the median of the pairs' ratios")
    print()
    print("| Run | TicketLens s | DuckDB s | TicketLens / DuckDB | Peak RSS TicketLens / DuckDB |")
    print("|---|---:|---:|---:|---:|")
    print(f"| Cold: exports → store → 10 metric tables → CSV | {cold_tl:.3f} | {cold_dk:.3f} | {cold_ratio:.2f}× | {cold_tl_rss:.0f} / {cold_dk_rss:.0f} MB |")
    print(f"| Warm: store → 10 metric tables → CSV | {warm_tl:.3f} | {warm_dk:.3f} | {warm_ratio:.2f}× | {warm_tl_rss:.0f} / {warm_dk_rss:.0f} MB |")
    print(f"| Cold, the tickets in random id order | {shuf_tl:.3f} | {shuf_dk:.3f} | {shuf_ratio:.2f}× | {shuf_tl_rss:.0f} / {shuf_dk_rss:.0f} MB |")
    print()
    print(f"Metric stage alone ({max(runs, 9)} alternating pairs): {one:.3f} s on 1 thread, {two:.3f} s on 2 threads "
          f"({speedup:.2f}× faster, median of the pairs). "
          f"Cold phases (last run): {last_cold.strip()}. Warm phases (last run): {last_warm.strip()}. "
          f"CSV check against DuckDB (counts exact, reals within 0.01): {agree.stdout.strip().splitlines()[-1]}"
          f" (random id order: {shuf_agree.stdout.strip().splitlines()[-1]})")
