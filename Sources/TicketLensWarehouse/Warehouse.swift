import CSQLite
import Foundation
import TicketLensModel

/// The TicketLens warehouse: one SQLite file (WAL) with tickets keyed by (source, id), the run
/// history, per-file accounting and rejected records.
///
/// One `Warehouse` is one connection; use it from one thread at a time.
public final class Warehouse {
  public let path: String
  let connection: Connection

  /// Files at least this large load in bulk mode (rollback journal for that one transaction).
  public nonisolated(unsafe) static var bulkLoadBytes = 32 << 20

  /// Whether the warehouse lives in memory (no file beside which to keep caches).
  public var isInMemory: Bool {
    path.isEmpty || path.hasPrefix(":memory:") || path.hasPrefix("file::memory:")
  }

  /// What identifies the running program for the caches kept beside the warehouse: its
  /// executable's size and modification time (a rebuilt or upgraded binary recomputes).
  public static let programKey: String = {
    guard let path = Bundle.main.executablePath,
      let a = try? FileManager.default.attributesOfItem(atPath: path)
    else { return "exe=?" }
    let size = (a[.size] as? NSNumber)?.int64Value ?? 0
    let time = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    return "exe=\(size)@\(time)"
  }()

  /// Opens (creating if needed) the warehouse at `path` and applies pending migrations.
  /// `memoryMapped` (read-only connections only): reads go through a memory map; false reads
  /// through a small page cache instead, for a reader that visits pages all over the file (every
  /// page it touched would otherwise stay resident in the process).
  public init(path: String, readOnly: Bool = false, memoryMapped: Bool = true)
    throws(WarehouseError)
  {
    self.path = path
    connection = try Connection(path: path, readOnly: readOnly)
    if !readOnly {
      let version = try connection.scalarInt("PRAGMA user_version") ?? 0
      if version == 0 { try connection.execute("PRAGMA page_size = 16384") }
      try connection.execute("PRAGMA journal_mode = WAL")
      try connection.execute("PRAGMA synchronous = NORMAL")
      try migrate(from: Int(version))
    }
    if readOnly {
      // A reader cannot migrate: say so instead of failing on a missing column later.
      let version = Int(try connection.scalarInt("PRAGMA user_version") ?? 0)
      if version > 0 && version < Schema.migrations.count {
        throw WarehouseError(
          code: 1,
          message:
            "\(path) has schema version \(version), this TicketLens reads version \(Schema.migrations.count): run `ticketlens run` or `ticketlens ingest` on it once to upgrade it"
        )
      }
      // Reads go through a memory map instead of copying every page into a private cache (the
      // copies, and zeroing their memory, doubled the time of a full column load).
      if memoryMapped {
        try connection.execute("PRAGMA mmap_size = 4294967296")
        try connection.execute("PRAGMA cache_size = -65536")
      }
    } else {
      // 16 MB: a bulk load spills its pages to the file as it goes instead of holding the
      // whole new table until the commit (1 GiB before: a 1M-ticket load peaked at 550 MB
      // instead of 210 MB, and took 2.4–2.8 s instead of 2.2 s).
      try connection.execute("PRAGMA cache_size = -16384")
    }
    try connection.execute("PRAGMA temp_store = MEMORY")
  }

  /// The schema version (number of migrations applied).
  public var schemaVersion: Int {
    get throws(WarehouseError) { Int(try connection.scalarInt("PRAGMA user_version") ?? 0) }
  }

  private func migrate(from version: Int) throws(WarehouseError) {
    guard version < Schema.migrations.count else { return }
    for v in version..<Schema.migrations.count {
      try connection.immediateTransaction { () throws(WarehouseError) in
        try connection.execute(Schema.migrations[v])
        try connection.execute("PRAGMA user_version = \(v + 1)")
      }
    }
  }

  // MARK: - Runs

