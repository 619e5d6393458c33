import Dispatch
import TicketLensModel

/// One field of a CSV record: a byte range into the file, and whether it needs unquoting.
public struct CSVField: Sendable, Hashable {
  /// Offset of the first content byte (after an opening quote).
  public var start: Int
  /// Offset one past the last content byte (before a closing quote).
  public var end: Int
  /// True when the content holds doubled quotes (`""`) that stand for one quote.
  public var hasEscapedQuotes: Bool
}

/// One CSV record as the reader saw it.
public struct CSVRecord: Sendable {
  /// 1-based physical line the record starts on.
  public var line: Int
  /// Byte range of the whole record, without its line terminator.
  public var start: Int
  public var end: Int
  public var fields: [CSVField]
  /// A problem that makes the record unusable (unterminated quote, text after a closing quote,
  /// invalid UTF-8), if any.
  public var problem: (code: IngestIssue.Code, message: String)?
}

/// An RFC 4180 CSV reader over bytes.
///
/// Quoted fields may hold delimiters, doubled quotes and CR/LF line breaks; lines may end in CRLF,
/// LF or CR; a UTF-8 byte-order mark is skipped; the delimiter (`,`, `;` or tab) is taken from
/// the header line. A quote inside an unquoted field is kept as a literal character. Invalid
/// UTF-8 marks the record, naming the byte; it is never silently replaced. Blank lines are
/// skipped. Line numbers are 1-based physical lines.
///
/// Large inputs are split into chunks at record boundaries found from quote parity, and the
/// chunks are parsed in parallel; a chunk whose sequential parse disagrees with the parity split
/// (only possible with stray quotes) is re-parsed sequentially from the last agreed boundary,
/// so the result is always that of a single sequential pass.
public struct CSVReader: @unchecked Sendable {  // bytes are immutable and owned by a MappedFile
  public let bytes: UnsafeRawBufferPointer
  public let delimiter: UInt8
  /// Offset of the first byte after the BOM.
  public let bodyStart: Int
  /// Drops the pages the scanners have passed (for a mapped file), so a gigabyte-long record is
  /// streamed through a bounded window of memory.
  public let release: PageRelease?

  /// Reads a mapped file, releasing its pages behind the scanners.
  public init(file: MappedFile, delimiter: UInt8? = nil) {
    self.init(bytes: file.bytes, delimiter: delimiter, release: file.pageRelease)
  }

  public init(bytes: UnsafeRawBufferPointer, delimiter: UInt8? = nil, release: PageRelease? = nil) {
    self.bytes = bytes
    self.release = release
    var s = 0
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { s = 3 }
    bodyStart = s
    self.delimiter = delimiter ?? CSVReader.sniffDelimiter(bytes, from: s)
  }

  /// The delimiter that occurs most often (outside quotes) in the first line (its first 64 KiB):
  /// `,` unless `;` or tab is more frequent.
  public static func sniffDelimiter(_ b: UnsafeRawBufferPointer, from: Int) -> UInt8 {
    var counts = (comma: 0, semi: 0, tab: 0)
    var inQuotes = false
    var i = from
    let end = min(b.count, from + 65_536)
    while i < end {
      let c = b[i]
      if c == 0x22 {
        inQuotes.toggle()
      } else if !inQuotes {
        if c == 0x0A || c == 0x0D { break }
        if c == 0x2C {
          counts.comma += 1
        } else if c == 0x3B {
          counts.semi += 1
        } else if c == 0x09 {
          counts.tab += 1
        }
      }
      i += 1
    }
    if counts.semi > counts.comma && counts.semi >= counts.tab { return 0x3B }
    if counts.tab > counts.comma && counts.tab > counts.semi { return 0x09 }
    return 0x2C
  }

  // MARK: - Sequential parsing

  /// Parses records from `start` (a record start, on physical line `line`) until a record ends at
  /// or after `limit`. Calls `body` for each non-blank record; returns the offset where parsing
  /// stopped and the line number there.
  @discardableResult
  /// The records after the header (a file failing on its header still says what it held).
  public func recordCount(from start: Int, line: Int) -> Int {
    var n = 0
    _ = parse(from: start, line: line, limit: bytes.count) { _ in n += 1 }
    return n
  }

