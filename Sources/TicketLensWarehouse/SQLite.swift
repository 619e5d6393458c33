import CSQLite

/// An error from SQLite, with the result code and message; SQL arguments are never included.
public struct WarehouseError: Error, Sendable, CustomStringConvertible {
  public var code: Int32
  public var message: String
  /// The statement being run, when there is one (SQL text only, no values).
  public var sql: String?

  public init(code: Int32, message: String, sql: String? = nil) {
    self.code = code
    self.message = message
    self.sql = sql
  }

  public var description: String {
    "warehouse error \(code): \(message)" + (sql.map { " (in: \($0.prefix(80)))" } ?? "")
      + (hint.map { "; \($0)" } ?? "")
  }

  /// What the operator can do about it, for the errors that have an outside cause.
  public var hint: String? {
    switch code & 0xFF {
    case 13: "the disk is full: free space and run again (nothing was committed)"
    case 10 where code == 778 || code == 3338:
      "writing failed (disk full, file size limit or a failing disk): free space and run again (nothing was committed)"
    case 8: "the warehouse file is read-only"
    case 5, 6: "another process holds the warehouse"
    default: nil
    }
  }
}

let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Configures the SQLite library once per process, before the first connection.
private let sqliteConfigured: Int32 = {
  let rc = ticketlens_sqlite3_configure()
  sqlite3_initialize()
  return rc
}()

/// One SQLite connection. Not thread-safe: the warehouse writes from one connection, serially.
final class Connection {
  let db: OpaquePointer

  init(path: String, readOnly: Bool = false) throws(WarehouseError) {
    _ = sqliteConfigured
    var h: OpaquePointer?
    let flags =
      readOnly
      ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
    let rc = sqlite3_open_v2(path, &h, flags, nil)
    guard rc == SQLITE_OK, let h else {
      let msg = h.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
      if let h { sqlite3_close_v2(h) }
      throw WarehouseError(code: rc, message: "\(path): \(msg)")
    }
    db = h
    sqlite3_busy_timeout(db, 5000)
    sqlite3_extended_result_codes(db, 1)
  }

  deinit { sqlite3_close_v2(db) }

  /// Runs `body` in one `BEGIN IMMEDIATE` transaction: committed when it returns, rolled back
  /// when it throws.
  func immediateTransaction(_ body: () throws(WarehouseError) -> Void) throws(WarehouseError) {
    try execute("BEGIN IMMEDIATE")
    do {
      try body()
      try execute("COMMIT")
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  var errorMessage: String { String(cString: sqlite3_errmsg(db)) }

  func execute(_ sql: String) throws(WarehouseError) {
    var err: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(db, sql, nil, nil, &err)
    if rc != SQLITE_OK {
      let msg = err.map { String(cString: $0) } ?? errorMessage
      sqlite3_free(err)
      throw WarehouseError(code: rc, message: msg, sql: sql)
    }
  }

  func prepare(_ sql: String) throws(WarehouseError) -> Statement {
    var s: OpaquePointer?
    let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil)
    guard rc == SQLITE_OK, let s else {
      throw WarehouseError(code: rc, message: errorMessage, sql: sql)
    }
    return Statement(handle: s, connection: self, sql: sql)
  }

  var changes: Int32 { sqlite3_changes(db) }
  var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(db) }

  /// Runs `sql` and returns the first column of the first row as text.
  func scalarText(_ sql: String) throws(WarehouseError) -> String? {
    let st = try prepare(sql)
    guard try st.step() else { return nil }
    return st.text(0)
  }

  /// Runs `sql` and returns the first column of the first row as an integer.
  func scalarInt(_ sql: String) throws(WarehouseError) -> Int64? {
    let st = try prepare(sql)
    guard try st.step() else { return nil }
    return st.int64(0)
  }
}

/// A prepared statement, reused with `reset()`.
final class Statement {
  let handle: OpaquePointer
  unowned let connection: Connection
  let sql: String

  init(handle: OpaquePointer, connection: Connection, sql: String) {
    self.handle = handle
    self.connection = connection
    self.sql = sql
  }

  deinit { sqlite3_finalize(handle) }

  func bind(_ i: Int32, _ v: String?) {
    guard let v else {
      sqlite3_bind_null(handle, i)
      return
    }
    let done: Void? = v.utf8.withContiguousStorageIfAvailable { b in
      _ = sqlite3_bind_text(
        handle, i,
        UnsafeRawPointer(b.baseAddress ?? UnsafePointer(bitPattern: 1)!)
          .assumingMemoryBound(to: CChar.self), Int32(b.count), SQLITE_TRANSIENT)
    }
    if done == nil {
      var copy = v
      copy.withUTF8 { b in
        _ = sqlite3_bind_text(
          handle, i,
          UnsafeRawPointer(b.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            .assumingMemoryBound(to: CChar.self), Int32(b.count), SQLITE_TRANSIENT)
      }
    }
  }

  func bind(_ i: Int32, _ v: Int64?) {
    if let v { sqlite3_bind_int64(handle, i, v) } else { sqlite3_bind_null(handle, i) }
  }

  func bind(_ i: Int32, _ v: Int?) { bind(i, v.map(Int64.init)) }

  func bind(_ i: Int32, _ v: Double?) {
    if let v { sqlite3_bind_double(handle, i, v) } else { sqlite3_bind_null(handle, i) }
  }

  func bind(_ i: Int32, blob v: [UInt8]) {
    v.withUnsafeBytes { b in
      _ = sqlite3_bind_blob64(
        handle, i, b.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, UInt64(b.count),
        SQLITE_TRANSIENT)
    }
  }

  /// Steps once; true when a row is available, false when done.
  @discardableResult
  func step() throws(WarehouseError) -> Bool {
    let rc = sqlite3_step(handle)
    if rc == SQLITE_ROW { return true }
    if rc == SQLITE_DONE { return false }
    throw WarehouseError(code: rc, message: connection.errorMessage, sql: sql)
  }

  /// Resets for the next execution. Bindings are kept: callers rebind every parameter, and
  /// keeping them lets SQLite reuse its buffers instead of freeing and reallocating per row.
  func reset() {
    sqlite3_reset(handle)
  }

  /// Runs to completion (for statements that return no rows) and resets.
  func run() throws(WarehouseError) {
    defer { reset() }
    while try step() {}
  }

  func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }
  func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
  func double(_ i: Int32) -> Double { sqlite3_column_double(handle, i) }
  func text(_ i: Int32) -> String? {
    guard let p = sqlite3_column_text(handle, i) else { return nil }
    let n = Int(sqlite3_column_bytes(handle, i))
    return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
  }
  /// The bytes of text column `i` (empty when NULL), valid during `body` only.
  func withText<R>(_ i: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    let p = sqlite3_column_text(handle, i)
    return body(UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, i))))
  }
  func blob(_ i: Int32) -> [UInt8] {
    let n = Int(sqlite3_column_bytes(handle, i))
    guard n > 0, let p = sqlite3_column_blob(handle, i) else { return [] }
    return [UInt8](UnsafeRawBufferPointer(start: p, count: n))
  }
  func optionalInt64(_ i: Int32) -> Int64? { isNull(i) ? nil : int64(i) }
  func optionalDouble(_ i: Int32) -> Double? { isNull(i) ? nil : double(i) }
}
