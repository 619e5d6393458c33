import TicketLensModel

/// Every input format TicketLens reads, by the name used in pipelines and `--format`.
public enum InputFormat: String, Sendable, CaseIterable {
  case genericCSV = "generic-csv"
  case zendeskCSV = "zendesk-csv"
  case freshdeskCSV = "freshdesk-csv"
  case zendeskJSON = "zendesk-json"
  case genericJSON = "generic-json"
  case zendeskTicketMetrics = "zendesk-ticket-metrics"
  case zendeskXML = "zendesk-xml"
  case freshdeskJSON = "freshdesk-json"
  case zendeskChat = "zendesk-chat"
  case intercom = "intercom"
  case genericChat = "generic-chat"
  case genericChatCSV = "generic-chat-csv"
  case helpCenter = "help-center"
  case kbMarkdown = "kb-markdown"
  case kbHTML = "kb-html"
  case searchTermsCSV = "search-terms-csv"
  case mappedCSV = "mapped-csv"
  case mappedNDJSON = "mapped-ndjson"

  /// What the format holds (mapped formats: tickets unless the source says chats).
  public var kind: RecordKind {
    switch self {
    case .genericCSV, .zendeskCSV, .freshdeskCSV, .zendeskJSON, .genericJSON, .zendeskXML,
      .freshdeskJSON,
      .mappedCSV, .mappedNDJSON:
      .tickets
    case .zendeskTicketMetrics: .ticketMetrics
    case .zendeskChat, .intercom, .genericChat, .genericChatCSV: .chats
    case .helpCenter, .kbMarkdown, .kbHTML: .articles
    case .searchTermsCSV: .searchTerms
    }
  }

  /// Guesses the format from a file's name and first bytes; nil when nothing fits.
  public static func sniff(name: String, bytes b: UnsafeRawBufferPointer) -> InputFormat? {
    let lower = name.lowercased()
    if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") { return .kbMarkdown }
    if HTMLArticleReader.looksLikeHTML(name: name, head: b.prefix(256)) { return .kbHTML }
    var i = 0
    if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
    while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    guard i < b.count else { return nil }
    let head = String(
      decoding: UnsafeRawBufferPointer(rebasing: b[i..<min(b.count, i + 65_536)]), as: UTF8.self)
    switch b[i] {
    case UInt8(ascii: "<"): return .zendeskXML
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      let compact = head.replacingSpaces()
      func has(_ s: String) -> Bool { compact.contains(s) }
      let ticketList = has("\"tickets\":") || has("\"ticket\":")
      if has("\"ticket_metric")
        || (!ticketList && has("\"reply_time_in_minutes\"") && has("\"ticket_id\""))
      {
        return .zendeskTicketMetrics
      }
      if has("\"conversation_parts\"") || has("\"type\":\"conversation\"")
        || has("\"conversations\":")
      {
        return .intercom
      }
      if has("\"started_at\"") && !has("\"timestamp\"") { return .genericChat }
      if has("\"history\":") || has("\"type\":\"offline_msg\"") || has("\"type\":\"chat\"")
        || has("\"chats\":")
      {
        return .zendeskChat
      }
      if has("\"label_names\"") || has("\"articles\":") || has("\"article\":") {
        return .helpCenter
      }
      if has("\"fr_escalated\"") || has("\"description_text\"") || has("\"responder_id\"") {
        return .freshdeskJSON
      }
      if has("\"started_at\"") { return .genericChat }
      // Ticket objects in Zendesk's API shape (the default for JSON tickets).
      if has("\"ticket\":") || has("\"tickets\":") || has("\"requester_id\"") || has("\"via\":")
        || has("\"created_at\"")
      {
        return .zendeskJSON
      }
      return nil
    default:
      // The header is within the first MiB of any real export (a longer first line is not a
      // header: the reader rejects it later without holding it in memory).
      let reader = CSVReader(bytes: UnsafeRawBufferPointer(rebasing: b[0..<min(b.count, 1 << 20)]))
      guard let header = reader.header() else { return nil }
      let names = Set(header.names.map { $0.trimmingSpaces.lowercased() })
      if (names.contains("query") || names.contains("search_term") || names.contains("search term"))
        && names.contains("searches")
      {
        return .searchTermsCSV
      }
      if names.contains("started_at") && !names.contains("created_at") { return .genericChatCSV }
      switch TicketFormat.sniff(header: header.names) {
      case .zendeskCSV: return .zendeskCSV
      case .freshdeskCSV: return .freshdeskCSV
      case .genericCSV: return .genericCSV
      }
    }
  }
}

extension String {
  /// Without spaces, tabs and line breaks (for matching JSON key patterns).
  func replacingSpaces() -> String {
    String(
      String.UnicodeScalarView(
        unicodeScalars.filter { $0 != " " && $0 != "\n" && $0 != "\r" && $0 != "\t" }))
  }
}