  /// Records the start of a run; returns its id.
  public func beginRun(command: String, pipeline: String?, startedAt: String) throws(WarehouseError)
    -> Int64
  {
    let st = try connection.prepare(
      "INSERT INTO runs (started_at, status, command, pipeline) VALUES (?, 'running', ?, ?)")
    st.bind(1, startedAt)
    st.bind(2, command)
    st.bind(3, pipeline)
    try st.run()
    return connection.lastInsertRowID
  }

  /// Records the end of a run with its status and totals over its files. After a failed write
  /// (a full disk) the write-ahead log may hold the failed transaction's frames up to the limit;
  /// one retry after truncating it gives the failure its record when a little space is left.
  public func finishRun(
    _ id: Int64, status: String, endedAt: String, files: [FileAccounting], message: String?
  ) throws(WarehouseError) {
    do {
      try updateRun(id, status: status, endedAt: endedAt, files: files, message: message)
    } catch {
      try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
      try updateRun(id, status: status, endedAt: endedAt, files: files, message: message)
    }
  }

  private func updateRun(
    _ id: Int64, status: String, endedAt: String, files: [FileAccounting], message: String?
  ) throws(WarehouseError) {
    let st = try connection.prepare(
      """
      UPDATE runs SET ended_at = ?, status = ?, files = ?, read = ?, inserted = ?, updated = ?,
        unchanged = ?, superseded = ?, rejected = ?, message = ? WHERE id = ?
      """)
    st.bind(1, endedAt)
    st.bind(2, status)
    st.bind(3, files.count)
    st.bind(4, files.reduce(0) { $0 + $1.read })
    st.bind(5, files.reduce(0) { $0 + $1.inserted })
    st.bind(6, files.reduce(0) { $0 + $1.updated })
    st.bind(7, files.reduce(0) { $0 + $1.unchanged })
    st.bind(8, files.reduce(0) { $0 + $1.superseded })
    st.bind(9, files.reduce(0) { $0 + $1.rejected })
    st.bind(10, message)
    st.bind(11, id)
    try st.run()
  }

  /// Records a file that failed before any record could be loaded (its own short transaction).
  public func recordFailedFile(
    runID: Int64, source: String, format: String, accounting: FileAccounting, bytes: Int,
    issue: IngestIssue
  ) throws(WarehouseError) {
    try connection.immediateTransaction { () throws(WarehouseError) in
      try insertRunFile(
        runID: runID, source: source, format: format, bytes: bytes, accounting: accounting)
      let rejects = try RejectWriter(connection: connection, runID: runID)
      try rejects.write(issue)
    }
  }

  @discardableResult
  func insertRunFile(
    runID: Int64, source: String, format: String, bytes: Int, accounting a: FileAccounting
  ) throws(WarehouseError) -> Int64 {
    let st = try connection.prepare(
      """
      INSERT INTO run_files (run_id, source, file, format, bytes, read, inserted, updated,
        unchanged, superseded, rejected, failed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
      """)
    st.bind(1, runID)
    st.bind(2, source)
    st.bind(3, a.file)
    st.bind(4, format)
    st.bind(5, bytes)
    st.bind(6, a.read)
    st.bind(7, a.inserted)
    st.bind(8, a.updated)
    st.bind(9, a.unchanged)
    st.bind(10, a.superseded)
    st.bind(11, a.rejected)
    st.bind(12, a.failed)
    try st.run()
    return connection.lastInsertRowID
  }

  /// Starts loading one input file in its own transaction.
  public func beginTicketLoad(
    runID: Int64, file: String, source: String, format: String, bytes: Int
  )
    throws(WarehouseError) -> TicketLoad
  {
    try TicketLoad(
      warehouse: self, runID: runID, file: file, source: source, format: format, bytes: bytes)
  }

  // MARK: - Reading

  /// A past run, as stored in `runs`.
  public struct RunRecord: Sendable, Hashable {
    public var id: Int64
    public var startedAt: String
    public var endedAt: String?
    public var status: String
    public var command: String
    public var files: Int
    public var read: Int
    public var rejected: Int
    public var message: String?
  }

