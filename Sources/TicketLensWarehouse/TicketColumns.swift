import Dispatch
import CSQLite
import TicketLensModel

#if canImport(Glibc)
  import Glibc
#endif

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

  /// The tickets created in `[from, to)` (milliseconds): `Warehouse.contactCount`'s tickets, as
  /// the columns hold every ticket but the excluded ones.
  public func count(createdFrom from: Int64, to: Int64) -> Int {
    createdAt.count { $0 >= from && $0 < to }
  }

  /// The dimension columns loaded, by dimension name (a column of `tickets`, or with `k.` of
  /// `ticket_classes`).
  public static let dimensionSources: [(name: String, column: String)] = [
    ("channel", "channel"), ("priority", "priority"), ("status", "status"),
    ("assignee", "assignee"), ("group", "group_name"), ("requester", "requester_id"),
    ("organization", "organization"), ("source", "source"), ("sentiment", "sentiment"),
    ("category", "k.category"),
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

  /// The chats started in `[from, to)` (milliseconds): `Warehouse.contactCount`'s chats.
  public func count(startedFrom from: Int64, to: Int64) -> Int {
    startedAt.count { $0 >= from && $0 < to }
  }

  public static let dimensionSources: [(name: String, column: String)] = [
    ("assignee", "agent_id"), ("group", "group_name"), ("requester", "visitor_id"),
    ("source", "source"), ("sentiment", "sentiment"),
  ]
}

extension Warehouse {
  /// Loads the metric columns of every stored ticket, ordered by (source, id) so that row order,
  /// and therefore every result, is the same on every run.
  public func ticketColumns(parts: Int? = nil) throws(WarehouseError) -> TicketColumns {
    try readColumns(parts: parts, chats: false).tickets
  }

  /// Ticket columns, chat columns (when `chats`), and the data's as-of (`dataAsOf()`, found
  /// while reading the tickets).
  ///
  /// The rows are scanned in row-id order and then put in key order (`Connection.keyOrder`).
  /// A large ticket table is scanned in `parts` row-id ranges at once, each on its own read
  /// connection (the chats on one more), and the parts are joined (dictionary codes renumbered
  /// to the order of first appearance), so the columns are the same as one sequential read's
  /// in key order. Default: one part per core from 200,000 tickets; one part inside an open
  /// transaction (other connections would not see its writes) or for an in-memory database.
  ///
  /// Only the columns of `selection` are read (the others stay empty); the as-of is found
  /// whatever the selection.
  func readColumns(parts: Int? = nil, chats: Bool, selection: ColumnSelection = .all)
    throws(WarehouseError) -> (tickets: TicketColumns, chats: ChatColumns, asOf: Instant?)
  {
    // The newest row id estimates the row count (rows are not deleted), without a scan.
    let n = Int(try connection.scalarInt("SELECT coalesce(max(rowid), 0) FROM tickets") ?? 0)
    var k = parts ?? (n >= 200_000 ? ProcessInfoCores.count : 1)
    if sqlite3_get_autocommit(connection.db) == 0 || isInMemory { k = 1 }
    if k == 1 || n < k * 2 {
      let part = try TicketPart.read(connection, nil, nil, selection.tickets, expected: n)
      let asOf = part.asOf
      return (
        try part.inKeyOrder(connection, selection.tickets),
        chats ? try Self.chatColumns(connection, selection.chats) : ChatColumns(), asOf
      )
    }
    // Row-id ranges [lower, upper) of about equal size (row ids run from 1 to about n).
    let ranges = (0..<k).map { i in
      (
        lower: i == 0 ? nil : Int64(n * i / k) + 1,
        upper: i == k - 1 ? nil : Int64(n * (i + 1) / k) + 1
      )
    }
    nonisolated(unsafe) var chatResult: Result<ChatColumns, WarehouseError> = .success(
      ChatColumns())
    let perPart = n / ranges.count
    let path = path
    var results = concurrentSlots(ranges.count + (chats ? 1 : 0)) {
      i -> Result<TicketPart, WarehouseError>? in
      do throws(WarehouseError) {
        // No memory map here: every page a part touched stayed resident through it (three
        // connections: 280 MB of the file on the benchmark), and reading through SQLite's own
        // small page cache (its default, 2 MB; 64 MB was no faster) was no slower: 0.51–0.55 s
        // against 0.56–0.73 s.
        let c = try Connection(path: path, readOnly: true)
        if i == ranges.count {
          chatResult = .success(try Warehouse.chatColumns(c, selection.chats))
          return nil
        }
        return .success(
          try TicketPart.read(
            c, ranges[i].lower, ranges[i].upper, selection.tickets, expected: perPart))
      } catch {
        if i == ranges.count {
          chatResult = .failure(error)
          return nil
        }
        return .failure(error)
      }
    }
    // Each part is taken out of its slot as it is joined, so that its arrays are the joined
    // part's alone (not shared with the slot, which would copy them on the first append) and
    // are freed once appended.
    var joined: TicketPart? = nil
    for i in ranges.indices {
      // Moved out of the slot (no other reference to its arrays is left, so appending frees
      // each of them as it goes).
      var part: TicketPart
      switch results[i].take()! {
      case .failure(let e): throw e
      case .success(let p): part = p
      }
      if joined == nil { joined = part } else { joined!.append(&part) }
    }
    let chatColumns = try chatResult.get()
    let asOf = joined!.asOf
    // The key order is read on a connection of its own: the warehouse's may read through a
    // memory map, which would keep the whole key index resident.
    let tickets = try joined.take()!.inKeyOrder(
      try Connection(path: path, readOnly: true), selection.tickets)
    return (tickets, chatColumns, asOf)
  }

