import TicketLensModel

/// The JSON export formats TicketLens reads.
public enum JSONFormat: String, Sendable, CaseIterable {
  case zendeskJSON = "zendesk-json"
  case zendeskTicketMetrics = "zendesk-ticket-metrics"
  case freshdeskJSON = "freshdesk-json"
  case zendeskChat = "zendesk-chat"
  case intercom = "intercom"
  case genericChat = "generic-chat"
  case helpCenter = "help-center"
  /// Any NDJSON with a pipeline `columns:` mapping to ticket fields (chats use `genericChat`).
  case mappedTickets = "mapped-ndjson"
  /// Tickets with the generic CSV's field names, as a JSON document or NDJSON.
  case genericTickets = "generic-json"

  public var kind: RecordKind {
    switch self {
    case .zendeskJSON, .freshdeskJSON, .mappedTickets, .genericTickets: .tickets
    case .zendeskTicketMetrics: .ticketMetrics
    case .zendeskChat, .intercom, .genericChat: .chats
    case .helpCenter: .articles
    }
  }

  /// The keys under which a whole-document export lists its records.
  var listKeys: [String] {
    switch self {
    case .zendeskJSON: ["tickets", "results"]
    case .zendeskTicketMetrics: ["ticket_metrics", "metric_sets"]
    case .freshdeskJSON: ["tickets"]
    case .zendeskChat: ["chats"]
    case .intercom: ["conversations"]
    case .genericChat: ["chats"]
    case .helpCenter: ["articles"]
    case .mappedTickets, .genericTickets: ["tickets"]
    }
  }

  /// A wrapper key around each record (`{"ticket": {...}}` per NDJSON line).
  var wrapperKey: String? {
    switch self {
    case .zendeskJSON: "ticket"
    case .zendeskTicketMetrics: "ticket_metric"
    case .helpCenter: "article"
    default: nil
    }
  }
}

/// Reads a JSON export: NDJSON (one record per line, parsed in parallel chunks cut at line
/// breaks) or one document (a top-level array, or an object listing the records under a known
/// key such as `tickets`). A bad NDJSON line rejects that record; a document that is not well
/// formed fails the file with its line and column.
public struct JSONRecordReader: ChunkedRecordReader {
  public let file: MappedFile
  public let format: JSONFormat
  public let source: String
  public var kind: RecordKind { format.kind }
  public var formatName: String { format.rawValue }
  /// Keys of the records that the format neither reads nor knows (`KeySample`).
  public internal(set) var warnings: [IngestIssue] = []
  /// The keys of the first records (up to `KeySample.limit`).
  let keySample: KeySample
  let mapper: JSONMapper
  /// NDJSON chunk starts (offset, line); nil for a document.
  let lineChunks: [(offset: Int, line: Int)]?
  /// A parsed document and where its records are.
  let document: JSONTape?
  let recordIndexes: [Int]
  let recordPathPrefix: String
  /// Side-loaded `metric_sets` of a Zendesk page, by ticket id.
  let sideMetrics: [String: Int]

