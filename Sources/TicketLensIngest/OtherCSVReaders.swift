import TicketLensModel

/// Shared parts of the small, sequential CSV readers (search terms, chats): header lookup by
/// keyword, and one batch for the whole file.
struct KeywordCSV {
  let file: MappedFile
  let csv: CSVReader
  let names: [String]
  let body: (offset: Int, line: Int)

  init(file: MappedFile) throws(IngestIssue) {
    self.file = file
    csv = CSVReader(file: file)
    guard let head = csv.header() else {
      throw IngestIssue(
        .emptyFile, .file, at: InputLocation(file: file.path, line: 1),
        "the file is empty: no header row")
    }
    if let p = head.problem {
      throw IngestIssue(
        .unreadable, .file, at: InputLocation(file: file.path, line: 1),
        "the header row is malformed: \(p)")
    }
    names = head.names.map { $0.trimmingSpaces.lowercased() }
    body = (head.bodyOffset, head.bodyLine)
  }

  /// The index of the first column whose lowercased name is one of `keys`.
  func column(_ keys: [String]) -> Int? { keys.lazy.compactMap { names.firstIndex(of: $0) }.first }

  func require(_ keys: [String]) throws(IngestIssue) -> Int {
    guard let i = column(keys) else {
      throw IngestIssue.headerFailure(
        .missingColumn, csv, body, at: InputLocation(file: file.path, line: 1, field: keys[0]),
        "required column '\(keys[0])' is missing (also accepted: \(keys.dropFirst().joined(separator: ", ")))"
      )
    }
    return i
  }

  /// Runs `map` on each record and returns the mapped records; a thrown `FieldProblem` rejects
  /// the record (into `out.issues`).
  func read<T>(_ out: inout RecordBatch, _ map: ([String], Int) throws(FieldProblem) -> T) -> [T] {
    var records: [T] = []
    csv.parse(
      from: body.offset, line: body.line, limit: file.bytes.count, blank: { out.blank($0) }
    ) { rec in
      out.read += 1
      func reject(_ code: IngestIssue.Code, _ field: String?, _ message: String) {
        out.issues.append(
          IngestIssue(
            code, at: InputLocation(file: file.path, line: rec.line, field: field), message,
            raw: csv.rawText(rec)))
      }
      if let p = rec.problem { return reject(p.code, nil, p.message) }
      guard rec.fields.count == names.count else {
        return reject(
          .ragged, nil, "ragged row: \(rec.fields.count) fields where the header has \(names.count)"
        )
      }
      let values = rec.fields.map { csv.string($0).trimmingSpaces }
      do throws(FieldProblem) {
        records.append(try map(values, rec.line))
        out.lines.append(rec.line)
      } catch {
        reject(error.code, error.field, "\(error.field): \(error.message)")
      }
    }
    out.end = file.bytes.count
    return records
  }
}

/// Reads a help-center search log exported as CSV (`query, searches, results, clicks,
/// tickets_created[, date]`, columns matched by keyword).
public struct SearchTermCSVReader: ChunkedRecordReader {
  public var kind: RecordKind { .searchTerms }
  public var formatName: String { "search-terms-csv" }
  public let warnings: [IngestIssue] = []
  public var chunkCount: Int { 1 }
  let table: KeywordCSV
  let source: String
  let columns: (query: Int, searches: Int, results: Int?, clicks: Int?, tickets: Int?, date: Int?)

  public init(file: MappedFile, source: String) throws(IngestIssue) {
    table = try KeywordCSV(file: file)
    self.source = source
    columns = (
      try table.require(["query", "search_term", "search term", "term"]),
      try table.require(["searches", "search count", "count"]),
      table.column(["results", "result_count", "results returned"]),
      table.column(["clicks", "click-throughs", "clickthroughs"]),
      table.column(["tickets_created", "tickets created"]),
      table.column(["date", "day"])
    )
  }

  public func chunkEnd(_ i: Int) -> Int { table.file.bytes.count }
  public func rest(from i: Int) -> RecordBatch { batch(i) }

  public func batch(_ i: Int) -> RecordBatch {
    var out = RecordBatch()
    let c = columns
    out.searchTerms = table.read(&out) { (v, _) throws(FieldProblem) -> SearchTerm in
      func count(_ i: Int?, _ name: String) throws(FieldProblem) -> Int? {
        guard let i, !v[i].isEmpty else { return nil }
        guard let n = Int(v[i]), n >= 0 else {
          throw FieldProblem(code: .badNumber, field: name, message: "'\(v[i])' is not a count")
        }
        return n
      }
      guard !v[c.query].isEmpty else {
        throw FieldProblem(code: .missingValue, field: "query", message: "missing")
      }
      var t = SearchTerm(
        source: source, query: v[c.query], searches: try count(c.searches, "searches") ?? 0)
      t.results = try count(c.results, "results")
      t.clicks = try count(c.clicks, "clicks")
      t.ticketsCreated = try count(c.tickets, "tickets_created")
      if let d = c.date, !v[d].isEmpty {
        guard let day = CivilDate(iso8601: v[d]) else {
          throw FieldProblem(
            code: .badTimestamp, field: "date", message: "'\(v[d])' is not a date (YYYY-MM-DD)")
        }
        t.date = day
      }
      return t
    }
    return out
  }
}

