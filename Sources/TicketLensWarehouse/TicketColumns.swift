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

/// A multi-valued text column (tags): row r has `codes[offsets[r]..<offsets[r+1]]`.
public struct EncodedMultiColumn: Sendable {
  public var offsets: [Int32] = [0]
  public var codes: [Int32] = []
  public var values: [String] = []

  public init() {}

  public func values(_ row: Int) -> ArraySlice<Int32> {
    codes[Int(offsets[row])..<Int(offsets[row + 1])]
  }
}

/// The ticket facts the metric engine needs, as column arrays (no ticket text).
///
/// Instants are milliseconds since the epoch with `Int64.min` for null; minutes use NaN for
/// null; small integers use -1 for null.
public struct TicketColumns: Sendable {
  public static let null = Int64.min

  public var count = 0
  public var createdAt: [Int64] = []
  public var updatedAt: [Int64] = []
  public var firstReplyAt: [Int64] = []
  public var solvedAt: [Int64] = []
  /// When the ticket was first escalated (null when it was not, or the export does not say).
  public var escalatedAt: [Int64] = []
  /// The vendor's minutes (ticket row, else a ticket_metrics row), calendar then business, in
  /// `VendorMinute` order.
  public var vendor: [[Double]] = Array(repeating: [], count: VendorMinute.allCases.count)
  /// Our minutes from the status history.
  public var requesterWait: [Double] = []
  public var agentWait: [Double] = []
  public var onHold: [Double] = []
  public var reopens: [Int32] = []
  public var replies: [Int32] = []
  /// 0 none, 1 good, 2 bad, 3 offered, 4 unoffered.
  public var satisfaction: [Int8] = []
  public var dimensions: [String: EncodedColumn] = [:]
  public var tags = EncodedMultiColumn()

  public init() {}

  /// The vendor-minute columns, in the order they are loaded.
  public enum VendorMinute: Int, CaseIterable, Sendable {
    case firstReply, firstReplyBusiness, firstResolution, firstResolutionBusiness
    case fullResolution, fullResolutionBusiness, requesterWait, requesterWaitBusiness
    case agentWait, agentWaitBusiness, onHold, onHoldBusiness

    var column: String {
      [
        "first_reply", "first_reply_business", "first_resolution", "first_resolution_business",
        "full_resolution", "full_resolution_business", "requester_wait", "requester_wait_business",
        "agent_wait", "agent_wait_business", "on_hold", "on_hold_business",
      ][rawValue]
    }
  }

  public func vendor(_ m: VendorMinute, _ row: Int) -> Double { vendor[m.rawValue][row] }

  /// The dimension columns loaded, by dimension name.
  public static let dimensionSources: [(name: String, column: String)] = [
    ("channel", "channel"), ("priority", "priority"), ("status", "status"),
    ("assignee", "assignee"), ("group", "group_name"), ("requester", "requester_id"),
    ("organization", "organization"), ("source", "source"), ("sentiment", "sentiment"),
    ("category", "category"),
  ]
}

/// The chat facts the metric engine needs.
public struct ChatColumns: Sendable {
  public var count = 0
  public var startedAt: [Int64] = []
  public var firstAgentAt: [Int64] = []
  public var endedAt: [Int64] = []
  /// -1 unknown, 0 answered, 1 missed.
  public var missed: [Int8] = []
  public var offline: [Bool] = []
  /// 0 none, 1 good, 2 bad.
  public var satisfaction: [Int8] = []
  public var messages: [Int32] = []
  public var agentMessages: [Int32] = []
  public var visitorMessages: [Int32] = []
  public var dimensions: [String: EncodedColumn] = [:]
  public var tags = EncodedMultiColumn()

  public init() {}

  public static let dimensionSources: [(name: String, column: String)] = [
    ("assignee", "agent_id"), ("group", "group_name"), ("requester", "visitor_id"),
    ("source", "source"), ("sentiment", "sentiment"),
  ]
}