  /// The file accounting of one run, in load order.
  public func fileAccounting(runID: Int64) throws(WarehouseError) -> [FileAccounting] {
    let st = try connection.prepare(
      """
      SELECT file, read, inserted, updated, unchanged, superseded, rejected, failed, skipped
      FROM run_files WHERE run_id = ? ORDER BY id
      """)
    st.bind(1, runID)
    var out: [FileAccounting] = []
    while try st.step() {
      var a = FileAccounting(file: st.text(0) ?? "")
      a.read = Int(st.int64(1))
      a.inserted = Int(st.int64(2))
      a.updated = Int(st.int64(3))
      a.unchanged = Int(st.int64(4))
      a.superseded = Int(st.int64(5))
      a.rejected = Int(st.int64(6))
      a.failed = st.text(7)
      a.skipped = st.int64(8) != 0
      out.append(a)
    }
    return out
  }

  /// The most common reject reasons of a run: (code, field, count, first message), most first.
  public func rejectReasons(runID: Int64, limit: Int = 10) throws(WarehouseError) -> [(
    code: String, field: String?, count: Int, example: String
  )] {
    let st = try connection.prepare(
      """
      SELECT code, field, count(*), min(file || ':' || coalesce(line, '') || ': ' || message)
      FROM rejects WHERE run_id = ? GROUP BY code, field ORDER BY count(*) DESC, code, field
      LIMIT ?
      """)
    st.bind(1, runID)
    st.bind(2, limit)
    var out: [(String, String?, Int, String)] = []
    while try st.step() {
      out.append((st.text(0) ?? "", st.text(1), Int(st.int64(2)), st.text(3) ?? ""))
    }
    return out.map { (code: $0.0, field: $0.1, count: $0.2, example: $0.3) }
  }

  /// All rejects of a run, in load order: for the rejects CSV.
  public func rejects(runID: Int64) throws(WarehouseError) -> [RejectRow] {
    let st = try connection.prepare(
      "SELECT file, line, field, code, message, raw FROM rejects WHERE run_id = ? ORDER BY id")
    st.bind(1, runID)
    var out: [RejectRow] = []
    while try st.step() {
      out.append(
        RejectRow(
          file: st.text(0) ?? "", line: st.optionalInt64(1).map(Int.init), field: st.text(2),
          code: st.text(3) ?? "", message: st.text(4) ?? "", raw: st.text(5)))
    }
    return out
  }

  /// Runs, newest first.
  public func runs(limit: Int = 50) throws(WarehouseError) -> [RunRecord] {
    let st = try connection.prepare(
      """
      SELECT id, started_at, ended_at, status, command, files, read, rejected, message
      FROM runs ORDER BY id DESC LIMIT ?
      """)
    st.bind(1, limit)
    var out: [RunRecord] = []
    while try st.step() {
      out.append(
        RunRecord(
          id: st.int64(0), startedAt: st.text(1) ?? "", endedAt: st.text(2),
          status: st.text(3) ?? "", command: st.text(4) ?? "", files: Int(st.int64(5)),
          read: Int(st.int64(6)), rejected: Int(st.int64(7)), message: st.text(8)))
    }
    return out
  }

  /// Rows in one of the warehouse's record tables (tickets, chats, articles, search_terms,
  /// ticket_metrics); nil for any other name.
  public func rowCount(_ table: String) throws(WarehouseError) -> Int? {
    guard ["tickets", "chats", "articles", "search_terms", "ticket_metrics"].contains(table) else {
      return nil
    }
    return Int(try connection.scalarInt("SELECT count(*) FROM \(table)") ?? 0)
  }

  /// A file's fingerprint from its last load: size, modification time (ns) and content hash.
  public func fingerprint(source: String, path: String) throws(WarehouseError) -> (
    size: Int64, mtime: Int64, hash: String
  )? {
    let st = try connection.prepare(
      "SELECT size, mtime_ns, hash FROM source_files WHERE source = ? AND path = ?")
    st.bind(1, source)
    st.bind(2, path)
    guard try st.step() else { return nil }
    return (st.int64(0), st.int64(1), st.text(2) ?? "")
  }

