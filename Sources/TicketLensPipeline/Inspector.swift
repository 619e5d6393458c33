import Foundation
import TicketLensIngest
import TicketLensModel
import TicketLensReports

/// `ticketlens inspect`: records exactly as a reader parsed them, one JSON object per line, so
/// a messy export can be debugged (and readers tested) without the warehouse.
public enum Inspector {
  /// Prints up to `limit` records to `out` and the diagnostics to `err`.
  /// - Parameters:
  ///   - raw: for CSV, print each record as a JSON array of strings, header row included.
  public static func inspect(
    path: String, format: InputFormat?, zone: ZoneRules, limit: Int?, raw: Bool,
    out: (String) -> Void, err: (String) -> Void
  ) throws(IngestIssue) {
    var file = try MappedFile(path: path)
    if Gzip.isGzip(file.bytes) { file = try Gzip.decompress(file) }
    file = try ByteOrderMark.transcoded(file)
    let fmt = format ?? InputFormat.sniff(name: path, bytes: file.bytes)
    let isCSV = [
      .genericCSV, .zendeskCSV, .freshdeskCSV, .genericChatCSV, .searchTermsCSV, .mappedCSV,
    ]
    .contains(fmt)
    var printed = 0
    if isCSV || raw {
      // CSV: the fields as the CSV reader split them.
      let csv = CSVReader(bytes: file.bytes)
      var header: [String]? = nil
      csv.parse(from: csv.bodyStart, line: 1, limit: file.bytes.count) { rec in
        if let problem = rec.problem { err("\(path):\(rec.line): \(problem.message)") }
        let values = rec.fields.map { csv.string($0) }
        if raw {
          if limit.map({ printed < $0 + 1 }) ?? true {
            out("[" + values.map(JSONText.quote).joined(separator: ",") + "]")
            printed += 1
          }
          return
        }
        guard let h = header else {
          header = values
          return
        }
        guard limit.map({ printed < $0 }) ?? true else { return }
        if values.count != h.count {
          err(
            "\(path):\(rec.line): ragged row: \(values.count) fields where the header has \(h.count)"
          )
        }
        let pairs = zip(h, values).map { JSONText.quote($0) + ":" + JSONText.quote($1) }
        out("{\"line\":\(rec.line),\"fields\":{" + pairs.joined(separator: ",") + "}}")
        printed += 1
      }
      return
    }
    // JSON, XML, Markdown: the mapped records.
    let opened = try InputOpener.open(
      path: path, name: path, format: fmt, source: "inspect", zone: zone, parallelism: 1)
    let reader = opened.reader
    for w in reader.warnings { err(w.description) }
    for i in 0..<reader.chunkCount {
      let b = reader.batch(i)
      for issue in b.issues { err(issue.description) }
      var lines = b.lines.makeIterator()
      let records: [String] =
        b.tickets.map(RecordJSON.ticket) + b.chats.map(RecordJSON.chat)
        + b.articles.map(RecordJSON.article) + b.searchTerms.map(RecordJSON.searchTerm)
        + b.ticketMetrics.map(RecordJSON.metrics)
      for r in records {
        guard limit.map({ printed < $0 }) ?? true else { return }
        out("{\"line\":\(lines.next() ?? 0),\"record\":\(r)}")
        printed += 1
      }
    }
  }
}

/// Model records as compact JSON objects (nulls left out).
enum RecordJSON {
  static func object(_ pairs: [(String, String?)]) -> String {
    "{" + pairs.compactMap { k, v in v.map { JSONText.quote(k) + ":" + $0 } }.joined(separator: ",")
      + "}"
  }
  static func s(_ v: String?) -> String? { v.map(JSONText.quote) }
  static func i(_ v: Int?) -> String? { v.map(String.init) }
  static func d(_ v: Double?) -> String? { v.map { $0.description } }
  static func t(_ v: Instant?) -> String? { v.map { JSONText.quote($0.iso8601) } }
  static func list(_ v: [String]) -> String? {
    v.isEmpty ? nil : "[" + v.map(JSONText.quote).joined(separator: ",") + "]"
  }

  static func ticket(_ x: Ticket) -> String {
    let v = x.vendorMinutes
    return object([
      ("id", s(x.id)), ("subject", s(x.subject)), ("description", s(x.description)),
      ("status", s(x.status?.rawValue)), ("status_raw", s(x.statusRaw)),
      ("priority", s(x.priority?.rawValue)), ("channel", s(x.channel)),
      ("requester_id", s(x.requesterID)), ("requester_email", s(x.requesterEmail)),
      ("requester_name", s(x.requesterName)), ("assignee", s(x.assignee)), ("group", s(x.group)),
      ("organization", s(x.organization)), ("ticket_type", s(x.ticketType)), ("tags", list(x.tags)),
      ("created_at", t(x.createdAt)), ("updated_at", t(x.updatedAt)),
      ("first_reply_at", t(x.firstReplyAt)), ("solved_at", t(x.solvedAt)),
      ("reopens", i(x.reopens)),
      ("replies", i(x.replies)), ("satisfaction", s(x.satisfaction?.rawValue)),
      (
        "custom_fields",
        x.customFields.isEmpty ? nil : object(x.customFields.map { ($0.name, s($0.value)) })
      ),
      ("vendor_first_reply_minutes", d(v.firstReply)),
      ("vendor_full_resolution_minutes", d(v.fullResolution)),
      ("requester_wait_minutes", d(x.requesterWaitMinutes)),
      ("agent_wait_minutes", d(x.agentWaitMinutes)),
      ("on_hold_minutes", d(x.onHoldMinutes)), ("excluded", s(x.excluded)),
    ])
  }

  static func chat(_ c: Chat) -> String {
    object([
      ("id", s(c.id)), ("type", s(c.type)), ("visitor_id", s(c.visitorID)),
      ("agent_id", s(c.agentID)),
      ("group", s(c.group)), ("started_at", t(c.startedAt)),
      ("first_agent_message_at", t(c.firstAgentMessageAt)), ("ended_at", t(c.endedAt)),
      ("missed", c.missed.map { $0 ? "true" : "false" }),
      ("satisfaction", s(c.satisfaction?.rawValue)),
      ("ticket_id", s(c.ticketID)), ("tags", list(c.tags)), ("messages", i(c.messages.count)),
    ])
  }

  static func article(_ a: Article) -> String {
    object([
      ("id", s(a.id)), ("title", s(a.title)), ("labels", list(a.labels)), ("section", s(a.section)),
      ("updated_at", t(a.updatedAt)), ("body", s(String(a.body.prefix(200)))),
    ])
  }

  static func searchTerm(_ x: SearchTerm) -> String {
    object([
      ("query", s(x.query)), ("date", s(x.date?.iso8601)), ("searches", i(x.searches)),
      ("results", i(x.results)), ("clicks", i(x.clicks)), ("tickets_created", i(x.ticketsCreated)),
    ])
  }

  static func metrics(_ m: TicketMetrics) -> String {
    object([
      ("ticket_id", s(m.ticketID)), ("updated_at", t(m.updatedAt)),
      ("first_reply_minutes", d(m.vendorMinutes.firstReply)),
      ("full_resolution_minutes", d(m.vendorMinutes.fullResolution)),
    ])
  }
}