  public init(
    file: MappedFile, format: JSONFormat, source: String, zone: ZoneRules = .utc,
    parallelism: Int = 8, mapping: FieldMapping? = nil
  ) throws(IngestIssue) {
    self.file = file
    self.format = format
    self.source = source
    var mapper = JSONMapper(
      format: format, source: source, file: file.path, parser: TimestampParser(sourceZone: zone))
    if let mapping {
      mapper.rename = Dictionary(mapping.columns.map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
      mapper.valueMaps = mapping.values
    }
    self.mapper = mapper
    let b = file.bytes
    var first = 0
    if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { first = 3 }
    while first < b.count,
      b[first] == 0x20 || b[first] == 0x0A || b[first] == 0x0D || b[first] == 0x09
    {
      first += 1
    }
    guard first < b.count else {
      throw IngestIssue(.emptyFile, .file, at: InputLocation(file: file.path), "the file is empty")
    }
    if Self.isNDJSON(b, first, release: file.pageRelease) {
      lineChunks = Self.lineChunks(
        b, from: first, targetCount: parallelism, release: file.pageRelease)
      document = nil
      recordIndexes = []
      recordPathPrefix = "$"
      sideMetrics = [:]
      // The keys of the first lines (at most `KeySample.limit` of them, within the first MiB).
      var sample = KeySample()
      var p = first
      var line = 1
      var tape = JSONTape()
      while p < min(b.count, first + (1 << 20)), sample.records < KeySample.limit {
        let e = Self.lineEnd(b, from: p, to: b.count, release: nil)
        if (try? JSONParser().parse(b, from: p, to: e, into: &tape)) != nil {
          var v = JSONValue(tape: tape, bytes: b)
          if let w = format.wrapperKey, let inner = v[w], inner.kind == .object { v = inner }
          sample.add(v, path: "$", line: line)
        }
        p = e + 1
        line += 1
      }
      keySample = sample
      warnings = sample.warnings(format, file: file.path, rename: mapper.rename)
      return
    }
    // One document.
    var tape = JSONTape()
    do {
      try JSONParser().parse(b, from: first, to: b.count, into: &tape)
    } catch {
      let (line, column) = Self.lineColumn(b, error.offset)
      throw IngestIssue(
        .unreadable, .file,
        at: InputLocation(file: file.path, line: line, field: "column \(column)"),
        "not well-formed JSON at line \(line), column \(column): \(error.message)")
    }
    let root = JSONValue(tape: tape, bytes: b)
    var indexes: [Int] = []
    var prefix = "$"
    if root.kind == .array {
      indexes = root.elements.map(\.index)
    } else if let key = format.listKeys.first(where: { root[$0]?.kind == .array }) {
      indexes = root[key]!.elements.map(\.index)
      prefix = "$.\(key)"
    } else if root.kind == .object {
      indexes = [0]
      prefix = ""
    }
    var side: [String: Int] = [:]
    if format == .zendeskJSON, let sets = root["metric_sets"] {
      for m in sets.elements {
        if let id = m.value("ticket_id")?.string { side[id] = m.index }
      }
    }
    lineChunks = nil
    document = tape
    recordIndexes = indexes
    recordPathPrefix = prefix
    sideMetrics = side
    var sample = KeySample()
    for (k, index) in indexes.prefix(KeySample.limit).enumerated() {
      var v = JSONValue(tape: tape, index: index, bytes: b)
      if let w = format.wrapperKey, let inner = v[w], inner.kind == .object { v = inner }
      sample.add(v, path: prefix.isEmpty ? "$" : "\(prefix)[\(k)]")
    }
    keySample = sample
    warnings = sample.warnings(format, file: file.path, rename: mapper.rename)
  }

  /// NDJSON when the first line is a whole object (starts with `{`, ends with `}`) and another
  /// line follows. (The line need not parse: a bad first record is rejected like any other.)
  static func isNDJSON(_ b: UnsafeRawBufferPointer, _ first: Int, release: PageRelease? = nil)
    -> Bool
  {
    guard b[first] == 0x7B else { return false }
    let end = lineEnd(b, from: first, to: b.count, release: release)
    var last = end - 1
    while last > first, b[last] == 0x0D || b[last] == 0x20 || b[last] == 0x09 { last -= 1 }
    guard last > first, b[last] == 0x7D else { return false }
    var rest = end
    while rest < b.count, b[rest] == 0x0A || b[rest] == 0x0D || b[rest] == 0x20 { rest += 1 }
    return rest < b.count
  }

  /// The offset of the first LF in `[from, to)`, or `to`. Searches a window at a time and
  /// releases the pages behind it, so a gigabyte-long line is not held in memory.
  static func lineEnd(_ b: UnsafeRawBufferPointer, from: Int, to: Int, release: PageRelease?)
    -> Int
  {
    guard let base = b.baseAddress else { return to }
    var cursor = ReleaseCursor(release, from: from)
    return cursor.find(0x0A, in: base, from: from, to: to) ?? to
  }

  /// The longest NDJSON line read as a record; a longer one is rejected unread (the CSV reader's
  /// limit is 16 MiB per field; a JSON ticket carries its comments on its line).
  public static let maxLineBytes = 64 << 20

  static func lineChunks(
    _ b: UnsafeRawBufferPointer, from: Int, targetCount: Int, release: PageRelease? = nil
  ) -> [(Int, Int)] {
    let total = b.count - from
    let k = max(1, min(targetCount, total / (1 << 20)))
    var starts: [(Int, Int)] = [(from, 1)]
    guard k > 1 else { return starts }
    let size = total / k
    var lastLine = 1
    var lastOffset = from
    var cursor = ReleaseCursor(release, from: from)
    for i in 1..<k {
      let nominal = from + i * size
      guard nominal > lastOffset else { continue }  // inside a line already scanned
      let p = lineEnd(b, from: nominal, to: b.count, release: release) + 1
      guard p < b.count, p > lastOffset else { continue }
      lastLine += countNewlines(b, lastOffset, p, &cursor)
      lastOffset = p
      starts.append((p, lastLine))
    }
    return starts
  }

  /// The line breaks in `[s, e)`.
  static func countNewlines(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Int {
    var none = ReleaseCursor(nil, from: s)
    return countNewlines(b, s, e, &none)
  }

  /// The line breaks in `[s, e)`, releasing the pages behind through `cursor`: a planner
  /// counting its way through a file passes one cursor for all its ranges (a cursor per line,
  /// or per chunk smaller than the window, never released, and kept a whole NDJSON file
  /// resident).
  static func countNewlines(
    _ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int, _ cursor: inout ReleaseCursor
  ) -> Int {
    guard let base = b.baseAddress else { return 0 }
    var n = 0
    var i = s
    while i < e, let hit = cursor.find(0x0A, in: base, from: i, to: e) {
      n += 1
      i = hit + 1
      cursor.passed(i)
    }
    return n
  }

  static func lineColumn(_ b: UnsafeRawBufferPointer, _ offset: Int) -> (Int, Int) {
    let o = min(offset, b.count)
    let line = 1 + countNewlines(b, 0, o)
    var s = o
    while s > 0, b[s - 1] != 0x0A { s -= 1 }
    return (line, o - s + 1)
  }

  public var chunkCount: Int { lineChunks?.count ?? 1 }

  public func chunkEnd(_ i: Int) -> Int {
    guard let lineChunks else { return file.bytes.count }
    return i + 1 < lineChunks.count ? lineChunks[i + 1].offset : file.bytes.count
  }

  public func rest(from i: Int) -> RecordBatch { batch(i) }

  public func batch(_ i: Int) -> RecordBatch {
    var out = RecordBatch()
    let b = file.bytes
    guard let lineChunks else {
      // A document: one chunk with every record.
      let tape = document!
      // Lines are counted incrementally: records come in document order.
      var lineAt = (offset: 0, line: 1)
      for (k, index) in recordIndexes.enumerated() {
        let path = recordPathPrefix.isEmpty ? "$" : "\(recordPathPrefix)[\(k)]"
        var v = JSONValue(tape: tape, index: index, bytes: b)
        if let w = format.wrapperKey, let inner = v[w], inner.kind == .object { v = inner }
        let side = sideMetrics.isEmpty ? nil : v.value("id")?.string.flatMap { sideMetrics[$0] }
        let start = tape.nodes[index].start
        lineAt = (start, lineAt.line + Self.countNewlines(b, lineAt.offset, start))
        let line = lineAt.line
        mapper.map(
          v, side: side.map { JSONValue(tape: tape, index: $0, bytes: b) },
          place: RecordPlace(line: line, path: path), raw: raw(tape.nodes[index]), into: &out)
      }
      out.end = b.count
      return out
    }
    let start = lineChunks[i]
    let end = chunkEnd(i)
    var p = start.offset
    var line = start.line
    var tape = JSONTape()
    let parser = JSONParser()
    let release = file.pageRelease
    var cursor = ReleaseCursor(release, from: p)
    while p < end {
      let e = Self.lineEnd(b, from: p, to: end, release: release)
      defer { cursor.passed(p) }
      if e - p > Self.maxLineBytes {
        out.read += 1
        out.issues.append(
          IngestIssue(
            .fieldTooLong, at: InputLocation(file: file.path, line: line, field: "$"),
            "the line holds \(e - p) bytes, more than the \(Self.maxLineBytes >> 20) MiB a record may hold",
            raw: String(
              decoding: UnsafeRawBufferPointer(rebasing: b[p..<p + 65_536]), as: UTF8.self)))
        p = e + 1
        line += 1
        continue
      }
      var lineEnd = e
      if lineEnd > p, b[lineEnd - 1] == 0x0D { lineEnd -= 1 }
      var q = p
      while q < lineEnd, b[q] == 0x20 || b[q] == 0x09 { q += 1 }
      if q < lineEnd {
        let place = RecordPlace(line: line, path: "$")
        // Built only for a reject: a copy of every line was a tenth of the chat parse.
        let rawText = { [p] in
          String(
            decoding: UnsafeRawBufferPointer(rebasing: b[p..<min(lineEnd, p + 65_536)]),
            as: UTF8.self)
        }
        do {
          try parser.parse(b, from: q, to: lineEnd, into: &tape)
          var v = JSONValue(tape: tape, bytes: b)
          if let w = format.wrapperKey, let inner = v[w], inner.kind == .object { v = inner }
          mapper.map(v, side: nil, place: place, raw: rawText(), into: &out)
        } catch {
          out.read += 1
          out.issues.append(
            IngestIssue(
              .unreadable,
              at: InputLocation(
                file: file.path, line: line, field: "column \(error.offset - p + 1)"),
              "not well-formed JSON: \(error.message)", raw: rawText()))
        }
      }
      p = e + 1
      line += 1
    }
    cursor.finish(min(p, end))
    out.end = end
    return out
  }

  private func raw(_ node: JSONTape.Node) -> String {
    let b = file.bytes
    let e = min(node.end, node.start + 65_536)
    return String(decoding: UnsafeRawBufferPointer(rebasing: b[node.start..<e]), as: UTF8.self)
  }
}

/// Where a JSON record is: its line and its JSON path.
struct RecordPlace {
  var line: Int
  var path: String

  func field(_ name: String) -> String { path + "." + name }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