  /// Loads the metric columns of every stored chat, ordered by (source, id).
  public func chatColumns() throws(WarehouseError) -> ChatColumns {
    try Self.chatColumns(connection, ColumnSelection.all.chats)
  }

  /// The chat columns of `want` (the others stay empty).
  static func chatColumns(
    _ connection: Connection, _ want: Set<ChatColumn> = ColumnSelection.all.chats
  )
    throws(WarehouseError) -> ChatColumns
  {
    let dims = ChatColumns.dimensionSources.filter { want.contains(.dimension($0.name)) }
    let fixed: [(ChatColumn, String)] = [
      (.startedAt, "started_at"), (.firstAgentAt, "first_agent_message_at"),
      (.endedAt, "ended_at"), (.missed, "missed"), (.offline, "type"),
      (.satisfaction, "satisfaction"), (.messages, "message_count"),
      (.agentMessages, "agent_messages"), (.visitorMessages, "visitor_messages"), (.tags, "tags"),
    ]
    // A column not wanted is selected as NULL (its position stays) and not stored.
    let has = fixed.map { want.contains($0.0) }
    let st = try connection.prepare(
      "SELECT " + zip(fixed, has).map { $1 ? $0.1 : "NULL" }.joined(separator: ", ")
        + dims.map { ", " + $0.column }.joined() + ", rowid FROM chats ORDER BY rowid")
    let rowidColumn = Int32(fixed.count + dims.count)
    var rowids: [Int64] = []
    var c = ChatColumns()
    var encoders = dims.map { _ in Encoder() }
    var tags = TagEncoder()
    while try st.step() {
      rowids.append(st.int64(rowidColumn))
      if has[0] { c.startedAt.append(st.int64(0)) }
      if has[1] { c.firstAgentAt.append(st.optionalInt64(1) ?? TicketColumns.null) }
      if has[2] { c.endedAt.append(st.optionalInt64(2) ?? TicketColumns.null) }
      if has[3] { c.missed.append(st.optionalInt64(3).map { Int8($0 != 0 ? 1 : 0) } ?? -1) }
      if has[4] { c.offline.append(st.text(4) == "offline_msg") }
      if has[5] { c.satisfaction.append(st.text(5) == "good" ? 1 : st.text(5) == "bad" ? 2 : 0) }
      if has[6] { c.messages.append(Int32(clamping: st.int64(6))) }
      if has[7] { c.agentMessages.append(Int32(clamping: st.int64(7))) }
      if has[8] { c.visitorMessages.append(Int32(clamping: st.int64(8))) }
      if has[9] { tags.append(st, 9) }
      for k in encoders.indices { encoders[k].append(st, 10 + Int32(k)) }
    }
    c.count = rowids.count
    for (k, d) in dims.enumerated() { c.dimensions[d.name] = encoders[k].column }
    if has[9] { c.tags = tags.column }
    let order = try connection.keyOrder("chats", rowids: rowids)
    if !order.elementsEqual(0..<Int32(order.count)) {
      for column in want { column.slot.reorder(&c, order) }
    }
    return c
  }
}

/// Builds an `EncodedColumn` from SQLite text values: codes in order of first appearance. The
/// values are looked up by their bytes (FNV-1a, open addressing), so a row costs no `String`
/// and no SipHash; a new value becomes a `String` once.
private struct Encoder {
  var column = EncodedColumn()
  /// The bytes of every value, and where each value's bytes are.
  private var blob: [UInt8] = []
  private var starts: [Int] = [0]
  private var hashes: [UInt64] = []
  /// Code + 1 per entry, 0 when empty; a power of two, at most half full.
  private var table = [Int32](repeating: 0, count: 256)

