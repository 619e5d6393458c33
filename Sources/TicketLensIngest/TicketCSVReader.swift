import Dispatch
import TicketLensModel

/// The records read from one chunk of a file, in file order, with the records that failed. A
/// file holds one kind of record, so only one of the arrays is used.
public struct RecordBatch: Sendable {
  public var tickets: [Ticket] = []
  public var chats: [Chat] = []
  public var articles: [Article] = []
  public var searchTerms: [SearchTerm] = []
  public var ticketMetrics: [TicketMetrics] = []
  /// Where each record came from (`file:line` or a JSON/XML path), parallel to the used array.
  public var lines: [Int] = []
  /// Rejected records (severity `.record`) and warnings, in file order.
  public var issues: [IngestIssue] = []
  /// Records read (loaded or rejected).
  public var read = 0
  /// Where the sequential parse of this chunk stopped.
  public var end = 0
  /// Blank and whitespace-only lines skipped (no records), and the first of them.
  public var blankLines = 0
  public var firstBlankLine: Int?

  /// Counts a skipped blank line.
  mutating func blank(_ line: Int) {
    blankLines += 1
    if firstBlankLine == nil { firstBlankLine = line }
  }

  public init() {}

  /// Records that were mapped (not rejected).
  public var mapped: Int {
    tickets.count + chats.count + articles.count + searchTerms.count + ticketMetrics.count
  }
}

public typealias TicketBatch = RecordBatch

/// What kind of records a file holds.
public enum RecordKind: String, Sendable, Hashable {
  case tickets, chats, articles, searchTerms = "search_terms", ticketMetrics = "ticket_metrics"
}

/// A reader that splits a file into chunks that can be mapped independently (in parallel) and
/// must be consumed in order. `batch(i).end != chunkEnd(i)` means the split was wrong for this
/// chunk (CSV with stray quotes); the consumer then calls `rest(from: i)`.
public protocol ChunkedRecordReader: Sendable {
  var kind: RecordKind { get }
  /// The format name (`generic-csv`, `zendesk-json`, …).
  var formatName: String { get }
  var warnings: [IngestIssue] { get }
  var chunkCount: Int { get }
  func chunkEnd(_ i: Int) -> Int
  func batch(_ i: Int) -> RecordBatch
  func rest(from i: Int) -> RecordBatch
}

/// Reads tickets from a CSV export (generic or Zendesk) in parallel chunks.
///
/// Construction reads the header, maps its columns and finds chunk boundaries; a file whose
/// header is unusable (no records, missing `id`/`created_at`, duplicate columns) throws, which
/// fails the file. `batch(_:)` maps one chunk; chunks are independent and can run concurrently.
public struct TicketCSVReader: ChunkedRecordReader {
  public var kind: RecordKind { .tickets }
  public var formatName: String { mapping != nil ? "mapped-csv" : format.rawValue }
  public let file: MappedFile
  public let format: TicketFormat
  public let source: String
  public let csv: CSVReader
  public let chunks: CSVReader.Chunks
  /// Warnings about the file as a whole (unknown columns).
  public let warnings: [IngestIssue]
  public let header: [String]
  let columns: [TicketColumn?]
  let parser: TimestampParser
  let mapping: FieldMapping?

