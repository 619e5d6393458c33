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
  let lookup: Statement
  let setLoad: Statement
  let rejects: RejectWriter
  /// Hashes of the ids seen in this file; a hit is checked exactly against the table.
  var seen = Set<Int>()
  var open = true

  init(
    warehouse: Warehouse, runID: Int64, file: String, source: String, format: String, bytes: Int
  ) throws(WarehouseError) {
    connection = warehouse.connection
    accounting = FileAccounting(file: file)
    self.runID = runID
    self.source = source
    try connection.execute("BEGIN IMMEDIATE")
    do {
      loadID = try warehouse.insertRunFile(
        runID: runID, source: source, format: format, bytes: bytes, accounting: accounting)
      upsert = try connection.prepare(TicketRow.upsertSQL)
      lookup = try connection.prepare(
        "SELECT load_id FROM tickets WHERE source = ? AND id = ?")
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

  /// Loads tickets (in file order) and records rejects. `read` is the number of records the
  /// batch covers (tickets + rejected).
  public func add(tickets: [Ticket], issues: [IngestIssue], read: Int) throws(WarehouseError) {
    accounting.read += read
    for t in tickets {
      let seenBefore = !seen.insert(t.id.hashValue).inserted
      TicketRow.bind(t, loadID: loadID, to: upsert)
      if try upsert.step() {
        // A row was written: inserted (no previous load) or a version replaced.
        let previous = upsert.optionalInt64(0)
        while try upsert.step() {}
        if previous == nil {
          accounting.inserted += 1
        } else if previous == loadID {
          accounting.superseded += 1
        } else {
          accounting.updated += 1
        }
      } else {
        // Kept the stored version: superseded if that version came from this same file.
        let sameFile = seenBefore ? try storedLoad(t.id) == loadID : false
        if sameFile { accounting.superseded += 1 } else { accounting.unchanged += 1 }
      }
      upsert.reset()
    }
    for issue in issues where issue.severity != .warning {
      accounting.rejected += 1
      try rejects.write(issue)
    }
  }

  /// The load that wrote the stored version of a ticket of this source.
  private func storedLoad(_ id: String) throws(WarehouseError) -> Int64? {
    defer { lookup.reset() }
    lookup.bind(1, source)
    lookup.bind(2, id)
    return try lookup.step() ? lookup.int64(0) : nil
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
    open = false
    return a
  }

  /// Abandons the file: nothing of it stays in the warehouse.
  public func rollback() {
    guard open else { return }
    try? connection.execute("ROLLBACK")
    open = false
  }

  deinit { rollback() }
}