  mutating func append(_ st: Statement, _ i: Int32) {
    guard let p = sqlite3_column_text(st.handle, i) else {
      column.codes.append(-1)
      return
    }
    let n = Int(sqlite3_column_bytes(st.handle, i))
    column.codes.append(code(UnsafeBufferPointer(start: p, count: n)))
  }

  mutating func code(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
    let hash = Self.hash(bytes)
    let mask = table.count - 1
    var i = Int(truncatingIfNeeded: hash) & mask
    while true {
      let slot = Int(table[i])
      if slot == 0 { break }
      let c = slot - 1
      if hashes[c] == hash && starts[c + 1] - starts[c] == bytes.count
        && blob.withUnsafeBufferPointer({
          bytes.isEmpty || memcmp($0.baseAddress! + starts[c], bytes.baseAddress!, bytes.count) == 0
        })
      {
        return Int32(c)
      }
      i = (i + 1) & mask
    }
    let c = hashes.count
    blob.append(contentsOf: bytes)
    starts.append(blob.count)
    hashes.append(hash)
    column.values.append(String(decoding: bytes, as: UTF8.self))
    table[i] = Int32(c + 1)
    if hashes.count * 2 > table.count { grow() }
    return Int32(c)
  }

  /// A hash of a value's bytes, eight at a time (values are short: one to three words).
  @inline(__always) static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(b.count)
    guard let base = b.baseAddress else { return h }
    let raw = UnsafeRawPointer(base)
    var i = 0
    while i + 8 <= b.count {
      h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
      h ^= h >> 32
      i += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < b.count {
      tail |= UInt64(base[i]) << shift
      shift += 8
      i += 1
    }
    h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
    return h ^ (h >> 29)
  }

  /// Appends another encoder's rows, renumbering its codes into this one's.
  mutating func absorb(_ other: Encoder) {
    let map = remap(other)
    column.codes += other.column.codes.map(map)
  }

  /// This encoder's code for each of `other`'s codes (new values are added), as a function.
  mutating func remap(_ other: Encoder) -> (Int32) -> Int32 {
    var map: [Int32] = []
    map.reserveCapacity(other.hashes.count)
    other.blob.withUnsafeBufferPointer { b in
      for c in 0..<other.hashes.count {
        let bytes = UnsafeBufferPointer(
          rebasing: b[other.starts[c]..<other.starts[c + 1]])
        map.append(code(bytes))
      }
    }
    return { [map] c in c < 0 ? c : map[Int(c)] }
  }

  private mutating func grow() {
    table = [Int32](repeating: 0, count: table.count * 2)
    let mask = table.count - 1
    for (c, hash) in hashes.enumerated() {
      var i = Int(truncatingIfNeeded: hash) & mask
      while table[i] != 0 { i = (i + 1) & mask }
      table[i] = Int32(c + 1)
    }
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
      // Words split at spaces; a tag repeated in a row counts once (a row has few tags: the
      // row's codes so far are searched, no set is allocated).
      let rowStart = built.codes.count
      var i = 0
      while i < n {
        while i < n && p[i] == 0x20 { i += 1 }
        let start = i
        while i < n && p[i] != 0x20 { i += 1 }
        guard i > start else { continue }
        let code = encoder.code(UnsafeBufferPointer(start: p + start, count: i - start))
        if !built.codes[rowStart...].contains(code) { built.codes.append(code) }
      }
    }
    built.offsets.append(Int32(built.codes.count))
  }

  /// Appends another encoder's rows, renumbering its codes into this one's.
  mutating func absorb(_ other: TagEncoder) {
    let map = encoder.remap(other.encoder)
    let base = Int32(built.codes.count)
    built.codes += other.built.codes.map(map)
    built.offsets += other.built.offsets.dropFirst().map { $0 + base }
  }
}

/// The number of online cores (the default number of parallel parts and workers).
public enum ProcessInfoCores {
  public static var count: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// The ticket columns of one key range, with the encoders that numbered its text values (to
/// join parts read in parallel).
private struct TicketPart {
  var columns = TicketColumns()
  /// The dimensions read, and their encoders.
  var dims: [(name: String, column: String)]
  var encoders: [Encoder]
  var tags = TagEncoder()
  /// Whether the tags are read.
  var tagged: Bool
  var asOf: Instant? = nil
  /// The row id of each row read, ascending.
  var rowids: [Int64] = []