/// Reads chats from a CSV: the generic chat columns (`id, visitor_id, agent_id, started_at,
/// first_agent_message_at, ended_at, missed, rating`) or others through a pipeline mapping.
public struct ChatCSVReader: ChunkedRecordReader {
  public var kind: RecordKind { .chats }
  public var formatName: String { mapping == nil ? "generic-chat-csv" : "mapped-csv" }
  public let warnings: [IngestIssue] = []
  public var chunkCount: Int { 1 }
  let table: KeywordCSV
  let source: String
  let mapping: FieldMapping?
  let parser: TimestampParser
  let index: [String: Int]

  public init(
    file: MappedFile, source: String, zone: ZoneRules = .utc, mapping: FieldMapping? = nil
  )
    throws(IngestIssue)
  {
    table = try KeywordCSV(file: file)
    self.source = source
    self.mapping = mapping
    parser = TimestampParser(sourceZone: zone)
    var idx: [String: Int] = [:]
    for (i, n) in table.names.enumerated() {
      let original = n
      let target =
        mapping.flatMap { m in m.columns.first { $0.key.lowercased() == original }?.value } ?? n
      idx[target] = i
    }
    index = idx
    for required in ["id", "started_at"] where idx[required] == nil {
      throw IngestIssue.headerFailure(
        .missingColumn, table.csv, table.body,
        at: InputLocation(file: file.path, line: 1, field: required),
        "required column for chat field '\(required)' is missing")
    }
  }

  public func chunkEnd(_ i: Int) -> Int { table.file.bytes.count }
  public func rest(from i: Int) -> RecordBatch { batch(i) }

  public func batch(_ i: Int) -> RecordBatch {
    var out = RecordBatch()
    out.chats = table.read(&out) { (v, _) throws(FieldProblem) -> Chat in
      func get(_ f: String) -> String? {
        guard let i = index[f], !v[i].isEmpty else { return nil }
        return mapping?.values[f]?[v[i]] ?? v[i]
      }
      func instant(_ f: String) throws(FieldProblem) -> Instant? {
        guard let s = get(f) else { return nil }
        guard case .success(let t) = parser.parse(s) else {
          throw FieldProblem(
            code: .badTimestamp, field: f, message: "'\(s.prefix(40))' is not a timestamp")
        }
        return t
      }
      guard let id = get("id") else {
        throw FieldProblem(code: .missingValue, field: "id", message: "missing")
      }
      guard let started = try instant("started_at") else {
        throw FieldProblem(code: .missingValue, field: "started_at", message: "missing")
      }
      var c = Chat(source: source, id: id, startedAt: started)
      c.type = get("type") ?? "chat"
      c.visitorID = get("visitor_id")
      c.agentID = get("agent_id")
      c.group = get("group")
      c.firstAgentMessageAt = try instant("first_agent_message_at")
      c.endedAt = try instant("ended_at")
      c.updatedAt = try instant("updated_at")
      c.ticketID = get("ticket_id")
      if let m = get("missed") {
        switch m.lowercased() {
        case "true", "1", "yes": c.missed = true
        case "false", "0", "no": c.missed = false
        default:
          throw FieldProblem(
            code: .badEnum, field: "missed", message: "'\(m)' is not true or false")
        }
      }
      if let r = get("rating") {
        guard let s = Satisfaction(normalizing: r) else {
          throw FieldProblem(
            code: .badEnum, field: "rating", message: "'\(r)' is not good, bad or 1–5")
        }
        c.satisfaction = s
        c.rating = Int(r)
      }
      c.deriveFromMessages()
      return c
    }
    return out
  }
}

extension IngestIssue {
  /// A file failing on its header (a missing or duplicate column): the issue, saying how many
  /// records the file holds (counted by the CSV parser), which count as read and rejected.
  static func headerFailure(
    _ code: Code, _ csv: CSVReader, _ body: (offset: Int, line: Int), at place: InputLocation,
    _ message: String
  ) -> IngestIssue {
    let n = csv.recordCount(from: body.offset, line: body.line)
    var issue = IngestIssue(
      code, .file, at: place,
      message + "; none of its \(n) record\(n == 1 ? "" : "s") \(n == 1 ? "was" : "were") loaded")
    issue.records = n
    return issue
  }
}
