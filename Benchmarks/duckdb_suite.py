"""DuckDB side of the metric-suite benchmark (Benchmarks/run.sh calls it through bench.py).

usage: duckdb_suite.py cold DATADIR DATABASE OUTDIR   (load tickets.csv and chats.ndjson, then the suite)
       duckdb_suite.py warm DATABASE OUTDIR           (the suite on the existing database)
Prints: seconds. Writes one CSV per table, named like TicketLens's.
The SQL states the same definitions TicketLens uses (README, "Metrics"), in UTC.
"""
import os
import sys
import time

import duckdb

SUITE = {
    "tickets_created_per_day_channel": """
        SELECT strftime(created_at, '%Y-%m-%d') AS day, coalesce(channel, 'none') AS channel,
               count(*) AS count
        FROM tickets GROUP BY ALL ORDER BY ALL""",
    "first_reply_per_assignee": """
        SELECT coalesce(CAST(assignee_id AS VARCHAR), 'none') AS assignee, count(*) AS count,
               quantile_cont(epoch(first_reply_at) - epoch(created_at), 0.5) / 60 AS median_minutes,
               quantile_cont(epoch(first_reply_at) - epoch(created_at), 0.9) / 60 AS p90_minutes
        FROM tickets WHERE first_reply_at >= created_at GROUP BY 1 ORDER BY 1""",
    "full_resolution_per_priority": """
        SELECT coalesce(priority, 'none') AS priority, count(*) AS count,
               quantile_cont(epoch(solved_at) - epoch(created_at), 0.5) / 60 AS median_minutes
        FROM tickets WHERE solved_at >= created_at GROUP BY 1 ORDER BY 1""",
    "sla_first_reply_per_priority": """
        WITH a AS (SELECT max(coalesce(updated_at, created_at)) AS as_of FROM tickets),
        t AS (SELECT priority, created_at, first_reply_at,
                     CASE priority WHEN 'urgent' THEN 60 WHEN 'high' THEN 240
                                   WHEN 'normal' THEN 480 WHEN 'low' THEN 1440 END AS target
              FROM tickets),
        e AS (SELECT priority,
                     CASE WHEN first_reply_at >= created_at
                          THEN (epoch(first_reply_at) - epoch(created_at)) / 60 > target
                          ELSE true END AS breached
              FROM t, a
              WHERE target IS NOT NULL AND (first_reply_at >= created_at
                    OR (epoch(as_of) - epoch(created_at)) / 60 > target))
        SELECT priority, count(*) AS eligible, sum(breached::INT) AS breached,
               sum(breached::INT) / count(*) AS breach_rate
        FROM e GROUP BY 1 ORDER BY 1""",
    "csat_per_assignee_month": """
        SELECT strftime(created_at, '%Y-%m') AS month,
               coalesce(CAST(assignee_id AS VARCHAR), 'none') AS assignee, count(*) AS rated,
               sum((satisfaction = 'good')::INT) AS good,
               sum((satisfaction = 'good')::INT) / count(*) AS csat
        FROM tickets WHERE satisfaction IN ('good', 'bad') GROUP BY 1, 2 ORDER BY 1, 2""",
    "backlog_per_day": """
        WITH a AS (SELECT max(coalesce(updated_at, created_at)) AS as_of,
                          min(created_at) AS first FROM tickets),
        days AS (SELECT CAST(unnest(generate_series(CAST(first AS DATE), CAST(as_of AS DATE),
                                                    INTERVAL 1 DAY)) AS DATE) AS d FROM a),
        c AS (SELECT CAST(created_at AS DATE) AS d, count(*) AS n FROM tickets GROUP BY 1),
        s AS (SELECT CAST(solved_at AS DATE) AS d, count(*) AS n FROM tickets
              WHERE solved_at IS NOT NULL GROUP BY 1)
        SELECT strftime(days.d, '%Y-%m-%d') AS day,
               sum(coalesce(c.n, 0)) OVER w - sum(coalesce(s.n, 0)) OVER w AS count
        FROM days LEFT JOIN c ON c.d = days.d LEFT JOIN s ON s.d = days.d
        WINDOW w AS (ORDER BY days.d) ORDER BY 1""",
    "reopen_rate_per_group": """
        SELECT coalesce(group_id, 'none') AS "group", count(*) AS tickets,
               sum((reopens >= 1)::INT) AS reopened, sum((reopens >= 1)::INT) / count(*) AS reopen_rate
        FROM tickets WHERE reopens IS NOT NULL GROUP BY 1 ORDER BY 1""",
    "chats_per_day": """
        SELECT strftime(started_at, '%Y-%m-%d') AS day, count(*) AS count
        FROM chats WHERE type <> 'offline_msg' GROUP BY 1 ORDER BY 1""",
    "missed_rate_per_day": """
        SELECT strftime(started_at, '%Y-%m-%d') AS day, count(*) AS chats,
               sum(missed::INT) AS missed, sum(missed::INT) / count(*) AS missed_rate
        FROM chats WHERE type <> 'offline_msg' AND missed IS NOT NULL GROUP BY 1 ORDER BY 1""",
    "chat_wait_median_per_day": """
        SELECT strftime(started_at, '%Y-%m-%d') AS day, count(*) AS count,
               quantile_cont(epoch(first_agent_message_at) - epoch(started_at), 0.5) / 60 AS median_minutes
        FROM chats WHERE type <> 'offline_msg' AND first_agent_message_at >= started_at
        GROUP BY 1 ORDER BY 1""",
}


def suite(con, out):
    os.makedirs(out, exist_ok=True)
    for name, sql in SUITE.items():
        con.execute(f"COPY ({sql}) TO '{out}/{name}.csv' (HEADER, DELIMITER ',')")


mode = sys.argv[1]
start = time.perf_counter()
if mode == "cold":
    data, db, out = sys.argv[2:5]
    for suffix in ("", ".wal"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    con = duckdb.connect(db)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        f"CREATE TABLE tickets AS SELECT * FROM read_csv('{data}/tickets.csv', header = true, "
        "timestampformat = '%Y-%m-%dT%H:%M:%SZ')")
    con.execute(
        f"CREATE TABLE chats AS SELECT * FROM read_json('{data}/chats.ndjson', "
        "format = 'newline_delimited', timestampformat = '%Y-%m-%dT%H:%M:%SZ')")
    con.execute("CHECKPOINT")
else:
    db, out = sys.argv[2:4]
    con = duckdb.connect(db)
    con.execute("SET TimeZone = 'UTC'")
suite(con, out)
print(f"{time.perf_counter() - start:.3f}")
