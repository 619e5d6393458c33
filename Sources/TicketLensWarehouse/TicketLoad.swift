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
  let upsert: Statement
  let upsertWithoutVendor: Statement
  let lookup: Statement
  let setLoad: Statement
  let rejects: RejectWriter
  /// Hashes of the ids seen in this file; a hit is checked exactly against the table.
  var seen = Set<Int>()
  /// True when the warehouse held no ticket of this source when the load began: then every
  /// conflict is with a version from this same file, and no id bookkeeping is needed.
  var freshSource = false
  var open = true
  /// Whether this load switched the journal to rollback mode (see `init`).
  var bulk = false

  init(
    warehouse: Warehouse, runID: Int64, file: String, source: String, format: String, bytes: Int
  ) throws(WarehouseError) {
    connection = warehouse.connection
    accounting = FileAccounting(file: file)
    self.runID = runID
    self.source = source
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
      upsert = try connection.prepare(TicketRow.upsertSQL)
      upsertWithoutVendor = try connection.prepare(TicketRow.upsertWithoutVendorSQL)
      lookup = try connection.prepare(
        "SELECT load_id, previous_load_id FROM tickets WHERE source = ? AND id = ?")
      setLoad = try connection.prepare(
        """
        UPDATE run_files SET read = ?, inserted = ?, updated = ?, unchanged = ?, superseded = ?,
          rejected = ?, failed = ? WHERE id = ?
        """)
      rejects = try RejectWriter(connection: connection, runID: runID)
      let any = try connection.prepare("SELECT EXISTS (SELECT 1 FROM tickets WHERE source = ?)")
      any.bind(1, source)
      freshSource = try any.step() && any.int64(0) == 0
      if !freshSource { seen.reserveCapacity(bytes / 256) }
    } catch {
      try? connection.execute("ROLLBACK")
      throw error
    }
  }

  /// Loads tickets (in file order) and records rejects. `read` is the number of records the
  /// batch covers (tickets + rejected).
  public func add(tickets: [Ticket], issues: [IngestIssue], read: Int) throws(WarehouseError) {
    try add(rows: EncodedTicketRows(tickets), issues: issues, read: read)
  }

  /// Loads encoded rows (in file order) and records rejects.
  public func add(rows: EncodedTicketRows, issues: [IngestIssue], read: Int) throws(WarehouseError)
  {
    accounting.read += read
    let statement = rows.hasExtras ? upsert : upsertWithoutVendor
    let st = statement.handle
    let texts = TicketRow.textParameters
    let textCount = rows.hasExtras ? texts.count : texts.count - 1
    let intParams = TicketRow.intParameters
    let realParams = TicketRow.realParameters
    try rows.arena.withUnsafeBufferPointer { (arenaBuffer) throws(WarehouseError) in
      // The arena outlives every step below, so text binds point into it (SQLITE_STATIC).
      let arena = UnsafeRawPointer(arenaBuffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
        .assumingMemoryBound(to: CChar.self)
      for r in 0..<rows.count {
        var k = r * 2 * EncodedTicketRows.textColumns
        for p in texts.prefix(textCount) {
          let length = rows.text[k + 1]
          if length < 0 {
            sqlite3_bind_null(st, p)
          } else {
            sqlite3_bind_text(st, p, arena + Int(rows.text[k]), length, nil)
          }
          k += 2
        }
        k = r * EncodedTicketRows.intColumns
        for p in intParams {
          let v = rows.ints[k]
          if v == Int64.min { sqlite3_bind_null(st, p) } else { sqlite3_bind_int64(st, p, v) }
          k += 1
        }
        if rows.hasExtras {
          k = r * EncodedTicketRows.realColumns
          for (n, p) in realParams.enumerated() {
            let v = rows.reals[k + n]
            if v.isNaN { sqlite3_bind_null(st, p) } else { sqlite3_bind_double(st, p, v) }
          }
        }
        sqlite3_bind_int64(st, TicketRow.loadParameter, loadID)
        let seenBefore = freshSource || !seen.insert(rows.idHashes[r]).inserted
        // The rowid sentinel tells an insert (which sets a real rowid) from an update.
        sqlite3_set_last_insert_rowid(connection.db, -1)
        try statement.run()
        if connection.changes == 0 {
          // The stored version was kept: superseded if it came from this same file.
          let sameFile = try fromThisFile(seenBefore, rows, r, \.load)
          if sameFile { accounting.superseded += 1 } else { accounting.unchanged += 1 }
        } else if connection.lastInsertRowID != -1 {
          accounting.inserted += 1
        } else {
          // Replaced a stored version: superseded if that version came from this same file.
          let sameFile = try fromThisFile(seenBefore, rows, r, \.previous)
          if sameFile { accounting.superseded += 1 } else { accounting.updated += 1 }
        }
      }
    }
    for issue in issues where issue.severity != .warning {
      accounting.rejected += 1
      try rejects.write(issue)
    }
  }

  /// Whether the version a conflict met (`which`: the kept one, or the one just replaced) was
  /// written by this load.
  private func fromThisFile(
    _ seenBefore: Bool, _ rows: EncodedTicketRows, _ r: Int,
    _ which: KeyPath<(load: Int64?, previous: Int64?), Int64?>
  ) throws(WarehouseError) -> Bool {
    if freshSource { return true }
    guard seenBefore else { return false }
    return try storedLoads(rows, r)[keyPath: which] == loadID
  }

  /// The loads that wrote the stored version of a ticket of this source and the one before.
  private func storedLoads(_ rows: EncodedTicketRows, _ r: Int) throws(WarehouseError) -> (
    load: Int64?, previous: Int64?
  ) {
    defer { lookup.reset() }
    let k = r * 2 * EncodedTicketRows.textColumns + 2  // the id column
    let id = rows.arena[Int(rows.text[k])..<Int(rows.text[k] + rows.text[k + 1])]
    lookup.bind(1, source)
    lookup.bind(2, String(decoding: id, as: UTF8.self))
    guard try lookup.step() else { return (nil, nil) }
    return (lookup.int64(0), lookup.optionalInt64(1))
  }

  /// Loads chats, articles, search terms or vendor ticket metrics (in file order) with the same
  /// newer-wins rule and accounting as tickets, and records rejects.
  /// - Parameters:
  ///   - chatMessages: what is stored of each chat's messages, when prepared already (then the
  ///     chats' `messages` may be empty).
  public func add(
    chats: [Chat] = [], chatMessages: [OtherRows.Messages]? = nil, articles: [Article] = [],
    searchTerms: [SearchTerm] = [], ticketMetrics: [TicketMetrics] = [], issues: [IngestIssue],
    read: Int
  ) throws(WarehouseError) {
    accounting.read += read
    for (k, c) in chats.enumerated() {
      let messages = chatMessages?[k] ?? OtherRows.Messages(c)
      try upsertOther(.chats, key: [c.id]) { OtherRows.bind(c, $0, messages: messages) }
    }
    for a in articles {
      try upsertOther(.articles, key: [a.id]) { OtherRows.bind(a, $0) }
    }
    for t in searchTerms {
      try upsertOther(.searchTerms, key: [t.query, t.date?.iso8601 ?? ""]) { OtherRows.bind(t, $0) }
    }
    for m in ticketMetrics {
      try upsertOther(.ticketMetrics, key: [m.ticketID]) { OtherRows.bind(m, $0) }
    }
    for issue in issues where issue.severity != .warning {
      accounting.rejected += 1
      try rejects.write(issue)
    }
  }

  /// Prepared statements per other table, and the per-table id bookkeeping.
  private var otherStatements: [String: (upsert: Statement, lookup: Statement)] = [:]
  /// Per table: key hashes seen in this file, and whether the table held no row of this source
  /// when the file began (then every conflict is with this file, as for tickets).
  private var otherSeen: [String: Set<Int>] = [:]
  private var otherFresh: [String: Bool] = [:]

  /// `key` is only evaluated when the table held rows of this source before the file.
  private func upsertOther(
    _ spec: TableSpec, key: @autoclosure () -> [String], bind: (Statement) -> Void
  )
    throws(WarehouseError)
  {
    let statements: (upsert: Statement, lookup: Statement)
    if let s = otherStatements[spec.table] {
      statements = s
    } else {
      statements = (try connection.prepare(spec.upsertSQL), try connection.prepare(spec.lookupSQL))
      otherStatements[spec.table] = statements
    }
    if otherFresh[spec.table] == nil {
      let any = try connection.prepare(
        "SELECT EXISTS (SELECT 1 FROM \(spec.table) WHERE source = ?)")
      any.bind(1, source)
      otherFresh[spec.table] = try any.step() && any.int64(0) == 0
    }
    let fresh = otherFresh[spec.table]!
    let seenBefore = fresh || !otherSeen[spec.table, default: []].insert(key().hashValue).inserted
    let st = statements.upsert
    bind(st)
    st.bind(Int32(spec.columns.count + 1), loadID)
    sqlite3_set_last_insert_rowid(connection.db, -1)
    try st.run()
    func loads() throws(WarehouseError) -> (load: Int64?, previous: Int64?) {
      let l = statements.lookup
      defer { l.reset() }
      l.bind(1, source)
      for (k, v) in key().enumerated() { l.bind(Int32(k + 2), v) }
      guard try l.step() else { return (nil, nil) }
      return (l.int64(0), l.optionalInt64(1))
    }
    if connection.changes == 0 {
      var same = fresh
      if !same && seenBefore { same = try loads().load == loadID }
      if same { accounting.superseded += 1 } else { accounting.unchanged += 1 }
    } else if connection.lastInsertRowID != -1 {
      accounting.inserted += 1
    } else {
      var same = fresh
      if !same && seenBefore { same = try loads().previous == loadID }
      if same { accounting.superseded += 1 } else { accounting.updated += 1 }
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
