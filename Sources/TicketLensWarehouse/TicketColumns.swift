import CSQLite
import TicketLensModel

/// A text column stored dictionary-encoded: `codes[row]` indexes `values`, -1 is null.
public struct EncodedColumn: Sendable {
  public var codes: [Int32]
  public var values: [String]

  public init(codes: [Int32] = [], values: [String] = []) {
    self.codes = codes
    self.values = values
  }

  /// The value of a row, nil when null.
  public func value(_ row: Int) -> String? {
    let c = codes[row]
    return c < 0 ? nil : values[Int(c)]
  }
}

/// The ticket facts the metric engine needs, as column arrays (no ticket text).
///
/// Instants are milliseconds since the epoch with `Int64.min` for null; vendor minutes use NaN
/// for null.
public struct TicketColumns: Sendable {
  public static let null = Int64.min

  public var count = 0
  public var createdAt: [Int64] = []
  public var updatedAt: [Int64] = []
  public var firstReplyAt: [Int64] = []
  public var solvedAt: [Int64] = []
  public var vendorFirstReplyMinutes: [Double] = []
  public var dimensions: [String: EncodedColumn] = [:]

  public init() {}

  /// The dimension columns loaded, by dimension name.
  public static let dimensionSources: [(name: String, column: String)] = [
    ("channel", "channel"), ("priority", "priority"), ("status", "status"),
    ("assignee", "assignee"), ("group", "group_name"), ("requester", "requester_id"),
    ("organization", "organization"), ("source", "source"),
  ]
}

extension Warehouse {
  /// Loads the metric columns of every stored ticket, ordered by (source, id) so that row order,
  /// and therefore every result, is the same on every run.
  public func ticketColumns() throws(WarehouseError) -> TicketColumns {
    let dims = TicketColumns.dimensionSources
    // Deleted, merged and spam tickets are left out; the vendor's first-reply minutes come from
    // the ticket row or, failing that, a separately loaded ticket_metrics row.
    let sql =
      "SELECT t.created_at, t.updated_at, t.first_reply_at, t.solved_at, "
      + "coalesce(t.vendor_first_reply_minutes, m.first_reply_minutes), "
      + dims.map { "t." + $0.column }.joined(separator: ", ")
      + " FROM tickets t LEFT JOIN ticket_metrics m ON m.source = t.source AND m.ticket_id = t.id"
      + " WHERE t.excluded IS NULL ORDER BY t.source, t.id"
    let st = try connection.prepare(sql)
    var cols = TicketColumns()
    let n = try ticketCount()
    cols.createdAt.reserveCapacity(n)
    cols.updatedAt.reserveCapacity(n)
    cols.firstReplyAt.reserveCapacity(n)
    cols.solvedAt.reserveCapacity(n)
    cols.vendorFirstReplyMinutes.reserveCapacity(n)
    var encoders = dims.map { _ in Encoder() }
    for i in encoders.indices { encoders[i].column.codes.reserveCapacity(n) }
    while try st.step() {
      cols.createdAt.append(st.int64(0))
      cols.updatedAt.append(st.optionalInt64(1) ?? TicketColumns.null)
      cols.firstReplyAt.append(st.optionalInt64(2) ?? TicketColumns.null)
      cols.solvedAt.append(st.optionalInt64(3) ?? TicketColumns.null)
      cols.vendorFirstReplyMinutes.append(st.optionalDouble(4) ?? .nan)
      for k in encoders.indices { encoders[k].append(st, Int32(5 + k)) }
    }
    cols.count = cols.createdAt.count
    for (k, d) in dims.enumerated() { cols.dimensions[d.name] = encoders[k].column }
    return cols
  }
}

/// Builds an `EncodedColumn` from SQLite text values without creating a String per row.
private struct Encoder {
  var column = EncodedColumn()
  var index: [[UInt8]: Int32] = [:]

  mutating func append(_ st: Statement, _ i: Int32) {
    guard let p = sqlite3_column_text(st.handle, i) else {
      column.codes.append(-1)
      return
    }
    let n = Int(sqlite3_column_bytes(st.handle, i))
    let key = Array(UnsafeBufferPointer(start: p, count: n))
    if let c = index[key] {
      column.codes.append(c)
    } else {
      let c = Int32(column.values.count)
      index[key] = c
      column.values.append(String(decoding: key, as: UTF8.self))
      column.codes.append(c)
    }
  }
}