  /// - Parameters:
  ///   - format: the format, or nil to sniff it from the header.
  ///   - zone: the zone of zoneless timestamps (Zendesk's CSV uses the account zone).
  ///   - parallelism: how many chunks to aim for (1 = sequential).
  /// - Throws: an `IngestIssue` with severity `.file`.
  /// - Parameters:
  ///   - mapping: for a generic mapped CSV, which column feeds which field and value maps.
  public init(
    file: MappedFile, format: TicketFormat?, source: String, zone: ZoneRules = .utc,
    parallelism: Int = 8, mapping: FieldMapping? = nil
  ) throws(IngestIssue) {
    self.mapping = mapping
    self.file = file
    self.source = source
    let csv = CSVReader(file: file)
    self.csv = csv
    let place = InputLocation(file: file.path, line: 1)
    guard let head = csv.header() else {
      throw IngestIssue(.emptyFile, .file, at: place, "the file is empty: no header row")
    }
    if let p = head.problem {
      throw IngestIssue(.unreadable, .file, at: place, "the header row is malformed: \(p)")
    }
    header = head.names
    let fmt = mapping != nil ? .genericCSV : (format ?? TicketFormat.sniff(header: head.names))
    self.format = fmt
    var cols: [TicketColumn?] = []
    var seen: [TicketColumn: String] = [:]
    var warnings: [IngestIssue] = []
    for name in head.names {
      var col = fmt.column(for: name)
      if let mapping {
        col = mapping.columns[name].flatMap { TicketFormat.genericCSV.column(for: $0) }
      }
      if let col, col != .ignored {
        if let first = seen[col] {
          throw IngestIssue.headerFailure(
            .duplicateColumn, csv, (head.bodyOffset, head.bodyLine),
            at: InputLocation(file: file.path, line: 1, field: name),
            "columns '\(first)' and '\(name)' both map to \(col.fieldName)")
        }
        seen[col] = name
      }
      if col == nil {
        warnings.append(
          IngestIssue(
            .unknownColumn, .warning, at: InputLocation(file: file.path, line: 1, field: name),
            "unknown column '\(name)' is ignored (format \(fmt.rawValue))"))
      }
      cols.append(col)
    }
    for required in [TicketColumn.id, .createdAt] where seen[required] == nil {
      let expected: String
      switch fmt {
      case .genericCSV:
        expected =
          mapping.flatMap { m in m.columns.first { $0.value == required.fieldName }?.key }
          ?? required.fieldName
      case .zendeskCSV: expected = required == .id ? "Id" : "Created at"
      case .freshdeskCSV: expected = required == .id ? "Ticket ID" : "Created time"
      }
      throw IngestIssue.headerFailure(
        .missingColumn, csv, (head.bodyOffset, head.bodyLine),
        at: InputLocation(file: file.path, line: 1, field: expected),
        "required column '\(expected)' is missing (format \(fmt.rawValue))")
    }
    columns = cols
    self.warnings = warnings
    parser = TimestampParser(sourceZone: zone, allowsUSDates: fmt == .zendeskCSV)
    chunks = csv.chunks(from: head.bodyOffset, line: head.bodyLine, targetCount: parallelism)
  }

  /// Number of chunks to map.
  public var chunkCount: Int { chunks.starts.count }

  /// Where chunk `i` ends (the next chunk's start, or the end of input).
  public func chunkEnd(_ i: Int) -> Int {
    i + 1 < chunks.starts.count ? chunks.starts[i + 1].offset : chunks.end
  }

  /// Maps chunk `i`. The batch's `end` equals `chunkEnd(i)` unless stray quotes made the quote
  /// parity split disagree with the sequential parse; then the caller re-reads from chunk `i`
  /// with `rest(from:)`.
  public func batch(_ i: Int) -> TicketBatch {
    let s = chunks.starts[i]
    return read(from: s.offset, line: s.line, limit: chunkEnd(i))
  }

  /// Maps everything from the start of chunk `i` to the end of the file, sequentially.
  public func rest(from i: Int) -> TicketBatch {
    let s = chunks.starts[i]
    return read(from: s.offset, line: s.line, limit: chunks.end)
  }

  private func read(from: Int, line: Int, limit: Int) -> TicketBatch {
    var batch = TicketBatch()
    batch.tickets.reserveCapacity(max(16, (limit - from) / 256))
    let stop = csv.parse(from: from, line: line, limit: limit, blank: { batch.blank($0) }) {
      rec in
      batch.read += 1
      switch map(rec) {
      case .success(let t):
        batch.tickets.append(t)
        batch.lines.append(rec.line)
      case .failure(var issue):
        issue.raw = csv.rawText(rec)
        batch.issues.append(issue)
      }
    }
    batch.end = stop.end
    return batch
  }