/// Opens an input file with the right reader.
public enum InputOpener {
  /// - Parameters:
  ///   - format: forced format, or nil to sniff it.
  ///   - kind: for mapped formats, what the mapping produces (tickets or chats).
  /// - Returns: the reader (its file is kept alive by the reader).
  public static func open(
    path: String, name: String, format: InputFormat?, source: String, zone: ZoneRules,
    parallelism: Int, mapping: FieldMapping? = nil, kind: RecordKind = .tickets
  ) throws(IngestIssue) -> (reader: any ChunkedRecordReader, bytes: Int) {
    var file = try MappedFile(path: path, name: name)
    let onDisk = file.bytes.count
    if Gzip.isGzip(file.bytes) { file = try Gzip.decompress(file) }
    file = try ByteOrderMark.transcoded(file)
    guard file.bytes.count > 0 else {
      throw IngestIssue(.emptyFile, .file, at: InputLocation(file: name), "the file is empty")
    }
    let plainName = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
    var fmt = format
    if fmt == nil, mapping != nil {
      let first = file.bytes.first {
        $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF
      }
      fmt = first == UInt8(ascii: "{") ? .mappedNDJSON : .mappedCSV
    }
    guard let f = fmt ?? InputFormat.sniff(name: plainName, bytes: file.bytes) else {
      throw IngestIssue(
        .unreadable, .file, at: InputLocation(file: name),
        "cannot tell the format from the content; set `format:` for this source (one of \(InputFormat.allCases.map(\.rawValue).joined(separator: ", ")))"
      )
    }
    let reader: any ChunkedRecordReader
    switch f {
    case .genericCSV:
      reader = try TicketCSVReader(
        file: file, format: .genericCSV, source: source, zone: zone, parallelism: parallelism)
    case .zendeskCSV:
      reader = try TicketCSVReader(
        file: file, format: .zendeskCSV, source: source, zone: zone, parallelism: parallelism)
    case .freshdeskCSV:
      reader = try TicketCSVReader(
        file: file, format: .freshdeskCSV, source: source, zone: zone, parallelism: parallelism)
    case .mappedCSV:
      if kind == .chats {
        reader = try ChatCSVReader(file: file, source: source, zone: zone, mapping: mapping)
      } else {
        reader = try TicketCSVReader(
          file: file, format: .genericCSV, source: source, zone: zone, parallelism: parallelism,
          mapping: mapping ?? FieldMapping(columns: [:]))
      }
    case .genericChatCSV: reader = try ChatCSVReader(file: file, source: source, zone: zone)
    case .zendeskJSON:
      reader = try redetected(
        JSONRecordReader(
          file: file, format: .zendeskJSON, source: source, zone: zone, parallelism: parallelism),
        sniffed: fmt == nil, zone: zone, parallelism: parallelism)
    case .genericJSON:
      reader = try JSONRecordReader(
        file: file, format: .genericTickets, source: source, zone: zone, parallelism: parallelism)
    case .zendeskTicketMetrics:
      reader = try JSONRecordReader(
        file: file, format: .zendeskTicketMetrics, source: source, zone: zone,
        parallelism: parallelism)
    case .freshdeskJSON:
      reader = try redetected(
        JSONRecordReader(
          file: file, format: .freshdeskJSON, source: source, zone: zone, parallelism: parallelism),
        sniffed: fmt == nil, zone: zone, parallelism: parallelism)
    case .zendeskChat:
      reader = try JSONRecordReader(
        file: file, format: .zendeskChat, source: source, zone: zone, parallelism: parallelism)
    case .intercom:
      reader = try JSONRecordReader(
        file: file, format: .intercom, source: source, zone: zone, parallelism: parallelism)
    case .genericChat:
      reader = try JSONRecordReader(
        file: file, format: .genericChat, source: source, zone: zone, parallelism: parallelism,
        mapping: mapping)
    case .helpCenter:
      reader = try JSONRecordReader(
        file: file, format: .helpCenter, source: source, zone: zone, parallelism: parallelism)
    case .mappedNDJSON:
      reader = try JSONRecordReader(
        file: file, format: kind == .chats ? .genericChat : .mappedTickets, source: source,
        zone: zone, parallelism: parallelism, mapping: mapping ?? FieldMapping(columns: [:]))
    case .zendeskXML:
      reader = try XMLTicketReader(file: file, source: source, zone: zone, parallelism: parallelism)
    case .kbMarkdown: reader = try MarkdownArticleReader(file: file, source: source, zone: zone)
    case .kbHTML: reader = try HTMLArticleReader(file: file, source: source)
    case .searchTermsCSV: reader = try SearchTermCSVReader(file: file, source: source)
    }
    return (reader, onDisk)
  }

  /// A JSON ticket file whose format was guessed from its first bytes is read as the ticket
  /// format whose keys its records use most, when that is clearly another one (two keys or more
  /// ahead): a `{"tickets": [...]}` file with the generic field names is not a Zendesk page.
  /// The file then warns which format it was read as, and why.
  static func redetected(
    _ reader: JSONRecordReader, sniffed: Bool, zone: ZoneRules, parallelism: Int
  ) throws(IngestIssue) -> JSONRecordReader {
    guard sniffed else { return reader }
    let sample = reader.keySample
    let current = sample.fit(reader.format)
    guard
      let best = JSONFormat.ticketFormats.map({ ($0, sample.fit($0)) })
        .max(by: { $0.1 < $1.1 }),
      best.0 != reader.format, best.1 >= current + 2
    else { return reader }
    var again = try JSONRecordReader(
      file: reader.file, format: best.0, source: reader.source, zone: zone,
      parallelism: parallelism)
    again.warnings.insert(
      IngestIssue(
        .formatRedetected, .warning, at: InputLocation(file: reader.file.path),
        "read as \(best.0.rawValue): its records use \(best.1) of that format's keys against \(current) of \(reader.format.rawValue)'s (set `format:` to choose)"
      ), at: 0)
    return again
  }
}
