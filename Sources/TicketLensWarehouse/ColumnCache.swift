import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#endif
import TicketLensModel

/// A binary copy of the metric columns beside the warehouse (`<warehouse>.columns`), so that
/// repeated queries do not re-read a million rows from SQLite. It is valid for one state of
/// the warehouse: its key is the newest `run_files` id (every load adds one) and the row counts;
/// any other state rebuilds it. Writing it is best effort (a read-only folder just means no
/// cache); it is written to a temporary file and renamed.
enum ColumnCache {
  static let magic = Array("TLCOLS5\n".utf8)

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
    mutating func dims(_ d: [String: EncodedColumn]) {
      let names = d.keys.sorted()
      int(names.count)
      for n in names {
        string(n)
        encoded(d[n]!)
      }
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
    var nullDoubles: [Double] = []
    var nullInstants: [Int64] = []
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
    mutating func doubles() throws -> [Double] {
      let n = try int()
      guard n == -1 else { return try array(Double.self, count: n) }
      guard try int() == rows else { throw Failure.truncated }
      if nullDoubles.count != rows { nullDoubles = Array(repeating: .nan, count: rows) }
      return nullDoubles
    }
    mutating func instants() throws -> [Int64] {
      let n = try int()
      guard n == -1 else { return try array(Int64.self, count: n) }
      guard try int() == rows else { throw Failure.truncated }
      if nullInstants.count != rows {
        nullInstants = Array(repeating: TicketColumns.null, count: rows)
      }
      return nullInstants
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
    mutating func dims() throws -> [String: EncodedColumn] {
      var d: [String: EncodedColumn] = [:]
      for _ in 0..<(try int()) {
        let name = try string()
        d[name] = try encoded()
      }
      return d
    }
  }

  /// Writes the cache for `key` to `file`: a temporary file renamed into place. Best effort:
  /// false (and no file) when it cannot be written.
  @discardableResult
  static func write(
    to file: String, key: String, asOf: Instant?, _ t: TicketColumns, _ c: ChatColumns
  ) -> Bool {
    let temporary = file + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return false }
    var w = Writer(fd: fd)
    magic.withUnsafeBytes { w.raw($0) }
    w.string(key)
    w.int(asOf.map { Int($0.milliseconds) } ?? Int.min)
    // Where the three sections end (filled in below), so that a reader can read them at once.
    let table = w.written
    for _ in 0..<3 { w.int(0) }
    var ends: [Int64] = []
    w.int(t.count)
    w.array(t.createdAt)
    w.instants(t.updatedAt)
    w.instants(t.firstReplyAt)
    w.instants(t.solvedAt)
    w.instants(t.escalatedAt)
    for v in t.vendor { w.doubles(v) }
    w.doubles(t.requesterWait)
    w.doubles(t.agentWait)
    w.doubles(t.onHold)
    w.array(t.reopens)
    w.array(t.replies)
    w.array(t.satisfaction)
    ends.append(Int64(w.written))
    w.dims(t.dimensions)
    w.multi(t.tags)
    ends.append(Int64(w.written))
    w.int(c.count)
    w.array(c.startedAt)
    w.instants(c.firstAgentAt)
    w.instants(c.endedAt)
    w.array(c.missed)
    w.array(c.offline)
    w.array(c.satisfaction)
    w.array(c.messages)
    w.array(c.agentMessages)
    w.array(c.visitorMessages)
    w.dims(c.dimensions)
    w.multi(c.tags)
    ends.append(Int64(w.written))
    w.flush()
    let patched = ends.map(\.littleEndian).withUnsafeBytes {
      pwrite(fd, $0.baseAddress!, $0.count, off_t(table)) == $0.count
    }
    let closed = close(fd) == 0
    guard !w.failed, patched, closed, rename(temporary, file) == 0 else {
      unlink(temporary)
      return false
    }
    return true
  }