  private func map(_ rec: CSVRecord) -> Result<Ticket, IngestIssue> {
    func fail(_ code: IngestIssue.Code, _ field: String?, _ msg: String) -> Result<
      Ticket, IngestIssue
    > {
      .failure(
        IngestIssue(code, at: InputLocation(file: file.path, line: rec.line, field: field), msg))
    }
    if let p = rec.problem { return fail(p.code, nil, p.message) }
    guard rec.fields.count == columns.count else {
      return fail(
        .ragged, nil,
        "ragged row: \(rec.fields.count) fields where the header has \(columns.count)")
    }
    let base = file.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
    var t = Ticket(source: source, id: "", createdAt: Instant(milliseconds: 0))
    var haveCreated = false
    for (i, col) in columns.enumerated() {
      guard let col, col != .ignored else { continue }
      var f = rec.fields[i]
      // Trim spaces around values; an empty cell is null.
      while f.start < f.end, base[f.start] == 0x20 || base[f.start] == 0x09 { f.start += 1 }
      while f.end > f.start, base[f.end - 1] == 0x20 || base[f.end - 1] == 0x09 { f.end -= 1 }
      if f.start == f.end { continue }
      let bytes = UnsafeRawBufferPointer(start: base + f.start, count: f.end - f.start)
      switch col {
      case .createdAt, .updatedAt, .firstReplyAt, .solvedAt, .escalatedAt:
        let parsed = f.hasEscapedQuotes ? .failure(.notATimestamp) : parser.parse(bytes)
        guard case .success(let instant) = parsed else {
          return fail(
            .badTimestamp, col.fieldName,
            "\(col.fieldName): '\(clip(csv.string(f)))' "
              + (parsed == .failure(.outOfRange)
                ? "is outside the years 1970–2099" : "is not a timestamp"))
        }
        switch col {
        case .createdAt:
          t.createdAt = instant
          haveCreated = true
        case .updatedAt: t.updatedAt = instant
        case .firstReplyAt: t.firstReplyAt = instant
        case .escalatedAt: t.escalatedAt = instant
        default: t.solvedAt = instant
        }
      case .reopens, .replies:
        guard let v = Digits.value(bytes, 0, bytes.count), bytes.count <= 9 else {
          return fail(
            .badNumber, col.fieldName,
            "\(col.fieldName): '\(clip(csv.string(f)))' is not a whole number")
        }
        if col == .reopens { t.reopens = v } else { t.replies = v }
      case .vendor(let v), .vendorHours(let v):
        guard let x = Double(csv.string(f)), x.isFinite, x >= 0 else {
          return fail(
            .badNumber, col.fieldName,
            "\(col.fieldName): '\(clip(csv.string(f)))' is not a number")
        }
        if case .vendorHours = col {
          t.vendorMinutes[keyPath: v.keyPath] = x * 60
        } else {
          t.vendorMinutes[keyPath: v.keyPath] = x
        }
      case .status:
        var s = csv.string(f)
        if let m = mapping?.values["status"]?[s] { s = m }
        guard let st = TicketStatus(normalizing: s) else {
          return fail(
            .badEnum, "status",
            "status: '\(clip(s))' is not one of new, open, pending, hold, solved, closed, deleted")
        }
        t.status = st
        t.statusRaw = s
      case .priority:
        var s = csv.string(f)
        if let m = mapping?.values["priority"]?[s] { s = m }
        if s == "-" { continue }
        guard let p = TicketPriority(normalizing: s) else {
          return fail(
            .badEnum, "priority", "priority: '\(clip(s))' is not one of low, normal, high, urgent")
        }
        t.priority = p
      case .satisfaction:
        let s = csv.string(f)
        guard let sat = Satisfaction(normalizing: s) else {
          return fail(
            .badEnum, "satisfaction",
            "satisfaction: '\(clip(s))' is not good, bad, offered, unoffered or a 1-5 score")
        }
        t.satisfaction = sat
        if bytes.count == 1, let v = Digits.value(bytes, 0, 1) { t.satisfactionScore = v }
      case .channel: t.channel = ChannelName.normalize(csv.string(f))
      case .tags: t.tags = Self.splitTags(csv.string(f))
      case .custom(let name): t.customFields.append(CustomField(name: name, value: csv.string(f)))
      case .id: t.id = csv.string(f)
      case .subject: t.subject = csv.string(rec.fields[i])
      case .description: t.description = csv.string(rec.fields[i])
      case .requesterID: t.requesterID = csv.string(f)
      case .requesterEmail: t.requesterEmail = csv.string(f)
      case .requesterName: t.requesterName = csv.string(f)
      case .assignee: t.assignee = csv.string(f)
      case .group: t.group = csv.string(f)
      case .organization: t.organization = csv.string(f)
      case .ticketType: t.ticketType = csv.string(f)
      case .ignored: break
      }
    }
    if t.id.isEmpty { return fail(.missingValue, "id", "id: the ticket has no id") }
    if !haveCreated {
      return fail(.missingValue, "created_at", "created_at: the ticket has no creation time")
    }
    return .success(t)
  }

  /// Splits a tag cell on spaces, commas and semicolons (exports disagree on the separator).
  /// Works on the UTF-8 bytes (the separators are ASCII, which no multi-byte character
  /// contains): splitting by `Character` was a sixth of the CSV ingest.
  static func splitTags(_ s: String) -> [String] {
    var s = s
    return s.withUTF8 { b in
      var out: [String] = []
      var i = 0
      while i < b.count {
        while i < b.count, b[i] == 0x20 || b[i] == 0x2C || b[i] == 0x3B || b[i] == 0x09 { i += 1 }
        let start = i
        while i < b.count, b[i] != 0x20, b[i] != 0x2C, b[i] != 0x3B, b[i] != 0x09 { i += 1 }
        if i > start {
          out.append(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
        }
      }
      return out
    }
  }
}

/// A value shortened for a message: messages never echo whole ticket bodies.
func clip(_ s: String, _ max: Int = 60) -> String {
  s.count <= max ? s : String(s.prefix(max)) + "…"
}