extension Warehouse {
  /// Loads the metric columns of every stored ticket, ordered by (source, id) so that row order,
  /// and therefore every result, is the same on every run.
  public func ticketColumns() throws(WarehouseError) -> TicketColumns {
    let dims = TicketColumns.dimensionSources
    let vendor = TicketColumns.VendorMinute.allCases.map {
      "coalesce(t.vendor_\($0.column)_minutes, m.\($0.column)_minutes)"
    }
    // Deleted, merged and spam tickets are left out; the vendor's minutes come from the ticket
    // row or, failing that, a separately loaded ticket_metrics row of the same source.
    let sql =
      "SELECT t.created_at, t.updated_at, t.first_reply_at, t.solved_at, t.requester_wait_minutes, "
      + "t.agent_wait_minutes, t.on_hold_minutes, coalesce(t.reopens, m.reopens), "
      + "coalesce(t.replies, m.replies), t.satisfaction, t.tags, " + vendor.joined(separator: ", ")
      + ", " + dims.map { "t." + $0.column }.joined(separator: ", ") + ", t.escalated_at"
      + " FROM tickets t LEFT JOIN ticket_metrics m ON m.source = t.source AND m.ticket_id = t.id"
      + " WHERE t.excluded IS NULL ORDER BY t.source, t.id"
    let st = try connection.prepare(sql)
    var c = TicketColumns()
    let n = try ticketCount()
    c.createdAt.reserveCapacity(n)
    var encoders = dims.map { _ in Encoder() }
    var tags = TagEncoder()
    let vendorBase: Int32 = 11
    let dimBase = vendorBase + Int32(vendor.count)
    while try st.step() {
      c.createdAt.append(st.int64(0))
      c.updatedAt.append(st.optionalInt64(1) ?? TicketColumns.null)
      c.firstReplyAt.append(st.optionalInt64(2) ?? TicketColumns.null)
      c.solvedAt.append(st.optionalInt64(3) ?? TicketColumns.null)
      c.requesterWait.append(st.optionalDouble(4) ?? .nan)
      c.agentWait.append(st.optionalDouble(5) ?? .nan)
      c.onHold.append(st.optionalDouble(6) ?? .nan)
      c.reopens.append(st.optionalInt64(7).map { Int32(clamping: $0) } ?? -1)
      c.replies.append(st.optionalInt64(8).map { Int32(clamping: $0) } ?? -1)
      let sat: Int8 =
        switch st.text(9) {
        case "good": 1
        case "bad": 2
        case "offered": 3
        case "unoffered": 4
        default: 0
        }
      c.satisfaction.append(sat)
      tags.append(st, 10)
      for k in 0..<vendor.count {
        c.vendor[k].append(st.optionalDouble(vendorBase + Int32(k)) ?? .nan)
      }
      for k in encoders.indices { encoders[k].append(st, dimBase + Int32(k)) }
      c.escalatedAt.append(
        st.optionalInt64(dimBase + Int32(encoders.count)) ?? TicketColumns.null)
    }
    c.count = c.createdAt.count
    for (k, d) in dims.enumerated() { c.dimensions[d.name] = encoders[k].column }
    c.tags = tags.column
    return c
  }

  /// Loads the metric columns of every stored chat, ordered by (source, id).
  public func chatColumns() throws(WarehouseError) -> ChatColumns {
    let dims = ChatColumns.dimensionSources
    let st = try connection.prepare(
      "SELECT started_at, first_agent_message_at, ended_at, missed, type, satisfaction, "
        + "message_count, agent_messages, visitor_messages, tags, "
        + dims.map(\.column).joined(separator: ", ") + " FROM chats ORDER BY source, id")
    var c = ChatColumns()
    var encoders = dims.map { _ in Encoder() }
    var tags = TagEncoder()
    while try st.step() {
      c.startedAt.append(st.int64(0))
      c.firstAgentAt.append(st.optionalInt64(1) ?? TicketColumns.null)
      c.endedAt.append(st.optionalInt64(2) ?? TicketColumns.null)
      c.missed.append(st.optionalInt64(3).map { Int8($0 != 0 ? 1 : 0) } ?? -1)
      c.offline.append(st.text(4) == "offline_msg")
      c.satisfaction.append(st.text(5) == "good" ? 1 : st.text(5) == "bad" ? 2 : 0)
      c.messages.append(Int32(clamping: st.int64(6)))
      c.agentMessages.append(Int32(clamping: st.int64(7)))
      c.visitorMessages.append(Int32(clamping: st.int64(8)))
      tags.append(st, 9)
      for k in encoders.indices { encoders[k].append(st, 10 + Int32(k)) }
    }
    c.count = c.startedAt.count
    for (k, d) in dims.enumerated() { c.dimensions[d.name] = encoders[k].column }
    c.tags = tags.column
    return c
  }
}

/// Builds an `EncodedColumn` from SQLite text values. Keys are Swift strings, which for the
/// short values of dimensions (up to 15 bytes) live inline, with no allocation per row.
private struct Encoder {
  var column = EncodedColumn()
  var index: [String: Int32] = [:]

  mutating func append(_ st: Statement, _ i: Int32) {
    guard let p = sqlite3_column_text(st.handle, i) else {
      column.codes.append(-1)
      return
    }
    let n = Int(sqlite3_column_bytes(st.handle, i))
    column.codes.append(code(UnsafeBufferPointer(start: p, count: n)))
  }

  mutating func code(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
    let key = String(decoding: bytes, as: UTF8.self)
    if let c = index[key] { return c }
    let c = Int32(column.values.count)
    index[key] = c
    column.values.append(key)
    return c
  }
}

/// Builds the tag column from space-separated tag text.
private struct TagEncoder {
  private var built = EncodedMultiColumn()
  private var encoder = Encoder()

  var column: EncodedMultiColumn {
    var c = built
    c.values = encoder.column.values
    return c
  }

  mutating func append(_ st: Statement, _ i: Int32) {
    if let p = sqlite3_column_text(st.handle, i) {
      let n = Int(sqlite3_column_bytes(st.handle, i))
      let bytes = UnsafeBufferPointer(start: p, count: n)
      var seen = Set<Int32>()
      for word in bytes.split(separator: 0x20) where !word.isEmpty {
        let code = encoder.code(UnsafeBufferPointer(rebasing: word))
        if seen.insert(code).inserted { built.codes.append(code) }
      }
    }
    built.offsets.append(Int32(built.codes.count))
  }
}
