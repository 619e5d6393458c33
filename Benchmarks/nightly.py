"""The whole nightly job as a cron user runs it, beside DuckDB's cold load + metric suite on the
same files, measured in the same run (issue 18). Benchmarks/nightly.sh calls it.

  nightly.py DATADIR WORKDIR

DATADIR holds tickets.csv (generic CSV), chats.ndjson, help_center_articles.json and kb/ from
`ticketlens sample`. Measures, with wall time and peak RSS:
  cold    `ticketlens run` from an empty warehouse to the written report
  rerun   the same run again, nothing new
  delta   the 1M warehouse plus a file of 10k new and 10k updated tickets
  duckdb  duckdb_suite.py cold: load tickets.csv + chats.ndjson, the 10-table suite, CSVs
and prints a Markdown table plus each run's stage log lines.
"""
import csv
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys

data, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
# `--text-model sentence` runs the gap finder with the sentence model (its vectors kept between
# runs beside the warehouse), to measure that option's nightly cost.
text_model = sys.argv[sys.argv.index("--text-model") + 1] if "--text-model" in sys.argv else None
tl = os.path.abspath(".build/release/ticketlens")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work + "/delta")


def timed(cmd, cwd=None):
    os.sync()
    out = subprocess.run(["/usr/bin/time", "-f", "WALL %e RSS %M"] + cmd, capture_output=True,
                         text=True, cwd=cwd)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stdout}\n{out.stderr}")
    m = re.search(r"WALL ([\d.]+) RSS (\d+)", out.stderr)
    return float(m.group(1)), int(m.group(2)) / 1024, out.stdout + out.stderr


def make_delta(src, dst, n_new=10_000, n_updated=10_000):
    """10k tickets updated (the last ones of the export: solved, an hour later) and 10k new ones
    (copies of the last ones under new ids, a day later), as one generic CSV."""
    with open(src, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        tail = []
        for row in reader:
            if len(row) != len(header):  # the export's deliberately broken records
                continue
            tail.append(row)
            if len(tail) > n_new + n_updated:
                tail.pop(0)
    col = {c: i for i, c in enumerate(header)}

    def later(s, hours):
        try:
            t = datetime.datetime.fromisoformat(s.replace("Z", "+00:00")) + datetime.timedelta(hours=hours)
        except ValueError:  # empty, or one of the export's deliberately malformed instants
            return s
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")

    out = []
    for row in tail[:n_updated]:
        r = list(row)
        r[col["status"]] = "solved"
        r[col["updated_at"]] = later(r[col["updated_at"]], 1)
        if not r[col["solved_at"]]:
            r[col["solved_at"]] = r[col["updated_at"]]
        out.append(r)
    for k, row in enumerate(tail[n_updated:]):
        r = list(row)
        r[col["id"]] = str(900_000_000 + k)
        for c in ("created_at", "updated_at", "first_reply_at", "solved_at", "escalated_at"):
            r[col[c]] = later(r[col[c]], 24)
        out.append(r)
    with open(dst, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(out)


pipeline = f"""name: nightly-bench
warehouse: {work}/w.sqlite
output: {work}/out
sources:
  - name: helpdesk
    format: generic-csv
    paths: [{data}/tickets.csv, {work}/delta/*.csv]
  - name: chat
    paths: {data}/chats.ndjson
  - name: help-center
    paths: [{data}/help_center_articles.json, {data}/kb]
insights:
  category_tag_prefix: contact_reason_
""" + (f"  text_model: {text_model}\n" if text_model else "")
with open(work + "/p.yml", "w") as f:
    f.write(pipeline)

rows = []
make_delta(data + "/tickets.csv", work + "/delta.csv")
cold = timed([tl, "run", work + "/p.yml", "-v"])
rows.append(("Cold: empty warehouse → report", cold))
print(f"cold {cold[0]:.2f} s {cold[1]:.0f} MB", file=sys.stderr, flush=True)
rerun = timed([tl, "run", work + "/p.yml", "-v"])
rows.append(("Rerun, nothing new", rerun))
print(f"rerun {rerun[0]:.2f} s {rerun[1]:.0f} MB", file=sys.stderr, flush=True)
shutil.copy(work + "/delta.csv", work + "/delta/delta.csv")
delta = timed([tl, "run", work + "/p.yml", "-v"])
rows.append(("Delta: 10k new + 10k updated tickets", delta))
print(f"delta {delta[0]:.2f} s {delta[1]:.0f} MB", file=sys.stderr, flush=True)
duck = timed([sys.executable, "Benchmarks/duckdb_suite.py", "cold", data, work + "/bench.duckdb",
              work + "/out-duckdb"])
rows.append(("DuckDB cold: load tickets + chats, 10 tables → CSV", duck))

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"{datetime.date.today()}, {platform.machine()}, {os.cpu_count()} cores, {cpu}")
print()
print("| run | wall s | peak RSS |")
print("|---|---:|---:|")
for name, (wall, rss, _) in rows:
    print(f"| {name} | {wall:.2f} | {rss:.0f} MB |")
print()
print(f"Cold / DuckDB cold: {cold[0] / duck[0]:.1f}×")
for name, (_, _, log) in rows[:3]:
    print()
    print(f"{name}:")
    for line in log.splitlines():
        m = re.search(r"\] (normalize:.*|quality:.*|columns:.*|metrics:.*|trends:.*|insights:.*|reports:.*|ingest .*read.*)", line)
        if m:
            print("  " + m.group(1))