  /// The cache at `file` if it was written for `key`; nil when missing, stale or damaged. Its
  /// three sections (ticket facts, ticket dimensions, chats) are read at the same time.
  static func read(_ file: String, key: String) -> (TicketColumns, ChatColumns, Instant?)? {
    let fd = open(file, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    var r = Reader(fd: fd, position: 0, remaining: Int(st.st_size))
    let asOf: Instant?
    var sections: [(start: Int, end: Int)] = []
    do {
      guard try r.array(UInt8.self, count: magic.count) == magic else { return nil }
      guard try r.string() == key else { return nil }
      let asOfValue = try r.int()
      asOf = asOfValue == Int.min ? nil : Instant(milliseconds: Int64(asOfValue))
      var start = r.position + 3 * 8
      for _ in 0..<3 {
        let end = try r.int()
        guard end >= start, end <= Int(st.st_size) else { return nil }
        sections.append((start, end))
        start = end
      }
      guard start == Int(st.st_size) else { return nil }
    } catch {
      return nil
    }
    nonisolated(unsafe) var facts: TicketColumns? = nil
    nonisolated(unsafe) var dims: ([String: EncodedColumn], EncodedMultiColumn)? = nil
    nonisolated(unsafe) var chats: ChatColumns? = nil
    let parts = sections
    DispatchQueue.concurrentPerform(iterations: 3) { i in
      var r = Reader(fd: fd, position: parts[i].start, remaining: parts[i].end - parts[i].start)
      switch i {
      case 0: facts = try? r.ticketFacts()
      case 1: dims = try? r.section { r throws in (try r.dims(), try r.multi()) }
      default: chats = try? r.section { r throws in try r.chats() }
      }
    }
    guard var t = facts, let (d, tags) = dims, let c = chats,
      d.values.allSatisfy({ $0.codes.count == t.count }), tags.offsets.count == t.count + 1
    else { return nil }
    t.dimensions = d
    t.tags = tags
    return (t, c, asOf)
  }
}

extension ColumnCache.Reader {
  /// Runs `body` and checks that it read the whole section.
  mutating func section<T>(_ body: (inout Self) throws -> T) throws -> T {
    let v = try body(&self)
    guard remaining == 0 else { throw Failure.truncated }
    return v
  }

  mutating func ticketFacts() throws -> TicketColumns {
    try section { r throws in
      var t = TicketColumns()
      t.count = try r.int()
      t.createdAt = try r.array(Int64.self)
      guard t.createdAt.count == t.count else { throw Failure.truncated }
      r.rows = t.count
      t.updatedAt = try r.instants()
      t.firstReplyAt = try r.instants()
      t.solvedAt = try r.instants()
      t.escalatedAt = try r.instants()
      for k in t.vendor.indices { t.vendor[k] = try r.doubles() }
      t.requesterWait = try r.doubles()
      t.agentWait = try r.doubles()
      t.onHold = try r.doubles()
      t.reopens = try r.array(Int32.self)
      t.replies = try r.array(Int32.self)
      t.satisfaction = try r.array(Int8.self)
      return t
    }
  }

  mutating func chats() throws -> ChatColumns {
    var c = ChatColumns()
    c.count = try int()
    c.startedAt = try array(Int64.self)
    guard c.startedAt.count == c.count else { throw Failure.truncated }
    rows = c.count
    c.firstAgentAt = try instants()
    c.endedAt = try instants()
    c.missed = try array(Int8.self)
    c.offline = try array(Bool.self)
    c.satisfaction = try array(Int8.self)
    c.messages = try array(Int32.self)
    c.agentMessages = try array(Int32.self)
    c.visitorMessages = try array(Int32.self)
    c.dimensions = try dims()
    c.tags = try multi()
    return c
  }
}

extension Warehouse {
  /// The state the column cache is valid for.
  func columnCacheKey() throws(WarehouseError) -> String {
    let run = try connection.scalarInt("SELECT coalesce(max(id), 0) FROM run_files") ?? 0
    // The newest row ids, not counts: a count walks a whole index (through the memory map,
    // tens of megabytes resident); every change of rows comes with a new run_files id or a
    // generation anyway.
    let tickets = try connection.scalarInt("SELECT max(rowid) FROM tickets") ?? 0
    let chats = try connection.scalarInt("SELECT max(rowid) FROM chats") ?? 0
    let sentiment = try insightState("sentiment_generation") ?? 0
    let category = try insightState("category_generation") ?? 0
    return
      "v\(Schema.migrations.count) files=\(run) tickets=\(tickets) chats=\(chats) sentiment=\(sentiment) category=\(category)"
  }

  /// Ticket and chat columns, from the cache when it matches the warehouse, else from SQLite
  /// (then the cache is rewritten, best effort).
  /// Also returns the data's as-of (`dataAsOf()`), kept in the cache because computing it scans
  /// the tickets table.
  public func metricColumns() throws(WarehouseError) -> (
    tickets: TicketColumns, chats: ChatColumns, asOf: Instant?
  ) {
    let key = try columnCacheKey()
    let file = ColumnCache.path(path)
    if let cached = ColumnCache.read(file, key: key) { return cached }
    let (tickets, chats, asOf) = try readColumns(chats: true)
    ColumnCache.write(to: file, key: key, asOf: asOf, tickets, chats)
    return (tickets, chats, asOf)
  }
}