  /// Blank lines and lines of only spaces and tabs are no records: they are skipped, each
  /// reported to `blank` with its line number.
  public func parse(
    from start: Int, line: Int, limit: Int, blank: (Int) -> Void = { _ in },
    _ body: (inout CSVRecord) -> Void
  ) -> (end: Int, line: Int) {
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
      return (start, line)
    }
    let n = bytes.count
    let d = delimiter
    var pos = start
    var lineNo = line
    var cursor = ReleaseCursor(release, from: start)
    var record = CSVRecord(line: line, start: start, end: start, fields: [], problem: nil)
    record.fields.reserveCapacity(32)
    while pos < limit && pos < n {
      // Blank line: skip.
      let c0 = base[pos]
      if c0 == 0x0A || c0 == 0x0D {
        blank(lineNo)
        pos += (c0 == 0x0D && pos + 1 < n && base[pos + 1] == 0x0A) ? 2 : 1
        lineNo += 1
        continue
      }
      record.fields.removeAll(keepingCapacity: true)
      record.problem = nil
      record.line = lineNo
      record.start = pos
      var high: UInt8 = 0
      while true {
        if pos < n && base[pos] == 0x22 {
          // Quoted field: find the closing quote, skipping doubled quotes.
          let fieldStart = pos + 1
          var p = fieldStart
          var escaped = false
          var closed = false
          while p < n {
            let span = min(n - p, PageRelease.window)
            guard let q = memchrQuote(base + p, span) else {
              countBreaks(base, p, p + span, n, &lineNo, &high)
              p += span
              cursor.passed(p)
              continue
            }
            let qi = p + q
            countBreaks(base, p, qi, n, &lineNo, &high)
            if qi + 1 < n && base[qi + 1] == 0x22 {
              escaped = true
              p = qi + 2
              continue
            }
            p = qi
            closed = true
            break
          }
          if !closed {
            record.fields.append(CSVField(start: fieldStart, end: n, hasEscapedQuotes: escaped))
            record.problem = (
              .unterminatedQuote,
              "unterminated quoted field opened on line \(record.line) runs to the end of the file"
            )
            pos = n
            break
          }
          record.fields.append(CSVField(start: fieldStart, end: p, hasEscapedQuotes: escaped))
          pos = p + 1
          if pos < n, base[pos] != d, base[pos] != 0x0A, base[pos] != 0x0D {
            // Text after the closing quote: keep it in the field, flag the record.
            if record.problem == nil {
              record.problem = (
                .strayQuote, "text after the closing quote of field \(record.fields.count)"
              )
            }
            skipField(base, &pos, n, &high, &cursor)
            record.fields[record.fields.count - 1].end = pos
          }
        } else {
          // Unquoted field: up to the delimiter or line end.
          let fieldStart = pos
          skipField(base, &pos, n, &high, &cursor)
          record.fields.append(CSVField(start: fieldStart, end: pos, hasEscapedQuotes: false))
        }
        if pos >= n {
          record.end = n
          break
        }
        let c = base[pos]
        if c == d {
          pos += 1
          continue
        }
        // Line end.
        record.end = pos
        pos += (c == 0x0D && pos + 1 < n && base[pos + 1] == 0x0A) ? 2 : 1
        lineNo += 1
        break
      }
      // A line of only spaces and tabs (one unquoted field of them): no record either.
      if record.fields.count == 1, record.problem == nil, base[record.start] != 0x22,
        (record.start..<record.end).allSatisfy({ base[$0] == 0x20 || base[$0] == 0x09 })
      {
        blank(record.line)
        cursor.passed(pos)
        continue
      }
      validateSizeAndNUL(&record, base)
      if high & 0x80 != 0 { validateUTF8(&record, base) }
      body(&record)
      cursor.passed(pos)
    }
    cursor.finish(pos)
    return (pos, lineNo)
  }

  /// Advances `pos` to the next delimiter or line break (the rest of an unquoted field), noting
  /// high bytes; releases pages behind it on a field longer than the release window.
  @inline(__always)
  private func skipField(
    _ base: UnsafePointer<UInt8>, _ pos: inout Int, _ n: Int, _ high: inout UInt8,
    _ cursor: inout ReleaseCursor
  ) {
    let d = delimiter
    var h: UInt8 = 0
    var p = pos
    scan: while p < n {
      let stop = min(n, p + PageRelease.window)
      while p < stop {
        let c = base[p]
        if c == d || c == 0x0A || c == 0x0D { break scan }
        h |= c
        p += 1
      }
      cursor.passed(p)
    }
    high |= h
    pos = p
  }

  @inline(__always)
  private func countBreaks(
    _ base: UnsafePointer<UInt8>, _ from: Int, _ to: Int, _ n: Int, _ lineNo: inout Int,
    _ high: inout UInt8
  ) {
    var k = from
    var h: UInt8 = 0
    var l = 0
    while k < to {
      let c = base[k]
      h |= c
      if c == 0x0A {
        l += 1
      } else if c == 0x0D && (k + 1 >= n || base[k + 1] != 0x0A) {
        l += 1
      }
      k += 1
    }
    high |= h
    lineNo += l
  }

  /// The longest field a record may hold (a longer one is corruption, and SQLite stores at most
  /// about 1 GB per value).
  public static let maxFieldBytes = 16 << 20

  /// Rejects a record with a field beyond `maxFieldBytes` or a NUL byte (corruption: no export
  /// writes either), naming the field and offset. One `memchr` over the record.
  private func validateSizeAndNUL(_ r: inout CSVRecord, _ base: UnsafePointer<UInt8>) {
    guard r.problem == nil, let first = r.fields.first, let last = r.fields.last else { return }
    for (i, f) in r.fields.enumerated() where f.end - f.start > Self.maxFieldBytes {
      r.problem = (
        .fieldTooLong,
        "field \(i + 1) holds \(f.end - f.start) bytes, more than the \(Self.maxFieldBytes >> 20) MiB a field may hold"
      )
      return
    }
    var cursor = ReleaseCursor(release, from: first.start)
    guard let offset = cursor.find(0, in: base, from: first.start, to: last.end) else { return }
    let field = (r.fields.firstIndex { offset < $0.end } ?? r.fields.count - 1) + 1
    r.problem = (.nulByte, "NUL byte in field \(field) at byte offset \(offset)")
  }

  private func validateUTF8(_ r: inout CSVRecord, _ base: UnsafePointer<UInt8>) {
    guard r.problem == nil, let first = r.fields.first else { return }
    var cursor = ReleaseCursor(release, from: first.start)
    for (i, f) in r.fields.enumerated() {
      defer { cursor.passed(f.end) }
      if let bad = UTF8Check.firstInvalid(base + f.start, f.end - f.start) {
        r.problem = (
          .invalidUTF8,
          "invalid UTF-8 in field \(i + 1) at byte offset \(f.start + bad) (byte 0x"
            + String(base[f.start + bad], radix: 16, uppercase: true) + ")"
        )
        return
      }
    }
  }

  // MARK: - Parallel chunking

  /// Record boundaries for parallel parsing: `starts[i]` is where chunk i begins, with the
  /// physical line number there; the last chunk ends at the end of input.
  public struct Chunks: Sendable {
    public var starts: [(offset: Int, line: Int)]
    public var end: Int
  }

  /// Splits `[from, bytes.count)` into about `count` chunks at record boundaries inferred from
  /// quote parity (a line break after an even number of quotes ends a record).
  public func chunks(from: Int, line: Int, targetCount: Int) -> Chunks {
    let n = bytes.count
    let total = n - from
    let k = max(1, min(targetCount, total / (1 << 20)))  // at least 1 MiB per chunk
    if k == 1 { return Chunks(starts: [(from, line)], end: n) }
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
      return Chunks(starts: [(from, line)], end: n)
    }
    let size = total / k
    let nominal = (0..<k).map { from + $0 * size }
    // Pass 1: quotes and line breaks per nominal chunk, in parallel.
    let stats = UnsafeMutableBufferPointer<(quotes: Int, lines: Int)>.allocate(capacity: k)
    defer { stats.deallocate() }
    let statsBox = SendableBuffer(stats)
    DispatchQueue.concurrentPerform(iterations: k) { i in
      let s = nominal[i]
      let e = i + 1 < k ? nominal[i + 1] : n
      let b = self.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
      var total = (quotes: 0, lines: 0)
      var w = s
      while w < e {
        let we = min(e, w + PageRelease.window)
        let part = self.countQuotesAndLines(b, w, we, n)
        total.quotes += part.quotes
        total.lines += part.lines
        self.release?.release(w, we)
        w = we
      }
      statsBox.buffer[i] = total
    }
    var starts: [(Int, Int)] = [(from, line)]
    var quotesBefore = stats[0].quotes
    var linesBefore = line + stats[0].lines
    for i in 1..<k {
      // A record that ran past this nominal start was already scanned to its end: the first
      // break after this start is that one (scanning again made a 1 GiB record quadratic).
      if starts.last!.0 > nominal[i] {
        quotesBefore += stats[i].quotes
        linesBefore += stats[i].lines
        continue
      }
      // Scan from the nominal start to the first line break outside quotes.
      var p = nominal[i]
      var parity = quotesBefore & 1
      var lines = linesBefore
      var found = -1
      var cursor = ReleaseCursor(release, from: p)
      scan: while p < n {
        let stop = min(n, p + PageRelease.window)
        while p < stop {
          let c = base[p]
          if c == 0x22 {
            parity ^= 1
          } else if c == 0x0A || c == 0x0D {
            let isBreak = c == 0x0A || p + 1 >= n || base[p + 1] != 0x0A
            if isBreak { lines += 1 }
            if parity == 0 && isBreak {
              found = p + 1
              break scan
            }
          }
          p += 1
        }
        cursor.passed(p)
      }
      quotesBefore += stats[i].quotes
      linesBefore += stats[i].lines
      if found < 0 || found >= n { break }
      if found > starts.last!.0 { starts.append((found, lines)) }
    }
    return Chunks(starts: starts, end: n)
  }

  /// Quotes and line breaks in `[s, e)`: a line break is LF, CR, or CRLF (counted once; a CR
  /// right before `e` looks at the byte after it). Eight bytes at a time (SWAR): an exact
  /// zero-byte mask per byte value, then a population count.
  func countQuotesAndLines(_ base: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ n: Int) -> (
    quotes: Int, lines: Int
  ) {
    @inline(__always) func eqMask(_ w: UInt64, _ pattern: UInt64) -> UInt64 {
      let x = w ^ pattern
      let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
      return ~(((x & low7) &+ low7) | x | low7)  // 0x80 in each byte equal to the pattern
    }
    var quotes = 0
    var lines = 0
    var i = s
    let raw = UnsafeRawPointer(base)
    while i + 8 <= e {
      let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      quotes += eqMask(w, 0x2222_2222_2222_2222).nonzeroBitCount
      let lf = eqMask(w, 0x0A0A_0A0A_0A0A_0A0A)
      lines += lf.nonzeroBitCount
      let cr = eqMask(w, 0x0D0D_0D0D_0D0D_0D0D)
      if cr != 0 {
        // A CR counts unless an LF follows it (that CRLF was counted at its LF).
        var pairs = (cr & (lf >> 8)).nonzeroBitCount
        if cr >> 56 != 0 && i + 8 < n && base[i + 8] == 0x0A { pairs += 1 }
        lines += cr.nonzeroBitCount - pairs
      }
      i += 8
    }
    while i < e {
      let c = base[i]
      if c == 0x22 {
        quotes += 1
      } else if c == 0x0A {
        lines += 1
      } else if c == 0x0D && (i + 1 >= n || base[i + 1] != 0x0A) {
        lines += 1
      }
      i += 1
    }
    return (quotes, lines)
  }

  // MARK: - Header

  /// Reads the header record; returns its field names (BOM stripped, UTF-8) and where the body
  /// starts. Nil when the input holds no record at all.
  public func header() -> (names: [String], bodyOffset: Int, bodyLine: Int, problem: String?)? {
    var names: [String]? = nil
    var problem: String?
    var stop = (end: bodyStart, line: 1)
    var seen = false
    stop = parse(from: bodyStart, line: 1, limit: bodyStart + 1) { rec in
      guard !seen else { return }
      seen = true
      // A name longer than 64 KiB is not a header (and is not copied into memory).
      let limit = 65_536
      names = rec.fields.map { $0.end - $0.start <= limit ? self.string($0) : "" }
      problem = rec.problem?.message
      if problem == nil, let i = rec.fields.firstIndex(where: { $0.end - $0.start > limit }) {
        problem = "column \(i + 1)'s name is longer than 64 KiB"
      }
    }
    guard let names else { return nil }
    return (names, stop.end, stop.line, problem)
  }

  /// The text of a field, unquoted. The bytes must be valid UTF-8 (checked by the parser).
  public func string(_ f: CSVField) -> String {
    let p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let buf = UnsafeBufferPointer(start: p + f.start, count: f.end - f.start)
    if !f.hasEscapedQuotes { return String(decoding: buf, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(buf.count)
    var i = 0
    while i < buf.count {
      let c = buf[i]
      out.append(c)
      i += (c == 0x22 && i + 1 < buf.count && buf[i + 1] == 0x22) ? 2 : 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The raw text of a record (for the rejects table), at most `limit` bytes, invalid UTF-8
  /// shown as U+FFFD.
  public func rawText(_ r: CSVRecord, limit: Int = 65_536) -> String {
    let p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let len = min(max(0, r.end - r.start), limit)
    return String(decoding: UnsafeBufferPointer(start: p + r.start, count: len), as: UTF8.self)
  }
}

@inline(__always) func memchrQuote(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
  guard let r = memchr(p, 0x22, n) else { return nil }
  return UnsafeRawPointer(r) - UnsafeRawPointer(p)
}

/// A buffer handed to parallel workers that write disjoint elements.
struct SendableBuffer<T>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<T>
  init(_ b: UnsafeMutableBufferPointer<T>) { buffer = b }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
