import CSQLite
import TicketLensModel

/// Loads the tickets of one input file inside one transaction, counting what happened to each
/// record: inserted, updated (a newer version of a stored ticket), unchanged (not newer than the
/// stored version), superseded (a duplicate within this file: the older of two versions) or
/// rejected. Call `add` with batches in file order, then `commit` (or `rollback`).
public final class TicketLoad {
  public private(set) var accounting: FileAccounting
  let connection: Connection
  let loadID: Int64
  let runID: Int64
  let source: String
  let setLoad: Statement
  let rejects: RejectWriter
  /// Per table: its statements and id bookkeeping, prepared on first use.
  private var targets: [String: Target] = [:]
  /// The size of the file, for sizing the id bookkeeping.
  let bytes: Int
  var open = true
  /// Whether this load switched the journal to rollback mode (see `init`).
  var bulk = false

  /// One table's statements and the state that tells inserts, updates, unchanged and
  /// superseded records apart.
  final class Target {
    /// The upsert, and the shorter form without the columns bound only with extras (the same
    /// statement for a table without such columns).
    let upsert: Statement
    let plainUpsert: Statement
    /// `load_id, previous_load_id` of the stored row with a key (`?1` source, then the key).
    let lookup: Statement
    /// True when the table held no row of this source when the file began: then every
    /// conflict is with a version from this same file, and no id bookkeeping is needed.
    let fresh: Bool
    /// Hashes of the keys seen in this file; a hit is checked exactly against the table.
    var seen = Set<Int>()
    /// The upserts of `TicketLoad.groupRows` rows at once (full and plain), for a fresh table.
    var group: (full: Statement, plain: Statement)? = nil
    /// Rows written to a fresh table without an outcome each (counted at the commit).
    var uncounted = 0
    let spec: TableSpec

    init(
      spec: TableSpec, upsert: Statement, plainUpsert: Statement, lookup: Statement, fresh: Bool
    ) {
      self.spec = spec
      self.upsert = upsert
      self.plainUpsert = plainUpsert
      self.lookup = lookup
      self.fresh = fresh
    }
  }

  /// Rows per statement when a fresh table is loaded and the rows' ids ascend: one statement per
  /// row costs SQLite the statement's start and end each time (1M ticket-shaped rows: 1.74 s
  /// one per statement, 1.48 s sixteen per statement, `Benchmarks/sqlite_floor.c`). The
  /// writer's time for 1M tickets in id order: 1.75 s one per statement, 1.53–1.57 s 16,
  /// 1.48–1.50 s 32, 1.42–1.45 s 64, 1.59–1.61 s 256. Rows whose ids do not ascend go one per
  /// statement: many-row statements made SQLite's random inserts into the key index much
  /// slower (1M tickets in random order: 2.3–2.6 s one per statement, 3.7 s 64 per statement;
  /// the floor program: 3.1 s against 5.4 s, and 1.65 s for ascending runs of 64 at random
  /// places).
  static let groupRows = 64

  init(
    warehouse: Warehouse, runID: Int64, file: String, source: String, format: String, bytes: Int
  ) throws(WarehouseError) {
    connection = warehouse.connection
    accounting = FileAccounting(file: file)
    self.runID = runID
    self.source = source
    self.bytes = bytes
    // Bulk mode: a large file loads under a rollback journal, which writes new pages once;
    // in WAL mode every page is written to the log and again at the checkpoint, which made a
    // 1M-ticket load 2.5 s slower here (BENCHMARKS.md). Only possible when no other connection
    // is open; otherwise the load simply stays in WAL mode.
    if bytes >= Warehouse.bulkLoadBytes {
      bulk = (try? connection.scalarText("PRAGMA journal_mode = DELETE")) == "delete"
    }
    try connection.execute("BEGIN IMMEDIATE")
    do {
      loadID = try warehouse.insertRunFile(
        runID: runID, source: source, format: format, bytes: bytes, accounting: accounting)
      setLoad = try connection.prepare(
        """
        UPDATE run_files SET read = ?, inserted = ?, updated = ?, unchanged = ?, superseded = ?,
          rejected = ?, failed = ? WHERE id = ?
        """)
      rejects = try RejectWriter(connection: connection, runID: runID)
    } catch {
      try? connection.execute("ROLLBACK")
      throw error
    }
  }

  /// Both upserts of `sql` (the shorter one is the full one for a table without extras).
  private func prepare(_ sql: (full: String, plain: String?)) throws(WarehouseError) -> (
    full: Statement, plain: Statement
  ) {
    let full = try connection.prepare(sql.full)
    return (
      full, try sql.plain.map { s throws(WarehouseError) in try connection.prepare(s) } ?? full
    )
  }

  /// The statements and bookkeeping of `spec`'s table.
  private func target(_ spec: TableSpec) throws(WarehouseError) -> Target {
    if let t = targets[spec.table] { return t }
    let any = try connection.prepare(
      "SELECT EXISTS (SELECT 1 FROM \(spec.table) WHERE source = ?)")
    any.bind(1, source)
    let upserts = try prepare(spec.upserts())
    let t = Target(
      spec: spec, upsert: upserts.full, plainUpsert: upserts.plain,
      lookup: try connection.prepare(spec.lookupSQL), fresh: try any.step() && any.int64(0) == 0)
    if !t.fresh { t.seen.reserveCapacity(bytes / 256) }
    targets[spec.table] = t
    return t
  }

