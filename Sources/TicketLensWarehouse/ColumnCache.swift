import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#endif
import TicketLensModel

/// A binary copy of the metric columns beside the warehouse (`<warehouse>.columns`), so that
/// repeated queries do not re-read a million rows from SQLite, and read only the columns they
/// use. It is valid for one state of the warehouse: its key is the newest `run_files` id (every
/// load adds one), the newest row ids and the insight generations; any other state rebuilds it.
/// Writing it is best effort (a read-only folder just means no cache); it is written to a
/// temporary file and renamed.
enum ColumnCache {
  static let magic = Array("TLCOLS6\n".utf8)

  static func path(_ warehouse: String) -> String { warehouse + ".columns" }

  // MARK: Writing

  /// Writes the cache straight to a file descriptor through a 1 MiB buffer; column arrays at
  /// least that long go to the file from their own storage (a million-row cache is never
  /// assembled in memory).
  struct Writer {
    let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var failed = false
    /// Bytes written so far (buffered or not).
    private(set) var written = 0
    static let bufferSize = 1 << 20

    init(fd: Int32) {
      self.fd = fd
      buffer.reserveCapacity(Self.bufferSize)
    }

    mutating func raw(_ p: UnsafeRawBufferPointer) {
      written += p.count
      if buffer.count + p.count > Self.bufferSize { flush() }
      if p.count >= Self.bufferSize {
        writeAll(p)
      } else {
        buffer.append(contentsOf: p)
      }
    }
    mutating func flush() {
      let b = buffer
      b.withUnsafeBytes { writeAll($0) }
      buffer.removeAll(keepingCapacity: true)
    }
    private mutating func writeAll(_ p: UnsafeRawBufferPointer) {
      var done = 0
      while done < p.count && !failed {
        let n = Glibc.write(fd, p.baseAddress! + done, p.count - done)
        if n > 0 {
          done += n
        } else if n < 0 && errno == EINTR {
          continue
        } else {
          failed = true
        }
      }
    }
    mutating func int(_ v: Int) {
      withUnsafeBytes(of: Int64(v).littleEndian) { raw($0) }
    }
    mutating func array<T>(_ a: [T]) {
      int(a.count)
      a.withUnsafeBytes { raw($0) }
    }
    /// A column that is all null is written as its length with a marker, not its bytes.
    mutating func doubles(_ a: [Double]) {
      if a.allSatisfy({ $0.isNaN }) {
        int(-1)
        int(a.count)
      } else {
        array(a)
      }
    }
    mutating func instants(_ a: [Int64]) {
      if a.allSatisfy({ $0 == TicketColumns.null }) {
        int(-1)
        int(a.count)
      } else {
        array(a)
      }
    }
    mutating func string(_ s: String) { array(Array(s.utf8)) }
    /// Strings as their end offsets and one block of UTF-8 (a dimension can hold hundreds of
    /// thousands of values).
    mutating func strings(_ a: [String]) {
      var ends: [Int64] = []
      ends.reserveCapacity(a.count)
      var blob: [UInt8] = []
      for s in a {
        blob.append(contentsOf: s.utf8)
        ends.append(Int64(blob.count))
      }
      array(ends)
      array(blob)
    }
    mutating func encoded(_ c: EncodedColumn) {
      array(c.codes)
      strings(c.values)
    }
    mutating func multi(_ c: EncodedMultiColumn) {
      array(c.offsets)
      array(c.codes)
      strings(c.values)
    }
  }

  // MARK: Reading

  /// Reads the cache from a file descriptor, each column straight into its array (no mapping
  /// and no second copy of the file in memory). All-null columns of one length share one array.
  struct Reader {
    let fd: Int32
    /// Where the next read starts, and the bytes left in this reader's section.
    var position: Int
    var remaining: Int
    /// The row count of the table being read: an all-null column must have it (a damaged
    /// count must not allocate).
    var rows = 0
    enum Failure: Error { case truncated }