  /// Records a file that was not read again because its fingerprint matched.
  public func recordSkippedFile(
    runID: Int64, source: String, format: String, file: String, bytes: Int
  )
    throws(WarehouseError)
  {
    var a = FileAccounting(file: file)
    a.skipped = true
    let id = try insertRunFile(
      runID: runID, source: source, format: format, bytes: bytes, accounting: a)
    try connection.execute("UPDATE run_files SET skipped = 1 WHERE id = \(id)")
  }

  /// The best articles for a free-text query: BM25 over title (weight 10), labels (5) and body
  /// (1); a higher score is a better match.
  public func searchArticles(_ query: String, limit: Int = 10) throws(WarehouseError) -> [(
    source: String, id: String, title: String, score: Double
  )] {
    let words = query.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map {
      "\"" + $0.lowercased() + "\""
    }
    guard !words.isEmpty else { return [] }
    let st = try connection.prepare(
      """
      SELECT a.source, a.id, a.title, -bm25(articles_fts, 10.0, 5.0, 1.0) AS score
      FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
      WHERE articles_fts MATCH ? ORDER BY score DESC, a.source, a.id LIMIT ?
      """)
    st.bind(1, words.joined(separator: " OR "))
    st.bind(2, limit)
    var out: [(String, String, String, Double)] = []
    while try st.step() {
      out.append((st.text(0) ?? "", st.text(1) ?? "", st.text(2) ?? "", st.double(3)))
    }
    return out.map { (source: $0.0, id: $0.1, title: $0.2, score: $0.3) }
  }

  /// Number of stored tickets.
  public func ticketCount() throws(WarehouseError) -> Int {
    Int(try connection.scalarInt("SELECT count(*) FROM tickets") ?? 0)
  }

  /// A stored ticket by key (tests and `inspect`).
  public func ticket(source: String, id: String) throws(WarehouseError) -> Ticket? {
    let st = try connection.prepare(
      "SELECT \(TicketRow.columnList) FROM tickets WHERE source = ? AND id = ?")
    st.bind(1, source)
    st.bind(2, id)
    guard try st.step() else { return nil }
    return TicketRow.decode(st)
  }

  /// A digest of the whole `tickets` table (order-independent content), for "nothing changed"
  /// checks and tests.
  public func ticketsFingerprint() throws(WarehouseError) -> String {
    let st = try connection.prepare(
      "SELECT \(TicketRow.columnList) FROM tickets ORDER BY source, id")
    var h = FNV1a()
    var n = 0
    while try st.step() {
      n += 1
      for i in 0..<Int32(TicketRow.columns.count) {
        h.add(st.text(i) ?? "\u{0}")
        h.separate()
      }
    }
    return "\(n):" + String(h.value, radix: 16)
  }
}

/// One rejected record as stored.
public struct RejectRow: Sendable, Hashable {
  public var file: String
  public var line: Int?
  public var field: String?
  public var code: String
  public var message: String
  public var raw: String?
}

/// Writes rejected records of a run.
struct RejectWriter {
  let statement: Statement
  let runID: Int64

  init(connection: Connection, runID: Int64) throws(WarehouseError) {
    statement = try connection.prepare(
      "INSERT INTO rejects (run_id, file, line, field, code, message, raw) VALUES (?,?,?,?,?,?,?)")
    self.runID = runID
  }

  func write(_ issue: IngestIssue) throws(WarehouseError) {
    statement.bind(1, runID)
    statement.bind(2, issue.location.file)
    statement.bind(3, issue.location.line)
    statement.bind(4, issue.location.field)
    statement.bind(5, issue.code.rawValue)
    statement.bind(6, issue.message)
    statement.bind(7, issue.raw)
    try statement.run()
  }
}

extension Warehouse {
  /// The instant the data describes: the largest `updated_at` (else `created_at`) stored; nil
  /// when the warehouse holds no tickets.
  public func dataAsOf() throws(WarehouseError) -> Instant? {
    try connection.scalarInt(
      "SELECT max(coalesce(updated_at, created_at)) FROM tickets WHERE EXISTS (SELECT 1 FROM tickets)"
    ).map(Instant.init(milliseconds:))
  }
}