  /// The columns in key order. Consumes the part: each column is replaced as it is rearranged,
  /// so no more than one column exists twice (a copy of the columns held every old array
  /// to the end: 140 MB more at the peak on the benchmark).
  consuming func inKeyOrder(_ connection: Connection, _ want: Set<TicketColumn>)
    throws(WarehouseError) -> TicketColumns
  {
    let order = try connection.keyOrder("tickets", rowids: rowids)
    rowids = []
    var c = columns
    columns = TicketColumns()
    // The encoders share their codes with the dictionary-encoded columns: let go of them too, or
    // the old codes would stay beside the rearranged ones.
    encoders = []
    tags = TagEncoder()
    if !order.elementsEqual(0..<Int32(order.count)) {
      for column in want { column.slot.reorder(&c, order) }
    }
    return c
  }

  /// Reads the columns of `want` for the tickets in a row-id range `[lower, upper)`, in row-id
  /// order (the others stay empty; the as-of is found whatever is wanted).
  static func read(
    _ connection: Connection, _ lower: Int64?, _ upper: Int64?, _ want: Set<TicketColumn>,
    expected: Int = 0
  ) throws(WarehouseError) -> TicketPart {
    let dims = TicketColumns.dimensionSources.filter { want.contains(.dimension($0.name)) }
    typealias V = TicketColumns.VendorMinute
    // Without ticket_metrics rows (the usual case) the join and its coalesces are left out.
    var joined = false
    if !want.isDisjoint(with: V.allCases.map { .vendor($0) } + [.reopens, .replies]) {
      joined = try connection.scalarInt("SELECT EXISTS (SELECT 1 FROM ticket_metrics)") == 1
    }
    func either(_ column: String, _ metric: String) -> String {
      joined ? "coalesce(t.\(column), m.\(metric))" : "t.\(column)"
    }
    // Positions 0 and 1 are always read (the as-of); a column not wanted is selected as NULL
    // (its position stays) and not stored.
    let fixed: [(TicketColumn?, String)] =
      [
        (nil, "t.created_at"), (nil, "t.updated_at"), (.firstReplyAt, "t.first_reply_at"),
        (.solvedAt, "t.solved_at"), (.requesterWait, "t.requester_wait_minutes"),
        (.agentWait, "t.agent_wait_minutes"), (.onHold, "t.on_hold_minutes"),
        (.reopens, either("reopens", "reopens")), (.replies, either("replies", "replies")),
        (.satisfaction, "t.satisfaction"), (.tags, "t.tags"),
      ]
      + V.allCases.map {
        (.vendor($0), either("vendor_\($0.column)_minutes", "\($0.column)_minutes"))
      }
      + [(.escalatedAt, "t.escalated_at"), (nil, "t.excluded IS NOT NULL")]
    let has = fixed.map { $0.0.map(want.contains) ?? true }
    var range: [String] = []
    if lower != nil { range.append("t.rowid >= ?1") }
    if upper != nil { range.append("t.rowid < ?2") }
    // Deleted, merged and spam tickets are left out (read only for the as-of); the vendor's
    // minutes come from the ticket row or, failing that, a separately loaded ticket_metrics row
    // of the same source.
    let sql =
      "SELECT " + zip(fixed, has).map { $1 ? $0.1 : "NULL" }.joined(separator: ", ")
      + dims.map { ", " + ($0.column.contains(".") ? "" : "t.") + $0.column }.joined()
      + ", t.rowid"
      + " FROM tickets t"
      + (joined
        ? " LEFT JOIN ticket_metrics m ON m.source = t.source AND m.ticket_id = t.id" : "")
      + (dims.contains { $0.column.hasPrefix("k.") }
        ? " LEFT JOIN ticket_classes k ON k.ticket = t.rowid" : "")
      + (range.isEmpty ? "" : " WHERE " + range.joined(separator: " AND "))
      + " ORDER BY t.rowid"
    let st = try connection.prepare(sql)
    if let lower { st.bind(1, lower) }
    if let upper { st.bind(2, upper) }
    var part = TicketPart(
      dims: dims, encoders: dims.map { _ in Encoder() }, tagged: want.contains(.tags))
    var c = TicketColumns()
    let created = want.contains(.createdAt)
    let updated = want.contains(.updatedAt)
    if created { c.createdAt.reserveCapacity(expected) }
    let vendorBase: Int32 = 11
    let vendors = V.allCases.filter { has[Int(vendorBase) + $0.rawValue] }
    let escalated = Int32(fixed.count - 2)
    let excluded = Int32(fixed.count - 1)
    let dimBase = Int32(fixed.count)
    let rowidColumn = dimBase + Int32(dims.count)
    part.rowids.reserveCapacity(expected)
    var newest = Int64.min
    while try st.step() {
      let updatedAt = st.optionalInt64(1)
      newest = max(newest, updatedAt ?? st.int64(0))
      if st.int64(excluded) != 0 { continue }
      part.rowids.append(st.int64(rowidColumn))
      if created { c.createdAt.append(st.int64(0)) }
      if updated { c.updatedAt.append(updatedAt ?? TicketColumns.null) }
      if has[2] { c.firstReplyAt.append(st.optionalInt64(2) ?? TicketColumns.null) }
      if has[3] { c.solvedAt.append(st.optionalInt64(3) ?? TicketColumns.null) }
      if has[4] { c.requesterWait.append(st.optionalDouble(4) ?? .nan) }
      if has[5] { c.agentWait.append(st.optionalDouble(5) ?? .nan) }
      if has[6] { c.onHold.append(st.optionalDouble(6) ?? .nan) }
      if has[7] { c.reopens.append(st.optionalInt64(7).map { Int32(clamping: $0) } ?? -1) }
      if has[8] { c.replies.append(st.optionalInt64(8).map { Int32(clamping: $0) } ?? -1) }
      if has[9] {
        let sat: Int8 =
          switch st.text(9) {
          case "good": 1
          case "bad": 2
          case "offered": 3
          case "unoffered": 4
          default: 0
          }
        c.satisfaction.append(sat)
      }
      if has[10] { part.tags.append(st, 10) }
      for v in vendors {
        c.vendor[v.rawValue].append(st.optionalDouble(vendorBase + Int32(v.rawValue)) ?? .nan)
      }
      for k in part.encoders.indices { part.encoders[k].append(st, dimBase + Int32(k)) }
      if has[Int(escalated)] {
        c.escalatedAt.append(st.optionalInt64(escalated) ?? TicketColumns.null)
      }
    }
    c.count = part.rowids.count
    part.columns = c
    part.asOf = newest == Int64.min ? nil : Instant(milliseconds: newest)
    for (k, d) in dims.enumerated() { part.columns.dimensions[d.name] = part.encoders[k].column }
    if has[10] { part.columns.tags = part.tags.column }
    return part
  }

