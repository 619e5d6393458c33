import TicketLensModel

#if canImport(Glibc)
  import Glibc
#endif

/// The tables whose rows are encoded off the writer thread: the two that take most records.
public enum EncodedTable: Sendable {
  case tickets, chats

  var name: String { self == .tickets ? "tickets" : "chats" }

  /// Where each encoded value goes in the table's upsert statement.
  var layout: RowLayout { self == .tickets ? TicketRow.layout : ChatRow.layout }
}

/// Parameter numbers of a table's encoded columns, in encoding order.
struct RowLayout {
  var texts: [Int32]
  var ints: [Int32]
  /// Bound only when a batch `hasExtras` (else the shorter statement leaves them NULL).
  var reals: [Int32]
  /// How many of the last `texts` are bound only when a batch `hasExtras`.
  var extraTexts: Int
  /// The sentiment label's parameter (the score's is the next one): bound NULL for a row not
  /// scored while it was encoded.
  var sentiment: Int32
  /// The load id's parameter: the last, so also how far apart the parameters of consecutive
  /// rows of a many-row statement are.
  var load: Int32
}

/// Records encoded as rows of one table, ready to bind: text in one byte arena, integers and
/// reals in flat arrays. Encoding is pure and runs on any thread, so parallel workers prepare
/// rows while the single writer only binds pointers into the arena and steps (for tickets it
/// halved the writer's bind time; for chats the writer had also been copying every text and
/// freeing the records).
public struct EncodedRows: Sendable {
  public let table: EncodedTable
  public private(set) var count = 0
  /// UTF-8 bytes of every text value, back to back.
  var arena: [UInt8] = []
  /// Per row, (offset, length) pairs into `arena`, one per text column; length -1 is NULL.
  var text: [Int32] = []
  /// Per row, one value per integer column; `Int64.min` is NULL.
  var ints: [Int64] = []
  /// Per row, one value per real column; NaN is NULL.
  var reals: [Double] = []
  /// Per row, the hash of the record's id (duplicate detection within a file).
  var idHashes: [Int] = []
  /// Per row, the sentiment scored while encoding (label and score); empty when none was.
  var sentiment: [(label: String, score: Double)?] = []
  /// Whether any row has a value in a column bound only with extras (tickets: vendor minutes,
  /// derived waits, an exclusion).
  var hasExtras = false
  let textColumns: Int
  let intColumns: Int
  let realColumns: Int

  init(table: EncodedTable, capacity: Int, bytesPerRow: Int) {
    self.table = table
    let layout = table.layout
    textColumns = layout.texts.count
    intColumns = layout.ints.count
    realColumns = layout.reals.count
    arena.reserveCapacity(capacity * bytesPerRow)
    text.reserveCapacity(capacity * 2 * textColumns)
    ints.reserveCapacity(capacity * intColumns)
    reals.reserveCapacity(capacity * realColumns)
    idHashes.reserveCapacity(capacity)
  }

  /// Encodes tickets in order, each with its sentiment when `sentiment` is given (stored with
  /// the row, so that the sentiment stage has nothing left to score for it).
  public init(_ tickets: [Ticket], sentiment: ((Ticket) -> (label: String, score: Double))? = nil) {
    self.init(table: .tickets, capacity: tickets.count, bytesPerRow: 320)
    for t in tickets { append(t) }
    if let sentiment { self.sentiment = tickets.map(sentiment) }
  }

  /// Encodes chats in order, messages included (as JSON, with their counts), each with its
  /// sentiment when `sentiment` is given.
  public init(_ chats: [Chat], sentiment: ((Chat) -> (label: String, score: Double))? = nil) {
    self.init(table: .chats, capacity: chats.count, bytesPerRow: 512)
    for c in chats { append(c) }
    if let sentiment { self.sentiment = chats.map(sentiment) }
  }

  /// The text the sentiment of a ticket is scored on: subject and description on two lines (as
  /// `Warehouse.ticketTextSQL` reads it back).
  public static func sentimentText(_ t: Ticket) -> String {
    (t.subject ?? "") + "\n" + (t.description ?? "")
  }

  /// The text the sentiment of a chat is scored on: the visitor's messages, one per line (as
  /// `Warehouse.chatTextSQL` reads it back).
  public static func sentimentText(_ c: Chat) -> String {
    c.messages.filter { $0.author == .visitor }.map(\.text).joined(separator: "\n")
  }