    mutating func fill(_ p: UnsafeMutableRawPointer, _ n: Int) throws {
      guard n <= remaining else { throw Failure.truncated }
      var done = 0
      while done < n {
        let got = pread(fd, p + done, n - done, off_t(position + done))
        if got > 0 {
          done += got
        } else if got < 0 && errno == EINTR {
          continue
        } else {
          throw Failure.truncated
        }
      }
      remaining -= n
      position += n
    }
    mutating func int() throws -> Int {
      var v: Int64 = 0
      try withUnsafeMutableBytes(of: &v) { try fill($0.baseAddress!, 8) }
      return Int(Int64(littleEndian: v))
    }
    mutating func array<T>(_: T.Type) throws -> [T] {
      try array(T.self, count: try int())
    }
    mutating func array<T>(_: T.Type, count n: Int) throws -> [T] {
      let (size, overflow) = n.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
      guard n >= 0, !overflow, size <= remaining else { throw Failure.truncated }
      // An empty array is not built through `unsafeUninitializedCapacity`: for capacity 0 it
      // writes the count into the shared empty-array storage, a race when sections are read
      // on several threads (ThreadSanitizer caught it).
      guard n > 0 else { return [] }
      var failure: Error? = nil
      let out = [T](unsafeUninitializedCapacity: n) { buf, count in
        do {
          if size > 0 { try fill(UnsafeMutableRawPointer(buf.baseAddress!), size) }
          count = n
        } catch {
          failure = error
          count = 0
        }
      }
      if let failure { throw failure }
      return out
    }
    /// An all-null column is read as nil (its length checked against `rows`): the caller gives
    /// all such columns of a table one shared array.
    mutating func doubles() throws -> [Double]? {
      let n = try int()
      guard n == -1 else { return try array(Double.self, count: n) }
      guard try int() == rows else { throw Failure.truncated }
      return nil
    }
    mutating func instants() throws -> [Int64]? {
      let n = try int()
      guard n == -1 else { return try array(Int64.self, count: n) }
      guard try int() == rows else { throw Failure.truncated }
      return nil
    }
    mutating func string() throws -> String {
      String(decoding: try array(UInt8.self), as: UTF8.self)
    }
    mutating func strings() throws -> [String] {
      let ends = try array(Int64.self)
      let blob = try array(UInt8.self)
      guard ends.last.map({ $0 == blob.count }) ?? blob.isEmpty else { throw Failure.truncated }
      var out: [String] = []
      out.reserveCapacity(ends.count)
      var start = 0
      try blob.withUnsafeBufferPointer { b in
        for e in ends {
          let end = Int(e)
          guard end >= start, end <= b.count else { throw Failure.truncated }
          out.append(String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self))
          start = end
        }
      }
      return out
    }
    /// Codes are checked against their values (a damaged cache must fail here, not index out
    /// of range in the engine).
    mutating func encoded() throws -> EncodedColumn {
      let codes = try array(Int32.self)
      let values = try strings()
      let n = Int32(values.count)
      guard codes.allSatisfy({ $0 >= -1 && $0 < n }) else { throw Failure.truncated }
      return EncodedColumn(codes: codes, values: values)
    }
    mutating func multi() throws -> EncodedMultiColumn {
      var c = EncodedMultiColumn()
      c.offsets = try array(Int32.self)
      c.codes = try array(Int32.self)
      c.values = try strings()
      let n = Int32(c.values.count)
      guard c.offsets.first == 0, Int(c.offsets.last ?? -1) == c.codes.count,
        zip(c.offsets, c.offsets.dropFirst()).allSatisfy({ $0 <= $1 }),
        c.codes.allSatisfy({ $0 >= 0 && $0 < n })
      else { throw Failure.truncated }
      return c
    }
  }

  // MARK: The file

  /// Layout: magic, key, as-of, ticket and chat row counts, where the directory starts (filled
  /// in last), the columns, then the directory: per column its name ("tickets.created_at"), its
  /// kind, where its bytes start and how many there are. A reader reads the header and the
  /// directory, then only the columns asked for, at the same time.
  ///
  /// Writes the cache for `key` to `file`: a temporary file renamed into place. Best effort:
  /// false (and no file) when it cannot be written.
  @discardableResult
  static func write(
    to file: String, key: String, asOf: Instant?, _ t: TicketColumns, _ c: ChatColumns,
    columns: ColumnSelection = .all
  ) -> Bool {
    let temporary = file + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return false }
    var w = Writer(fd: fd)
    magic.withUnsafeBytes { w.raw($0) }
    w.string(key)
    w.int(asOf.map { Int($0.milliseconds) } ?? Int.min)
    w.int(t.count)
    w.int(c.count)
    let directoryField = w.written
    w.int(0)
    var directory: [(name: String, kind: Int, start: Int, end: Int)] = []
    func column<Root>(_ name: String, _ slot: ColumnSlot<Root>, of root: Root) {
      let start = w.written
      guard let kind = w.column(slot, of: root) else { return }
      directory.append((name, kind, start, w.written))
    }
    for col in columns.tickets.sorted(by: { $0.name < $1.name }) {
      column(TicketColumn.table + "." + col.name, col.slot, of: t)
    }
    for col in columns.chats.sorted(by: { $0.name < $1.name }) {
      column(ChatColumn.table + "." + col.name, col.slot, of: c)
    }
    let directoryStart = w.written
    w.int(directory.count)
    for e in directory {
      w.string(e.name)
      w.int(e.kind)
      w.int(e.start)
      w.int(e.end)
    }
    w.flush()
    let patched = withUnsafeBytes(of: Int64(directoryStart).littleEndian) {
      pwrite(fd, $0.baseAddress!, $0.count, off_t(directoryField)) == $0.count
    }
    let closed = close(fd) == 0
    guard !w.failed, patched, closed, rename(temporary, file) == 0 else {
      unlink(temporary)
      return false
    }
    return true
  }

  /// The columns of `selection` from the cache at `file` if it was written for `key`; nil when
  /// missing, stale or damaged, or when it lacks a column asked for. The columns are read at
  /// the same time, each straight into its array; all-null columns of a table share one array.
  static func read(_ file: String, key: String, _ selection: ColumnSelection) -> (
    TicketColumns, ChatColumns, Instant?
  )? {
    let fd = open(file, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    guard let (h, ticketJobs, chatJobs) = plan(fd, key: key, selection) else { return nil }
    let (asOf, ticketRows, chatRows) = (h.asOf, h.ticketRows, h.chatRows)
    let jobs =
      ticketJobs.map { ($0.1, ticketRows, $0.0.slot.kind) }
      + chatJobs.map { ($0.1, chatRows, $0.0.slot.kind) }
    let results = concurrentSlots(jobs.count) { i -> ColumnData? in
      let (e, rows, kind) = jobs[i]
      guard e.kind == kind else { return nil }
      var r = Reader(fd: fd, position: e.start, remaining: e.end - e.start)
      r.rows = rows
      return try? r.section { r throws in try r.column(kind: kind) }
    }
    guard
      let t = table(ticketJobs, results[..<ticketJobs.count], rows: ticketRows),
      let c = table(chatJobs, results[ticketJobs.count...], rows: chatRows)
    else { return nil }
    return (t, c, asOf)
  }
}

