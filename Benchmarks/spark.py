"""The embedded metric engine beside Spark on the same data, measured in the same run (issue 21).
Benchmarks/spark.sh calls it.

  spark.py DATADIR WORKDIR

DATADIR holds tickets.csv (generic CSV) and chats.ndjson from `ticketlens-bench suite-data`.
Loads them into a warehouse once (`ticketlens run`, metrics tables of the DuckDB suite), then:
  embedded   `ticketlens-bench suite`: load the columns, the 10 tables, write the CSVs
  facts      `ticketlens facts`: write the per-record facts (cold), and again with nothing new
  spark      spark-submit of `ticketlens spark-sql`'s script: local[1], local[2], and a
             standalone master with 1 and with 2 one-core executors
  check      `ticketlens run --engine spark` writes the same 10 CSVs as the embedded engine
prints a Markdown table with wall seconds and peak RSS (of the process tree for Spark runs).
"""
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
import time

data, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
tl = os.path.abspath(".build/release/ticketlens")
bench = os.path.abspath(".build/release/ticketlens-bench")
# SPARK_BENCH_REUSE=1 keeps a warehouse loaded by an earlier run of this script (the load row
# is then left out).
reuse = os.environ.get("SPARK_BENCH_REUSE") == "1" and os.path.exists(f"{work}/w.sqlite")
if not reuse:
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
else:
    shutil.rmtree(f"{work}/facts", ignore_errors=True)
    shutil.rmtree(f"{work}/facts-csv", ignore_errors=True)

TABLES = """report:
  metrics:
    - {metric: tickets_created, by: [channel], grain: day}
    - {metric: first_reply_time, by: [assignee], stats: [count, median, p90]}
    - {metric: full_resolution_time, by: [priority], stats: [count, median]}
    - {metric: sla_first_reply, by: [priority]}
    - {metric: csat, by: [assignee], grain: month}
    - {metric: backlog, grain: day}
    - {metric: reopen_rate, by: [group]}
    - {metric: chats, grain: day}
    - {metric: missed_chat_rate, grain: day}
    - {metric: chat_wait_time, grain: day, stats: [count, median]}
"""


def pipeline(name, master=None, conf=None, fmt="parquet"):
    spark = ""
    if master:
        facts = f"{work}/facts" + ("" if fmt == "parquet" else "-" + fmt)
        spark = f"spark:\n  master: {master}\n  format: {fmt}\n  facts: {facts}\n  conf:\n"
        for k, v in (conf or {}).items():
            spark += f"    {k}: \"{v}\"\n"
    text = f"""name: spark-bench
warehouse: {work}/w.sqlite
output: {work}/{name}
sources:
  - name: helpdesk
    format: generic-csv
    paths: {data}/tickets.csv
  - name: chat
    paths: {data}/chats.ndjson
sla:
  first_reply: {{urgent: 60, high: 240, normal: 480, low: 1440}}
insights: {{gaps: false, classify: false}}
{TABLES}{spark}"""
    path = f"{work}/{name}.yml"
    with open(path, "w") as f:
        f.write(text)
    return path


def timed(cmd):
    """Wall seconds, peak RSS (MB) of the command and its children, output."""
    os.sync()
    out = subprocess.run(["/usr/bin/time", "-f", "WALL %e RSS %M"] + cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    m = re.search(r"WALL ([\d.]+) RSS (\d+)", out.stderr)
    return float(m.group(1)), int(m.group(2)) / 1024, out.stdout + out.stderr


def tree_rss(cmd):
    """Wall seconds and the peak summed RSS (MB) of a process tree (spark-submit starts a JVM)."""
    os.sync()
    start = time.time()
    log = open(f"{work}/spark-run.log", "w+")  # a file, not a pipe: Spark's log would fill a pipe
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    peak = 0
    while p.poll() is None:
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[3]) != p.pid and int(pid) != p.pid and os.getsid(int(pid)) != p.pid:
                    continue
                with open(f"/proc/{pid}/status") as f:
                    total += next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))
            except (OSError, StopIteration, ValueError):
                pass
        peak = max(peak, total)
        time.sleep(0.2)
    log.seek(0)
    out = log.read()
    log.close()
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out[-4000:]}")
    return time.time() - start, peak / 1024, out


rows = []
embedded_yml = pipeline("embedded")
if not reuse:
    load = timed([tl, "run", embedded_yml, "-q"])
    rows.append(("load: `ticketlens run` (ingest, sentiment, 10 tables, report)", load))
    print(f"load {load[0]:.1f} s", file=sys.stderr, flush=True)
else:
    subprocess.run([tl, "run", embedded_yml, "-q", "--only", "metrics"], check=True)