  /// Loads tickets (in file order) and records rejects. `read` is the number of records the
  /// batch covers (tickets + rejected).
  public func add(tickets: [Ticket], issues: [IngestIssue], read: Int) throws(WarehouseError) {
    try add(rows: EncodedRows(tickets), issues: issues, read: read)
  }

  /// Loads encoded ticket or chat rows (in file order) and records rejects.
  public func add(rows: EncodedRows, issues: [IngestIssue], read: Int) throws(WarehouseError) {
    accounting.read += read
    let target = try self.target(rows.table == .tickets ? .tickets : .chats)
    let layout = rows.table.layout
    let statement = rows.hasExtras ? target.upsert : target.plainUpsert
    let texts = layout.texts.prefix(layout.texts.count - (rows.hasExtras ? 0 : layout.extraTexts))
    let reals = rows.hasExtras ? layout.reals : []
    let loadID = loadID
    try rows.arena.withUnsafeBufferPointer { (arenaBuffer) throws(WarehouseError) in
      // The arena outlives every step below, so text binds point into it (SQLITE_STATIC).
      let arena = UnsafeRawPointer(arenaBuffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
        .assumingMemoryBound(to: CChar.self)
      /// Binds row r to `st`, its parameter numbers raised by `shift`.
      func bind(_ st: OpaquePointer, _ r: Int, shift: Int32) {
        var k = r * 2 * rows.textColumns
        for p in texts {
          let length = rows.text[k + 1]
          if length < 0 {
            sqlite3_bind_null(st, p + shift)
          } else {
            sqlite3_bind_text(st, p + shift, arena + Int(rows.text[k]), length, nil)
          }
          k += 2
        }
        k = r * rows.intColumns
        for p in layout.ints {
          let v = rows.ints[k]
          if v == Int64.min {
            sqlite3_bind_null(st, p + shift)
          } else {
            sqlite3_bind_int64(st, p + shift, v)
          }
          k += 1
        }
        k = r * rows.realColumns
        for p in reals {
          let v = rows.reals[k]
          if v.isNaN {
            sqlite3_bind_null(st, p + shift)
          } else {
            sqlite3_bind_double(st, p + shift, v)
          }
          k += 1
        }
        if let (label, score) = rows.sentiment.isEmpty ? nil : rows.sentiment[r] {
          sqlite3_bind_text(st, layout.sentiment + shift, label, -1, SQLITE_TRANSIENT)
          sqlite3_bind_double(st, layout.sentiment + 1 + shift, score)
        } else {
          sqlite3_bind_null(st, layout.sentiment + shift)
          sqlite3_bind_null(st, layout.sentiment + 1 + shift)
        }
        sqlite3_bind_int64(st, layout.load + shift, loadID)
      }
      var r = 0
      if target.fresh {
        // The table held no row of this source: every conflict is with a version from this
        // file, so no row needs its own outcome (they are counted at the commit), and rows go
        // in groups.
        if target.group == nil {
          target.group = try prepare(target.spec.upserts(rows: Self.groupRows))
        }
        let group = rows.hasExtras ? target.group!.full : target.group!.plain
        while r < rows.count {
          let end = min(r + Self.groupRows, rows.count)
          if end - r == Self.groupRows && rows.idsAscending(r..<end) {
            for g in 0..<Self.groupRows {
              bind(group.handle, r + g, shift: Int32(g) * layout.load)
            }
            try group.run()
          } else {
            for one in r..<end {
              bind(statement.handle, one, shift: 0)
              try statement.run()
            }
          }
          r = end
        }
        target.uncounted += rows.count
        return
      }
      for r in 0..<rows.count {
        bind(statement.handle, r, shift: 0)
        try run(statement, target, key: rows.idHashes[r]) { [source] l in
          l.bind(1, source)
          l.bind(2, rows.id(r))
        }
      }
    }
    try reject(issues)
  }

  /// Loads chats, articles, search terms or vendor ticket metrics (in file order) with the same
  /// newer-wins rule and accounting as tickets, and records rejects.
  public func add(
    chats: [Chat] = [], articles: [Article] = [], searchTerms: [SearchTerm] = [],
    ticketMetrics: [TicketMetrics] = [], issues: [IngestIssue], read: Int
  ) throws(WarehouseError) {
    if !chats.isEmpty { try add(rows: EncodedRows(chats), issues: [], read: 0) }
    accounting.read += read
    for a in articles {
      try upsertOther(.articles, key: [a.id]) { OtherRows.bind(a, $0) }
    }
    for t in searchTerms {
      try upsertOther(.searchTerms, key: [t.query, t.date?.iso8601 ?? ""]) { OtherRows.bind(t, $0) }
    }
    for m in ticketMetrics {
      try upsertOther(.ticketMetrics, key: [m.ticketID]) { OtherRows.bind(m, $0) }
    }
    try reject(issues)
  }

  private func reject(_ issues: [IngestIssue]) throws(WarehouseError) {
    for issue in issues where issue.severity != .warning {
      accounting.rejected += 1
      try rejects.write(issue)
    }
  }

  /// `key` is only evaluated when the table held rows of this source before the file.
  private func upsertOther(
    _ spec: TableSpec, key: @autoclosure () -> [String], bind: (Statement) -> Void
  ) throws(WarehouseError) {
    let target = try self.target(spec)
    bind(target.upsert)
    target.upsert.bind(Int32(spec.columns.count + 1), loadID)
    try run(target.upsert, target, key: target.fresh ? 0 : key().hashValue) { l in
      for (k, v) in key().enumerated() { l.bind(Int32(k + 2), v) }
    }
  }

  /// Runs a bound upsert and counts the record: inserted, updated (it replaced a stored
  /// version), unchanged (the stored version was newer) or superseded (the version it met came
  /// from this same file). `bindKey` binds the key after `?1` of the lookup, which is only run
  /// when the table held rows of this source before the file and the key was seen in it.
  private func run(
    _ statement: Statement, _ target: Target, key: Int,
    bindKey: (Statement) -> Void
  ) throws(WarehouseError) {
    let seenBefore = target.fresh || !target.seen.insert(key).inserted
    // The rowid sentinel tells an insert (which sets a real rowid) from an update.
    sqlite3_set_last_insert_rowid(connection.db, -1)
    try statement.run()
    /// Whether the version the conflict met (`which`: the kept one, or the one just replaced)
    /// was written by this load.
    func fromThisFile(_ which: KeyPath<(load: Int64?, previous: Int64?), Int64?>)
      throws(WarehouseError) -> Bool
    {
      if target.fresh { return true }
      guard seenBefore else { return false }
      let l = target.lookup
      defer { l.reset() }
      l.bind(1, source)
      bindKey(l)
      guard try l.step() else { return false }
      return (load: l.int64(0), previous: l.optionalInt64(1))[keyPath: which] == loadID
    }
    if connection.changes == 0 {
      if try fromThisFile(\.load) { accounting.superseded += 1 } else { accounting.unchanged += 1 }
    } else if connection.lastInsertRowID != -1 {
      accounting.inserted += 1
    } else {
      if try fromThisFile(\.previous) {
        accounting.superseded += 1
      } else {
        accounting.updated += 1
      }
    }
  }

  /// Records warnings about the file (unknown columns) in the rejects table without counting
  /// them as rejected records.
  public func note(_ warnings: [IngestIssue]) throws(WarehouseError) {
    for w in warnings { try rejects.write(w) }
  }

  /// Marks the file as failed part-way (its records so far are kept, the rest is counted by the
  /// caller) and records the issue.
  public func fail(_ issue: IngestIssue) throws(WarehouseError) {
    accounting.failed = issue.message
    try rejects.write(issue)
  }

  /// Remembers the file's fingerprint (committed with the file) so that an unchanged file is
  /// skipped next time.
  public func remember(path: String, size: Int64, mtime: Int64, hash: String) throws(WarehouseError)
  {
    let st = try connection.prepare(
      """
      INSERT INTO source_files (source, path, size, mtime_ns, hash, run_id) VALUES (?,?,?,?,?,?)
      ON CONFLICT (source, path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
        hash = excluded.hash, run_id = excluded.run_id
      """)
    st.bind(1, source)
    st.bind(2, path)
    st.bind(3, size)
    st.bind(4, mtime)
    st.bind(5, hash)
    st.bind(6, runID)
    try st.run()
  }

  /// Commits the file's transaction with its accounting.
  public func commit() throws(WarehouseError) -> FileAccounting {
    // Rows loaded into a fresh table: the versions now stored were inserted, the rest were
    // superseded within the file.
    for t in targets.values where t.uncounted > 0 {
      let count = try connection.prepare(
        "SELECT count(*) FROM \(t.spec.table) WHERE source = ?")
      count.bind(1, source)
      _ = try count.step()
      let stored = Int(count.int64(0))
      accounting.inserted += stored
      accounting.superseded += t.uncounted - stored
      t.uncounted = 0
    }
    let a = accounting
    setLoad.bind(1, a.read)
    setLoad.bind(2, a.inserted)
    setLoad.bind(3, a.updated)
    setLoad.bind(4, a.unchanged)
    setLoad.bind(5, a.superseded)
    setLoad.bind(6, a.rejected)
    setLoad.bind(7, a.failed)
    setLoad.bind(8, loadID)
    try setLoad.run()
    try connection.execute("COMMIT")
    restoreWAL()
    open = false
    return a
  }

  /// Abandons the file: nothing of it stays in the warehouse.
  public func rollback() {
    guard open else { return }
    try? connection.execute("ROLLBACK")
    open = false
    restoreWAL()
  }

  private func restoreWAL() {
    if bulk {
      _ = try? connection.scalarText("PRAGMA journal_mode = WAL")
      bulk = false
    }
  }

  deinit { rollback() }
}