  /// The id of row `r` (the second text column in both tables).
  func id(_ r: Int) -> String {
    let k = r * 2 * textColumns + 2
    return String(decoding: arena[Int(text[k])..<Int(text[k] + text[k + 1])], as: UTF8.self)
  }

  /// Whether the ids of `rows` ascend strictly (as SQLite compares text: bytewise).
  func idsAscending(_ rows: Range<Int>) -> Bool {
    withIDs { compare in
      rows.dropFirst().allSatisfy { compare($0 - 1, $0) < 0 }
    }
  }

  /// `body` with a comparison of two rows' ids (negative, zero, positive), bytewise as SQLite
  /// compares text: a prefix first.
  private func withIDs<R>(_ body: ((Int, Int) -> Int) -> R) -> R {
    let w = 2 * textColumns
    return arena.withUnsafeBytes { a in
      text.withUnsafeBufferPointer { t in
        body { x, y in
          let (p, m) = (Int(t[x * w + 2]), Int(t[x * w + 3]))
          let (q, n) = (Int(t[y * w + 2]), Int(t[y * w + 3]))
          let c = min(m, n) == 0 ? 0 : memcmp(a.baseAddress! + p, a.baseAddress! + q, min(m, n))
          return c != 0 ? Int(c) : m - n
        }
      }
    }
  }

  /// Puts the rows in id order (as SQLite compares text: bytewise), rows with the same id in
  /// their order before: the versions of a ticket keep their file order, so the newer-wins rule
  /// and the accounting come out the same, and only the row ids SQLite assigns change (nothing
  /// is ordered by them: every output orders by key). The texts stay where they are in the
  /// arena; only the per-row entries move. Rows already in order are left as they are.
  ///
  /// Why: a file in random id order (an export sorted by update time) inserts each key at a
  /// random place in the key index, one row per statement; a batch in id order goes through
  /// the index in one sweep, 64 rows per statement (`TicketLoad.groupRows`).
  public mutating func sortByID() {
    guard count > 1, !idsAscending(0..<count) else { return }
    let order: [Int] = withIDs { compare in
      (0..<count).sorted { x, y in
        let c = compare(x, y)
        return c != 0 ? c < 0 : x < y
      }
    }
    func permute<T>(_ a: [T], width: Int) -> [T] {
      var out: [T] = []
      out.reserveCapacity(a.count)
      for r in order { out.append(contentsOf: a[(r * width)..<((r + 1) * width)]) }
      return out
    }
    text = permute(text, width: 2 * textColumns)
    ints = permute(ints, width: intColumns)
    reals = permute(reals, width: realColumns)
    idHashes = permute(idHashes, width: 1)
    if !sentiment.isEmpty { sentiment = permute(sentiment, width: 1) }
  }

  mutating func put(_ s: String?) {
    guard let s else { return putNull() }
    text.append(Int32(arena.count))
    // The bytes in place where the string has them (native strings always do).
    if s.utf8.withContiguousStorageIfAvailable({ arena.append(contentsOf: $0) }) == nil {
      arena.append(contentsOf: s.utf8)
    }
    text.append(Int32(arena.count) - text[text.count - 1])
  }

  mutating func putNull() {
    text.append(0)
    text.append(-1)
  }

  /// Appends a text value written by `write` into the arena.
  mutating func putBytes(_ write: (inout [UInt8]) -> Void) {
    let start = arena.count
    write(&arena)
    text.append(Int32(start))
    text.append(Int32(arena.count - start))
  }

  /// Tags separated by spaces; NULL when there are none.
  mutating func putTags(_ tags: [String]) {
    guard !tags.isEmpty else { return putNull() }
    putBytes { arena in
      for (k, tag) in tags.enumerated() {
        if k > 0 { arena.append(0x20) }
        arena.append(contentsOf: tag.utf8)
      }
    }
  }

  mutating func putInt(_ v: Int64?) { ints.append(v ?? .min) }

  /// Reals are only bound with extras (see `RowLayout.reals`).
  mutating func putReal(_ v: Double?) {
    reals.append(v ?? .nan)
    if v != nil { hasExtras = true }
  }

  mutating func endRow(id: String) {
    idHashes.append(id.hashValue)
    count += 1
  }
}