emb = timed([bench, "suite", f"{work}/w.sqlite", f"{work}/suite-out"])
rows.append(("embedded: columns + 10 tables + CSVs (`ticketlens-bench suite`)", emb))
print(f"embedded {emb[0]:.2f} s", file=sys.stderr, flush=True)
spark_yml = pipeline("spark", master="local[2]", conf={"spark.driver.memory": "8g",
                                                      "spark.ui.enabled": "false"})
facts_cold = timed([tl, "facts", spark_yml, "-q"])
rows.append(("facts as Parquet, cold (`ticketlens facts`; sources unchanged, no ingest)", facts_cold))
facts_warm = timed([tl, "facts", spark_yml, "-q"])
rows.append(("facts, nothing changed", facts_warm))
csv_yml = pipeline("spark-csv", master="local[2]", conf={"spark.driver.memory": "8g",
                                                        "spark.ui.enabled": "false"}, fmt="csv")
facts_csv = timed([tl, "facts", csv_yml, "-q"])
rows.append(("facts as gzip CSV, cold", facts_csv))
print(f"facts {facts_cold[0]:.2f} / {facts_warm[0]:.2f} s, csv {facts_csv[0]:.2f} s", file=sys.stderr, flush=True)
for yml, name in ((spark_yml, "report.sql"), (csv_yml, "report-csv.sql")):
    script = subprocess.run([tl, "spark-sql", yml, "--driver", f"{work}/driver.py"],
                            capture_output=True, text=True, check=True).stdout
    with open(f"{work}/{name}", "w") as f:
        f.write(script)
home = subprocess.run([sys.executable, "-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"],
                      capture_output=True, text=True, check=True).stdout.strip()
submit = shutil.which("spark-submit") or home + "/bin/spark-submit"
common = ["--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=8"]
for k, script, what in ((1, "report.sql", "Parquet"), (2, "report.sql", "Parquet"),
                       (2, "report-csv.sql", "gzip CSV")):
    r = tree_rss([submit, "--master", f"local[{k}]", "--driver-memory", "8g"] + common +
                 [f"{work}/driver.py", f"{work}/{script}", f"{work}/local{k}.json"])
    rows.append((f"Spark local[{k}]: 10 tables from the {what} facts", r))
    print(f"spark local[{k}] {what} {r[0]:.1f} s", file=sys.stderr, flush=True)
master = subprocess.run([".ci/spark-standalone", "start"], capture_output=True, text=True,
                        check=True, env=dict(os.environ, SPARK_WORKER_MEMORY="8g")).stdout.strip()
try:
    for k in (1, 2):
        r = tree_rss([submit, "--master", master, "--driver-memory", "4g",
                      "--conf", "spark.executor.cores=1", "--conf", f"spark.cores.max={k}",
                      "--conf", "spark.executor.memory=3g"] + common +
                     [f"{work}/driver.py", f"{work}/report.sql", f"{work}/standalone{k}.json"])
        rows.append((f"Spark standalone, {k} executor{'s' if k > 1 else ''} × 1 core (RSS: driver only)", r))
        print(f"spark standalone {k} {r[0]:.1f} s", file=sys.stderr, flush=True)
finally:
    subprocess.run([".ci/spark-standalone", "stop"])
check = timed([tl, "run", spark_yml, "--engine", "spark", "--only", "metrics", "--reload"])
rows.append(("`ticketlens run --engine spark --only metrics` (facts + Spark + report)", check))
same = 0
names = [n for n in os.listdir(f"{work}/embedded") if n.startswith("20")]
folder = names[0]
tables = [n for n in os.listdir(f"{work}/embedded/{folder}") if n.endswith(".csv")
          and not n.startswith(("accounting", "rejects", "quality", "names_merged"))]
for n in tables:
    a = open(f"{work}/embedded/{folder}/{n}").read()
    b = open(f"{work}/spark/{folder}/{n}").read()
    same += a == b
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
import json
manifest = json.load(open(f"{work}/facts/_ticketlens_facts.json"))
tickets = sum(p["rows"] for p in manifest["tickets"]["partitions"].values())
chats = sum(p["rows"] for p in manifest["chats"]["partitions"].values())
print(f"{datetime.date.today()}, {platform.machine()}, {os.cpu_count()} cores, {cpu}; "
      f"{tickets:,} tickets, {chats:,} chats, Spark {subprocess.run([submit, '--version'], capture_output=True, text=True).stderr.split('version ')[1].split()[0]}")
print()
print("| step | wall s | peak RSS |")
print("|---|---:|---:|")
for name, (wall, rss, _) in rows:
    print(f"| {name} | {wall:.2f} | {rss:.0f} MB |")
print()
print(f"Report tables identical between the engines: {same} of {len(tables)}")
for line in check[2].splitlines():
    m = re.search(r"\] (facts:.*|spark:.*)", line)
    if m:
        print("  " + m.group(1))