  /// Appends the next key range's rows; its codes are renumbered into this part's. `next` is
  /// emptied column by column as its rows are appended, so that no column is held twice (a
  /// column of `next` is freed once appended; keeping all of them to the end was 120 MB more at
  /// the peak of a million-ticket rebuild).
  mutating func append(_ next: inout TicketPart) {
    columns.count += next.columns.count
    // The plain columns through their slots (the one table of where each column lives); the
    // dictionary-encoded ones through their encoders, which renumber the codes. An encoder's
    // column is shared with `columns` until it is detached here, so it grows in place (a
    // column reached through an array element, such as a vendor column, is still copied).
    for c in TicketColumn.fixed { c.slot.append(&columns, from: &next.columns) }
    for (k, d) in dims.enumerated() {
      columns.dimensions[d.name] = nil
      next.columns.dimensions[d.name] = nil
      encoders[k].absorb(next.encoders[k])
      next.encoders[k] = Encoder()
      columns.dimensions[d.name] = encoders[k].column
    }
    if tagged {
      columns.tags = EncodedMultiColumn()
      next.columns.tags = EncodedMultiColumn()
      tags.absorb(next.tags)
      next.tags = TagEncoder()
      columns.tags = tags.column
    }
    if let a = next.asOf { asOf = max(asOf ?? a, a) }
    rowids += next.rowids
    next.rowids = []
  }
}

extension ColumnSlot {
  /// Moves `other`'s rows of an array column to the end of `root`'s (dictionary-encoded
  /// columns are joined by their encoders, not here); `other`'s column is left empty.
  fileprivate func append(_ root: inout Root, from other: inout Root) {
    func move<T>(_ k: WritableKeyPath<Root, [T]>) {
      root[keyPath: k] += other[keyPath: k]
      other[keyPath: k] = []
    }
    switch self {
    case .instants(let k): move(k)
    case .doubles(let k): move(k)
    case .int32(let k): move(k)
    case .int8(let k): move(k)
    case .bools(let k): move(k)
    case .encoded, .multi: break
    }
  }
}
