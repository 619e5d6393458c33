/* The SQLite insert floor under the cold goal (BENCHMARKS.md): 1M rows of the shape of our
 * `tickets` rows (source and id keys, 17 texts of realistic length, 8 integers, N NULL reals,
 * a load id), inserted through one prepared statement in one transaction, as the warehouse's
 * writer does, with nothing else in the process: no parsing, no accounting.
 *
 *   gcc -O2 Benchmarks/sqlite_floor.c -lsqlite3 -o /tmp/sqlite_floor
 *   /tmp/sqlite_floor ROWS_PER_STATEMENT UPSERT REALS [random]
 *
 * e.g. `/tmp/sqlite_floor 1 1 15` (our statement), `... 1 1 15 random` (ids in random order).
 * Build it against another SQLite (an amalgamation's sqlite3.c beside it) to compare versions. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void append(char *s, const char *fmt, int i) { sprintf(s + strlen(s), fmt, i); }

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s ROWS_PER_STATEMENT UPSERT REALS [random]\n", argv[0]);
    return 2;
  }
  const int per = atoi(argv[1]), upsert = atoi(argv[2]), reals = atoi(argv[3]);
  const int randomOrder = argc > 4 && strcmp(argv[4], "random") == 0;
  const int n = 1000000, columns = 2 + 17 + 8 + reals + 1;
  sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  const char *path = "/tmp/sqlite_floor.db";
  remove(path);
  sqlite3 *db;
  sqlite3_open(path, &db);
  sqlite3_exec(db, "PRAGMA page_size=16384; PRAGMA cache_size=-16384; PRAGMA journal_mode=DELETE",
               0, 0, 0);
  char *sql = malloc(1 << 20);
  strcpy(sql, "CREATE TABLE t (source TEXT NOT NULL, id TEXT NOT NULL");
  for (int i = 0; i < 17; i++) append(sql, ", t%d TEXT", i);
  for (int i = 0; i < 8; i++) append(sql, ", i%d INTEGER", i);
  for (int i = 0; i < reals; i++) append(sql, ", r%d REAL", i);
  strcat(sql, ", load_id INTEGER, previous_load_id INTEGER, PRIMARY KEY (source, id))");
  sqlite3_exec(db, sql, 0, 0, 0);
  strcpy(sql, "INSERT INTO t (source, id");
  for (int i = 0; i < 17; i++) append(sql, ", t%d", i);
  for (int i = 0; i < 8; i++) append(sql, ", i%d", i);
  for (int i = 0; i < reals; i++) append(sql, ", r%d", i);
  strcat(sql, ", load_id) VALUES ");
  for (int r = 0, p = 1; r < per; r++) {
    strcat(sql, r ? ", (" : "(");
    for (int c = 0; c < columns; c++) append(sql, c ? ", ?%d" : "?%d", p++);
    strcat(sql, ")");
  }
  if (upsert)
    strcat(sql, " ON CONFLICT (source, id) DO UPDATE SET t0 = excluded.t0, i0 = excluded.i0,"
                " previous_load_id = t.load_id"
                " WHERE coalesce(excluded.i1, excluded.i0) > coalesce(t.i1, t.i0)");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, 0) != SQLITE_OK) {
    fprintf(stderr, "%s\n", sqlite3_errmsg(db));
    return 1;
  }
  const char *texts[17] = {
      "Cannot log in after password reset",
      "My account was locked after several attempts and the reset link does not arrive, please "
      "help me as soon as possible because I need to finish the report.",
      "open", "Open", "high", "email", "req-12345", "user@example.com", "Jane Roe", "agent7",
      "Billing", "Acme Corp", "question", "billing login", NULL, NULL, "x"};
  char id[32];
  sqlite3_exec(db, "BEGIN", 0, 0, 0);
  const double t0 = now();
  for (int i = 0; i < n; i += per) {
    int q = 1;
    for (int r = 0; r < per; r++) {
      const long k = randomOrder ? (long)(i + r) * 7919 % n : i + r;
      sprintf(id, "%07ld", k);
      sqlite3_bind_text(st, q++, "bench", 5, SQLITE_STATIC);
      sqlite3_bind_text(st, q++, id, -1, SQLITE_TRANSIENT);
      for (int c = 0; c < 17; c++) {
        if (texts[c]) sqlite3_bind_text(st, q++, texts[c], -1, SQLITE_STATIC);
        else sqlite3_bind_null(st, q++);
      }
      for (int c = 0; c < 8; c++) sqlite3_bind_int64(st, q++, 1700000000000LL + i * 1000LL + c);
      for (int c = 0; c < reals; c++) sqlite3_bind_null(st, q++);
      sqlite3_bind_int64(st, q++, 1);
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
      fprintf(stderr, "%s\n", sqlite3_errmsg(db));
      return 1;
    }
    sqlite3_reset(st);
  }
  const double t1 = now();
  sqlite3_exec(db, "COMMIT", 0, 0, 0);
  printf("sqlite %s rows/statement=%d upsert=%d reals=%d order=%s insert=%.3f s commit=%.3f s\n",
         sqlite3_libversion(), per, upsert, reals, randomOrder ? "random" : "key", t1 - t0,
         now() - t1);
  sqlite3_close(db);
  remove(path);
  return 0;
}