extension ColumnCache {
  /// Where a column is in the file.
  typealias Entry = (kind: Int, start: Int, end: Int)

  /// The header of the cache open at `fd` and where each column of `selection` is in it, when
  /// it was written for `key` and holds every one of them (nil when missing, stale, damaged or
  /// lacking a column asked for).
  static func plan(_ fd: Int32, key: String, _ selection: ColumnSelection) -> (
    header: (
      key: String, asOf: Instant?, ticketRows: Int, chatRows: Int, directory: [String: Entry]
    ),
    tickets: [(TicketColumn, Entry)], chats: [(ChatColumn, Entry)]
  )? {
    guard let h = header(fd), h.key == key,
      let tickets = jobs(selection.tickets, in: h.directory),
      let chats = jobs(selection.chats, in: h.directory)
    else { return nil }
    return (h, tickets, chats)
  }

  /// Whether the cache at `file` was written for `key` and holds every column of `selection`
  /// (its header and directory are read, no column).
  static func holds(_ file: String, key: String, _ selection: ColumnSelection) -> Bool {
    let fd = open(file, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return plan(fd, key: key, selection) != nil
  }

  /// The header and directory of the cache open at `fd` (nil when damaged).
  static func header(_ fd: Int32) -> (
    key: String, asOf: Instant?, ticketRows: Int, chatRows: Int, directory: [String: Entry]
  )? {
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    let size = Int(st.st_size)
    var r = Reader(fd: fd, position: 0, remaining: size)
    do {
      guard try r.array(UInt8.self, count: magic.count) == magic else { return nil }
      let key = try r.string()
      let asOfValue = try r.int()
      let asOf = asOfValue == Int.min ? nil : Instant(milliseconds: Int64(asOfValue))
      let ticketRows = try r.int()
      let chatRows = try r.int()
      let directoryStart = try r.int()
      guard ticketRows >= 0, chatRows >= 0, directoryStart >= r.position, directoryStart <= size
      else { return nil }
      var d = Reader(fd: fd, position: directoryStart, remaining: size - directoryStart)
      let entries = try d.int()
      guard entries >= 0, entries <= 1024 else { return nil }
      var directory: [String: Entry] = [:]
      for _ in 0..<entries {
        let name = try d.string()
        let kind = try d.int()
        let start = try d.int()
        let end = try d.int()
        guard start >= r.position, start <= end, end <= directoryStart else { return nil }
        directory[name] = (kind, start, end)
      }
      guard d.remaining == 0 else { return nil }
      return (key, asOf, ticketRows, chatRows, directory)
    } catch {
      return nil
    }
  }

  /// The columns the cache at `file` holds, whatever state it was written for (nil when there
  /// is none): a rebuild reads them too, so that a cache grows to what its readers use.
  static func stored(_ file: String) -> ColumnSelection? {
    let fd = open(file, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    guard let h = header(fd) else { return nil }
    var s = ColumnSelection()
    for name in h.directory.keys {
      if let c = TicketColumn.named(name) { s.tickets.insert(c) }
      if let c = ChatColumn.named(name) { s.chats.insert(c) }
    }
    return s
  }

  /// The directory entries of `columns`, nil when the cache lacks one (a partial cache holds
  /// only the columns read when it was built).
  static func jobs<C: CacheColumn>(_ columns: Set<C>, in directory: [String: Entry]) -> [(
    C, Entry
  )]? {
    var out: [(C, Entry)] = []
    for col in columns.sorted(by: { $0.name < $1.name }) {
      guard let e = directory[C.table + "." + col.name] else { return nil }
      out.append((col, e))
    }
    return out
  }

  /// A table from its columns read back (nil when one is missing or has the wrong length).
  static func table<C: CacheColumn>(
    _ jobs: [(C, Entry)], _ results: ArraySlice<ColumnData?>,
    rows: Int
  ) -> C.Table? {
    var t = C.Table()
    t.count = rows
    var shared = SharedNulls()
    for (job, data) in zip(jobs, results) {
      guard let data, t.assign(job.0.slot, data, rows: rows, &shared) else { return nil }
    }
    return t
  }
}

/// A column of a table the cache holds.
protocol CacheColumn: Hashable {
  associatedtype Table: CachedColumns
  /// The table's name in the directory ("tickets").
  static var table: String { get }
  static var fixed: [Self] { get }
  static func dimension(_ name: String) -> Self
  static var tags: Self { get }
  var name: String { get }
  var slot: ColumnSlot<Table> { get }
}

extension CacheColumn {
  /// The column a directory name ("tickets.created_at") stands for.
  static func named(_ entry: String) -> Self? {
    let prefix = table + "."
    guard entry.hasPrefix(prefix) else { return nil }
    let name = String(entry.dropFirst(prefix.count))
    if let c = (fixed + [tags]).first(where: { $0.name == name }) { return c }
    guard name.hasPrefix("dimension.") else { return nil }
    return dimension(String(name.dropFirst("dimension.".count)))
  }
}

extension TicketColumn: CacheColumn {
  static let table = "tickets"
}

extension ChatColumn: CacheColumn {
  static let table = "chats"
}

/// A column's values as read from the cache.
enum ColumnData {
  case instants([Int64]?), doubles([Double]?), int32([Int32]), int8([Int8]), bools([Bool])
  case encoded(EncodedColumn), multi(EncodedMultiColumn)
}

/// Where a column lives in its table's struct, and so how it is stored.
enum ColumnSlot<Root> {
  case instants(WritableKeyPath<Root, [Int64]>)
  case doubles(WritableKeyPath<Root, [Double]>)
  case int32(WritableKeyPath<Root, [Int32]>)
  case int8(WritableKeyPath<Root, [Int8]>)
  case bools(WritableKeyPath<Root, [Bool]>)
  case encoded(WritableKeyPath<Root, [String: EncodedColumn]>, String)
  case multi(WritableKeyPath<Root, EncodedMultiColumn>)

  /// The kind recorded in the cache's directory.
  var kind: Int {
    switch self {
    case .instants: 0
    case .doubles: 1
    case .int32: 2
    case .int8: 3
    case .bools: 4
    case .encoded: 5
    case .multi: 6
    }
  }
}

/// All-null columns of one table read back as one array per type.
struct SharedNulls {
  var instants: [Int64]? = nil
  var doubles: [Double]? = nil
}

extension TicketColumn {
  var slot: ColumnSlot<TicketColumns> {
    switch self {
    case .createdAt: .instants(\.createdAt)
    case .updatedAt: .instants(\.updatedAt)
    case .firstReplyAt: .instants(\.firstReplyAt)
    case .solvedAt: .instants(\.solvedAt)
    case .escalatedAt: .instants(\.escalatedAt)
    case .vendor(let m): .doubles(\.vendor[m.rawValue])
    case .requesterWait: .doubles(\.requesterWait)
    case .agentWait: .doubles(\.agentWait)
    case .onHold: .doubles(\.onHold)
    case .reopens: .int32(\.reopens)
    case .replies: .int32(\.replies)
    case .satisfaction: .int8(\.satisfaction)
    case .dimension(let d): .encoded(\.dimensions, d)
    case .tags: .multi(\.tags)
    }
  }
}

extension ChatColumn {
  var slot: ColumnSlot<ChatColumns> {
    switch self {
    case .startedAt: .instants(\.startedAt)
    case .firstAgentAt: .instants(\.firstAgentAt)
    case .endedAt: .instants(\.endedAt)
    case .missed: .int8(\.missed)
    case .offline: .bools(\.offline)
    case .satisfaction: .int8(\.satisfaction)
    case .messages: .int32(\.messages)
    case .agentMessages: .int32(\.agentMessages)
    case .visitorMessages: .int32(\.visitorMessages)
    case .dimension(let d): .encoded(\.dimensions, d)
    case .tags: .multi(\.tags)
    }
  }
}

extension ColumnCache.Writer {
  /// Writes one column; returns its kind (nil, and nothing written, for a dimension the table
  /// does not have).
  mutating func column<Root>(_ slot: ColumnSlot<Root>, of root: Root) -> Int? {
    switch slot {
    case .instants(let k): instants(root[keyPath: k])
    case .doubles(let k): doubles(root[keyPath: k])
    case .int32(let k): array(root[keyPath: k])
    case .int8(let k): array(root[keyPath: k])
    case .bools(let k): array(root[keyPath: k])
    case .encoded(let k, let name):
      guard let c = root[keyPath: k][name] else { return nil }
      encoded(c)
    case .multi(let k): multi(root[keyPath: k])
    }
    return slot.kind
  }
}

extension ColumnCache.Reader {
  /// Runs `body` and checks that it read the whole section.
  mutating func section<T>(_ body: (inout Self) throws -> T) throws -> T {
    let v = try body(&self)
    guard remaining == 0 else { throw Failure.truncated }
    return v
  }

  mutating func column(kind: Int) throws -> ColumnData {
    switch kind {
    case 0: .instants(try instants())
    case 1: .doubles(try doubles())
    case 2: .int32(try array(Int32.self))
    case 3: .int8(try array(Int8.self))
    case 4: .bools(try array(Bool.self))
    case 5: .encoded(try encoded())
    case 6: .multi(try multi())
    default: throw Failure.truncated
    }
  }
}

/// The tables whose columns the cache holds.
protocol CachedColumns {
  init()
  var count: Int { get set }
}

extension TicketColumns: CachedColumns {}
extension ChatColumns: CachedColumns {}

extension CachedColumns {
  /// Stores a column read back, after checking that it has a value per row; false when it
  /// does not (or its kind does not fit the slot).
  mutating func assign(
    _ slot: ColumnSlot<Self>, _ data: ColumnData, rows: Int, _ shared: inout SharedNulls
  ) -> Bool {
    switch (slot, data) {
    case (.instants(let k), .instants(let a)):
      if let a {
        guard a.count == rows else { return false }
        self[keyPath: k] = a
      } else {
        if shared.instants == nil {
          shared.instants = Array(repeating: TicketColumns.null, count: rows)
        }
        self[keyPath: k] = shared.instants!
      }
    case (.doubles(let k), .doubles(let a)):
      if let a {
        guard a.count == rows else { return false }
        self[keyPath: k] = a
      } else {
        if shared.doubles == nil { shared.doubles = Array(repeating: .nan, count: rows) }
        self[keyPath: k] = shared.doubles!
      }
    case (.int32(let k), .int32(let a)):
      guard a.count == rows else { return false }
      self[keyPath: k] = a
    case (.int8(let k), .int8(let a)):
      guard a.count == rows else { return false }
      self[keyPath: k] = a
    case (.bools(let k), .bools(let a)):
      guard a.count == rows else { return false }
      self[keyPath: k] = a
    case (.encoded(let k, let name), .encoded(let c)):
      guard c.codes.count == rows else { return false }
      self[keyPath: k][name] = c
    case (.multi(let k), .multi(let c)):
      guard c.offsets.count == rows + 1 else { return false }
      self[keyPath: k] = c
    default:
      return false
    }
    return true
  }
}

/// The metric columns asked for, what they hold, and the data's as-of.
public struct MetricColumns: Sendable {
  public var tickets: TicketColumns
  public var chats: ChatColumns
  /// The newest ticket update; with no tickets, the newest chat end (nil with neither).
  public var asOf: Instant?
  /// The columns loaded: at least those asked for (a rebuild from SQLite loads them all).
  public var loaded: ColumnSelection
  /// Names that differ only in case or spacing, merged (`SpellingMerge`).
  public var spellingMerges: [SpellingMerge] = []

  init(tickets: TicketColumns, chats: ChatColumns, asOf: Instant?, loaded: ColumnSelection) {
    self.tickets = tickets
    self.chats = chats
    self.asOf = asOf
    self.loaded = loaded
    // People, groups and organizations are names: one spelling per entity. (The cache keeps
    // the columns as stored; the merge is a pass over the codes on every load.)
    // A name in both tables is shown in the spelling commonest over both (the other table's
    // rows per spelling, as stored, are counted only when a name has two spellings). The seven
    // columns are merged at once: the requesters of a million tickets take a tenth of a second.
    let ticketColumns = tickets.dimensions
    let chatColumns = chats.dimensions
    let jobs =
      ["group", "assignee", "organization", "requester"].map { (table: "tickets", dimension: $0) }
      + ["group", "assignee", "requester"].map { (table: "chats", dimension: $0) }
    let done = concurrentSlots(jobs.count) { j in
      let (table, d) = jobs[j]
      let (mine, other) =
        table == "tickets" ? (ticketColumns, chatColumns) : (chatColumns, ticketColumns)
      // Chats' organizations are not merged, nor counted for the tickets' spelling.
      return mine[d]?.mergingSpellings(dimension: d, table: table) {
        d == "organization" ? [:] : other[d]?.rowsPerValue ?? [:]
      }
    }
    for (j, job) in jobs.enumerated() {
      guard let (merged, merges) = done[j] else { continue }
      if job.table == "tickets" {
        self.tickets.dimensions[job.dimension] = merged
      } else {
        self.chats.dimensions[job.dimension] = merged
      }
      spellingMerges += merges
    }
    spellingMerges.sort {
      ($0.table, $0.dimension, $0.display) < ($1.table, $1.dimension, $1.display)
    }
  }
}

extension Warehouse {
  /// The state the column cache is valid for.
  func columnCacheKey() throws(WarehouseError) -> String {
    // A file skipped as unchanged records a run_files row too, but changes nothing: only
    // files that were read count.
    let run =
      try connection.scalarInt("SELECT coalesce(max(id), 0) FROM run_files WHERE skipped = 0") ?? 0
    // The newest row ids, not counts: a count walks a whole index (through the memory map,
    // tens of megabytes resident); every change of rows comes with a new run_files id or a
    // generation anyway.
    let tickets = try connection.scalarInt("SELECT max(rowid) FROM tickets") ?? 0
    let chats = try connection.scalarInt("SELECT max(rowid) FROM chats") ?? 0
    let sentiment = try insightState("sentiment_generation") ?? 0
    let category = try insightState("category_generation") ?? 0
    // Which warehouse, and which inputs: a warehouse deleted and loaded again with other files
    // can reach the same ids and generations, but not the same first run or file hashes.
    let created = try connection.scalarText("SELECT started_at FROM runs ORDER BY id LIMIT 1") ?? ""
    var inputs = FNV1a()
    let st = try connection.prepare(
      "SELECT source, path, size, hash FROM source_files ORDER BY source, path")
    while try st.step() {
      for i in 0..<4 {
        inputs.add(st.text(Int32(i)) ?? "")
        inputs.separate()
      }
    }
    return
      "v\(Schema.migrations.count) files=\(run) tickets=\(tickets) chats=\(chats) sentiment=\(sentiment) category=\(category) created=\(created) inputs=\(inputs.value)"
  }

  /// The state of everything a report is computed from: the metric columns' state (every file
  /// read, the newest rows, the sentiment and category generations) plus the articles and search
  /// terms and the classifier's key. Equal keys mean equal data, as long as the warehouse is
  /// changed only through TicketLens (as for the column cache).
  public func contentKey() throws(WarehouseError) -> String {
    let articles = try connection.scalarInt("SELECT max(rowid) FROM articles") ?? 0
    let searches = try connection.scalarInt("SELECT max(rowid) FROM search_terms") ?? 0
    let categoryKey = try insightState("category_key") ?? 0
    let sentimentVersion = try insightState("sentiment_version") ?? 0
    return try columnCacheKey()
      + " articles=\(articles) searches=\(searches) category_key=\(categoryKey) sentiment_version=\(sentimentVersion)"
  }

  /// Makes the column cache hold every column of `selection` for the warehouse as it is now,
  /// reading SQLite only when it does not (nothing is read when it does). A pipeline calls it
  /// before its quality checks when its report follows, so that the rebuild after a change runs
  /// alone instead of beside the report's insights (a lower peak; the report then reads the
  /// cache). Writing the cache is best effort: when it cannot be written, the report reads
  /// SQLite again. Returns whether SQLite was read.
  @discardableResult
  public func prepareColumnCache(_ selection: ColumnSelection = .all) throws(WarehouseError)
    -> Bool
  {
    let key = try columnCacheKey()
    guard !ColumnCache.holds(ColumnCache.path(path), key: key, selection) else { return false }
    // The columns are only written: no spelling merges for a `MetricColumns` nobody reads.
    _ = try rebuildColumnCacheFile(selection, key: key)
    return true
  }

  /// The metric columns of `selection` (default all), from the cache when it matches the
  /// warehouse and holds them, else from SQLite: then the columns asked for and those the old
  /// cache held are read, and the cache is rewritten with them (best effort). The as-of is kept
  /// in the cache because computing it scans the tickets table.
  public func metricColumns(_ selection: ColumnSelection = .all) throws(WarehouseError)
    -> MetricColumns
  {
    let key = try columnCacheKey()
    if let (t, c, asOf) = ColumnCache.read(ColumnCache.path(path), key: key, selection) {
      return MetricColumns(tickets: t, chats: c, asOf: asOf, loaded: selection)
    }
    return try rebuildColumnCache(selection, key: key)
  }

  /// Reads the columns of `selection`, and those the cache held, from SQLite and rewrites the
  /// cache for `key` with them (best effort).
  private func rebuildColumnCache(_ selection: ColumnSelection, key: String)
    throws(WarehouseError) -> MetricColumns
  {
    let (tickets, chats, asOf, wanted) = try rebuildColumnCacheFile(selection, key: key)
    return MetricColumns(tickets: tickets, chats: chats, asOf: asOf, loaded: wanted)
  }

  /// `rebuildColumnCache` up to the columns read and written.
  private func rebuildColumnCacheFile(_ selection: ColumnSelection, key: String)
    throws(WarehouseError) -> (TicketColumns, ChatColumns, Instant?, ColumnSelection)
  {
    let file = ColumnCache.path(path)
    let wanted = ColumnCache.stored(file).map { $0.union(selection) } ?? selection
    let (tickets, chats, ticketAsOf) = try readColumns(chats: true, selection: wanted)
    var asOf = ticketAsOf
    if asOf == nil, let end = try connection.scalarInt("SELECT max(ended_at) FROM chats") {
      asOf = Instant(milliseconds: end)
    }
    ColumnCache.write(to: file, key: key, asOf: asOf, tickets, chats, columns: wanted)
    return (tickets, chats, asOf, wanted)
  }
}
