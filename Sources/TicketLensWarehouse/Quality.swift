import TicketLensModel

/// One data-quality check, in the spirit of dbt's tests: a named query over one table that
/// returns the rows failing it (`source, id, detail`) and the number of rows it looked at.
public struct QualityCheck: Sendable, Equatable {
  public var name: String
  public var table: String
  /// What the check asserts, for the report.
  public var description: String
  /// SQL selecting the failing rows: `source, id, detail`.
  var failing: String
  /// SQL counting the rows checked.
  var checked: String
  /// Any failure is an error (a broken invariant, not bad data).
  public var strict: Bool
  /// The check reads this run's records (file accounting), not only the stored data: its
  /// result cannot be reused from a run over the same data.
  public var perRun = false
  /// For a check of single rows of `table`: the rows checked and the rows failing, as WHERE
  /// conditions, so that every such check of a table is counted in one pass.
  var rowsChecked: String? = nil
  var rowsFailing: String? = nil
  /// For a uniqueness check: the columns that must be unique together. When the table has a
  /// unique index on exactly these columns, SQLite enforces the check on every write, so the
  /// index's presence is checked instead of grouping every row again.
  var uniqueColumns: [String]? = nil
}

/// A check's outcome.
public struct QualityResult: Sendable, Equatable {
  public var check: QualityCheck
  public var checked: Int
  public var failed: Int
  /// The first failing rows (at most `QualitySettings.examples`), in key order.
  public var examples: [(source: String, id: String, detail: String)]
  /// `pass`, `warn` or `error`.
  public var status: String

  public var share: Double { checked == 0 ? 0 : Double(failed) / Double(checked) }

  public init(
    check: QualityCheck, checked: Int, failed: Int,
    examples: [(source: String, id: String, detail: String)], status: String
  ) {
    self.check = check
    self.checked = checked
    self.failed = failed
    self.examples = examples
    self.status = status
  }

  /// The result as it is stored and reported.
  public var stored: StoredQualityResult {
    StoredQualityResult(
      check: check.name, table: check.table, description: check.description, checked: checked,
      failed: failed, status: status, failures: examples)
  }

  public static func == (a: Self, b: Self) -> Bool {
    a.check == b.check && a.checked == b.checked && a.failed == b.failed && a.status == b.status
      && a.examples.map { "\($0.source)/\($0.id) \($0.detail)" }
        == b.examples.map { "\($0.source)/\($0.id) \($0.detail)" }
  }
}

/// Which checks run and when they warn or fail (a pipeline's `quality:`).
public struct QualitySettings: Sendable, Equatable {
  /// Ticket fields that must be present (columns of `tickets`).
  public var requiredTicketFields = ["status"]
  /// Accepted channel values (after normalisation).
  public var channels = [
    "email", "web", "chat", "phone", "api", "social", "mobile", "sms", "other",
  ]
  /// A check warns above this share of failing rows…
  public var warnShare = 0.0
  /// …and fails the run above this one (strict checks fail on any row).
  public var errorShare = 0.05
  /// Failing rows kept per check in `dq_failures`.
  public static let examples = 1000

  public init() {}

  /// The ticket columns a required field may name.
  public static let ticketFields = [
    "subject", "description", "status", "priority", "channel", "requester_id", "requester_email",
    "assignee", "group_name", "organization", "updated_at", "solved_at", "first_reply_at",
  ]
}

extension Warehouse {
  /// The checks for `settings`, in report order.
  public static func qualityChecks(_ s: QualitySettings, runID: Int64?) -> [QualityCheck] {
    func quoted(_ v: String) -> String {
      "'" + v.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
    let live = "excluded IS NULL"
    /// (source, id) is unique in `table`, whose rows are `noun`s.
    func uniqueKey(_ table: String, _ noun: String) -> QualityCheck {
      QualityCheck(
        name: "\(table)_unique_key", table: table,
        description: "(source, id) identifies one \(noun)",
        failing:
          "SELECT source, id, count(*) || ' rows' FROM \(table) GROUP BY source, id HAVING count(*) > 1",
        checked: "SELECT count(*) FROM \(table)", strict: true, uniqueColumns: ["source", "id"])
    }
    /// A check of single rows: those `checked` selects, failing where `failing` holds, with
    /// `detail` (an SQL expression) saying why; its queries are made from the conditions.
    func rowCheck(
      _ name: String, _ table: String, _ description: String, checked: String, failing: String,
      detail: String, strict: Bool
    ) -> QualityCheck {
      QualityCheck(
        name: name, table: table, description: description,
        failing: "SELECT source, id, \(detail) FROM \(table) WHERE \(failing)",
        checked: "SELECT count(*) FROM \(table) WHERE \(checked)", strict: strict,
        rowsChecked: checked, rowsFailing: failing)
    }
    var checks = [uniqueKey("tickets", "ticket"), uniqueKey("chats", "chat")]
    for field in s.requiredTicketFields {
      checks.append(
        rowCheck(
          "tickets_required_\(field)", "tickets", "\(field) is present", checked: live,
          failing: "\(live) AND (\(field) IS NULL OR \(field) = '')",
          detail: "'\(field) is missing'", strict: false))
    }
    /// `column`'s values are in `values` (among the rows `filter` keeps).
    func accepted(
      _ column: String, _ values: [String], _ description: String, filter: String?, strict: Bool
    ) -> QualityCheck {
      let rows = (filter.map { $0 + " AND " } ?? "") + "\(column) IS NOT NULL"
      return rowCheck(
        "tickets_accepted_\(column)", "tickets", description, checked: rows,
        failing: "\(rows) AND \(column) NOT IN (\(values.map(quoted).joined(separator: ", ")))",
        detail: "'\(column) ' || quote(\(column))", strict: strict)
    }
    /// `later` is not before `earlier` (instants in ms); the detail says by how many minutes,
    /// as "<verb> N min before <reference>".
    func notBefore(
      _ table: String, _ later: String, _ earlier: String, verb: String, reference: String,
      filter: String?
    ) -> QualityCheck {
      let rows = filter.map { $0 + " AND " } ?? ""
      let name = { (column: String) in String(column.dropLast(3)) }  // without "_at"
      return rowCheck(
        "\(table)_\(name(later))_after_\(name(earlier))", table, "\(later) ≥ \(earlier)",
        checked: "\(rows)\(later) IS NOT NULL", failing: "\(rows)\(later) < \(earlier)",
        detail: "'\(verb) ' || ((\(earlier) - \(later)) / 60000) || ' min before \(reference)'",
        strict: false)
    }
    checks += [
      accepted(
        "status", ["new", "open", "waiting_on_customer", "on_hold", "solved", "closed", "deleted"],
        "status is new, open, waiting_on_customer, on_hold, solved, closed or deleted",
        filter: nil, strict: true),
      accepted(
        "priority", ["low", "normal", "high", "urgent"], "priority is low, normal, high or urgent",
        filter: nil, strict: true),
      accepted(
        "channel", s.channels, "channel is one of " + s.channels.joined(separator: ", "),
        filter: live, strict: false),
      notBefore(
        "tickets", "solved_at", "created_at", verb: "solved", reference: "created", filter: live),
      notBefore(
        "tickets", "first_reply_at", "created_at", verb: "replied", reference: "created",
        filter: live),
      notBefore(
        "chats", "ended_at", "started_at", verb: "ended", reference: "it started", filter: nil),
      QualityCheck(
        name: "chats_ticket_exists", table: "chats",
        description: "a chat's ticket_id names a stored ticket",
        failing:
          "SELECT c.source, c.id, 'ticket ' || quote(c.ticket_id) || ' is not stored' FROM chats c WHERE c.ticket_id IS NOT NULL AND c.ticket_id <> '' AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = c.ticket_id)",
        checked: "SELECT count(*) FROM chats WHERE ticket_id IS NOT NULL AND ticket_id <> ''",
        strict: false),
    ]
    if let runID {
      checks.append(
        QualityCheck(
          name: "files_accounted", table: "run_files",
          description: "read = inserted + updated + unchanged + superseded + rejected, per file",
          failing:
            "SELECT source, file, 'read ' || read || ' but accounted ' || (inserted + updated + unchanged + superseded + rejected) FROM run_files WHERE run_id = \(runID) AND skipped = 0 AND read <> inserted + updated + unchanged + superseded + rejected",
          checked: "SELECT count(*) FROM run_files WHERE run_id = \(runID)", strict: true,
          perRun: true))
    }
    return checks
  }

  /// Runs the checks (read-only) and grades them against the thresholds.
  /// `reuse` gives results to take as they are, by check name (from a run over the same data);
  /// the other checks run.
  public func runQualityChecks(
    _ s: QualitySettings, runID: Int64?, reuse: [String: QualityResult] = [:]
  ) throws(WarehouseError) -> [QualityResult] {
    var out: [QualityResult] = []
    let checks = Self.qualityChecks(s, runID: runID)
    func reused(_ c: QualityCheck) -> QualityResult? {
      reuse[c.name].flatMap { $0.check == c ? $0 : nil }
    }
    // Checks of single rows: every one of a table counted in one pass over it.
    var counted: [String: (checked: Int, failed: Int)] = [:]
    let byRow = checks.filter {
      $0.rowsChecked != nil && $0.rowsFailing != nil && reused($0) == nil
    }
    for table in Set(byRow.map(\.table)).sorted() {
      let mine = byRow.filter { $0.table == table }
      let sums = mine.flatMap {
        [
          "coalesce(sum(CASE WHEN \($0.rowsChecked!) THEN 1 ELSE 0 END), 0)",
          "coalesce(sum(CASE WHEN \($0.rowsFailing!) THEN 1 ELSE 0 END), 0)",
        ]
      }
      let st = try connection.prepare("SELECT \(sums.joined(separator: ", ")) FROM \(table)")
      guard try st.step() else { continue }
      for (k, c) in mine.enumerated() {
        counted[c.name] = (Int(st.int64(Int32(2 * k))), Int(st.int64(Int32(2 * k + 1))))
      }
    }
    for check in checks {
      if let r = reused(check) {
        out.append(r)
        continue
      }
      if let columns = check.uniqueColumns, try hasUniqueIndex(check.table, on: columns) {
        let checked = Int(try connection.scalarInt(check.checked) ?? 0)
        out.append(
          QualityResult(check: check, checked: checked, failed: 0, examples: [], status: "pass"))
        continue
      }
      let counts = counted[check.name]
      let checked: Int
      if let counts {
        checked = counts.checked
      } else {
        checked = Int(try connection.scalarInt(check.checked) ?? 0)
      }
      var failed = 0
      var examples: [(source: String, id: String, detail: String)] = []
      // One pass over the failing rows (unless counted and none fail): all are counted, the
      // first kept.
      if (counts?.failed ?? 1) > 0 {
        let st = try connection.prepare("SELECT * FROM (\(check.failing)) ORDER BY 1, 2")
        while try st.step() {
          failed += 1
          if examples.count < QualitySettings.examples {
            examples.append((st.text(0) ?? "", st.text(1) ?? "", st.text(2) ?? ""))
          }
        }
      }
      let share = checked == 0 ? 0 : Double(failed) / Double(checked)
      let status: String =
        failed == 0
        ? "pass"
        : (check.strict || share > s.errorShare) ? "error" : share > s.warnShare ? "warn" : "pass"
      out.append(
        QualityResult(
          check: check, checked: checked, failed: failed, examples: examples, status: status))
    }
    return out
  }

  /// Whether `table` has a unique, non-partial index on exactly `columns` (in order): its
  /// primary key or a UNIQUE constraint.
  func hasUniqueIndex(_ table: String, on columns: [String]) throws(WarehouseError) -> Bool {
    let list = try connection.prepare(
      "SELECT name FROM pragma_index_list(?1) WHERE \"unique\" = 1 AND partial = 0")
    list.bind(1, table)
    var names: [String] = []
    while try list.step() { names.append(list.text(0) ?? "") }
    for name in names {
      let info = try connection.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
      info.bind(1, name)
      var indexed: [String] = []
      while try info.step() { indexed.append(info.text(0) ?? "") }
      if indexed == columns { return true }
    }
    return false
  }

  /// Records a run's results: the failing rows (up to the example limit per check) in
  /// `dq_failures`, replacing those of earlier runs, and one row per check in `dq_results`.
  public func storeQualityResults(_ results: [QualityResult], runID: Int64) throws(WarehouseError) {
    try connection.immediateTransaction { () throws(WarehouseError) in
      try connection.execute("DELETE FROM dq_failures")
      let f = try connection.prepare("INSERT INTO dq_failures VALUES (?, ?, ?, ?, ?, ?)")
      let r = try connection.prepare("INSERT INTO dq_results VALUES (?, ?, ?, ?, ?, ?, ?)")
      for result in results {
        r.reset()
        r.bind(1, runID)
        r.bind(2, result.check.name)
        r.bind(3, result.check.table)
        r.bind(4, result.checked)
        r.bind(5, result.failed)
        r.bind(6, result.status)
        r.bind(7, result.check.description)
        _ = try r.step()
        for e in result.examples {
          f.reset()
          f.bind(1, runID)
          f.bind(2, result.check.name)
          f.bind(3, result.check.table)
          f.bind(4, e.source)
          f.bind(5, e.id)
          f.bind(6, e.detail)
          _ = try f.step()
        }
      }
    }
  }
}

/// A check's stored outcome for a run, with its failing rows.
public struct StoredQualityResult: Sendable {
  public var check: String
  public var table: String
  public var description: String
  public var checked: Int
  public var failed: Int
  public var status: String
  /// The failing rows in key order (at most `QualitySettings.examples`).
  public var failures: [(source: String, id: String, detail: String)]
}

extension Warehouse {
  /// The data-quality results stored for a run (empty when its checks did not run), with the
  /// failing rows when they are the latest run's.
  public func qualityResults(runID: Int64) throws(WarehouseError) -> [StoredQualityResult] {
    let r = try connection.prepare(
      "SELECT check_name, table_name, description, checked, failed, status FROM dq_results WHERE run_id = ? ORDER BY rowid"
    )
    r.bind(1, runID)
    var out: [StoredQualityResult] = []
    while try r.step() {
      out.append(
        StoredQualityResult(
          check: r.text(0) ?? "", table: r.text(1) ?? "", description: r.text(2) ?? "",
          checked: Int(r.int64(3)), failed: Int(r.int64(4)), status: r.text(5) ?? "",
          failures: []))
    }
    let f = try connection.prepare(
      "SELECT source, record_id, detail FROM dq_failures WHERE run_id = ? AND check_name = ? ORDER BY rowid"
    )
    for i in out.indices where out[i].failed > 0 {
      f.reset()
      f.bind(1, runID)
      f.bind(2, out[i].check)
      while try f.step() {
        out[i].failures.append((f.text(0) ?? "", f.text(1) ?? "", f.text(2) ?? ""))
      }
    }
    return out
  }
}

extension Warehouse {
  /// The keyed pseudonyms of this warehouse (the key never leaves it).
  public func pseudonyms() throws(WarehouseError) -> Pseudonyms {
    let k0 = try insightState("privacy_key_0") ?? 0
    let k1 = try insightState("privacy_key_1") ?? 0
    return Pseudonyms(k0: UInt64(bitPattern: k0), k1: UInt64(bitPattern: k1))
  }

  /// A redactor for this warehouse's requesters: their names (tickets and chats) and addresses.
  public func redactor() throws(WarehouseError) -> Redactor {
    let st = try connection.prepare(
      """
      SELECT requester_name FROM tickets WHERE coalesce(requester_name, '') <> ''
      UNION SELECT visitor_name FROM chats WHERE coalesce(visitor_name, '') <> ''
      """)
    var names: [String] = []
    while try st.step() { if let n = st.text(0) { names.append(n) } }
    return Redactor(pseudonyms: try pseudonyms(), names: names)
  }
}
