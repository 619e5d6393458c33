#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import CLibXML2
import TicketLensModel

/// A small element tree for one record of an XML export.
struct XMLElement {
  var name: String
  var isNil = false
  var text = ""
  var children: [XMLElement] = []
  var line: Int

  func child(_ n: String) -> XMLElement? { children.first { $0.name == n } }
  /// The trimmed text of a child; nil when absent, empty or `nil="true"`.
  func value(_ n: String) -> String? {
    guard let c = child(n), !c.isNil else { return nil }
    let t = c.text.trimmingSpacesAndNewlines
    return t.isEmpty ? nil : t
  }
}

/// Reads Zendesk's legacy full XML export (`<tickets><ticket><nice-id>…`) with libxml2's
/// streaming reader, one `<ticket>` at a time.
///
/// Safety: the parser gets `XML_PARSE_NONET` and none of `NOENT` (entity substitution),
/// `DTDLOAD`, `XINCLUDE`, `HUGE` or `RECOVER`; a DOCTYPE that declares entities (billion laughs,
/// XXE) is refused before parsing; any well-formedness error fails the file with its line.
public struct XMLTicketReader: ChunkedRecordReader {
  public let file: MappedFile
  public let source: String
  public var kind: RecordKind { .tickets }
  public var formatName: String { "zendesk-xml" }
  public let warnings: [IngestIssue] = []
  public var chunkCount: Int { chunks.count }
  let parser: TimestampParser
  /// Parallel chunks: byte offset of a `<ticket` start tag, its line, and the number of tickets
  /// before it. The first chunk starts at 0 (the prolog).
  var chunks: [(offset: Int, line: Int, ticketsBefore: Int)] = [(0, 1, 0)]

  public static let parseOptions: Int32 = Int32(
    XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)

  public init(file: MappedFile, source: String, zone: ZoneRules = .utc, parallelism: Int = 8)
    throws(IngestIssue)
  {
    self.file = file
    self.source = source
    parser = TimestampParser(sourceZone: zone)
    guard file.bytes.count > 0 else {
      throw IngestIssue(.emptyFile, .file, at: InputLocation(file: file.path), "the file is empty")
    }
    if let problem = Self.doctypeProblem(file.bytes) {
      throw IngestIssue(.unreadable, .file, at: InputLocation(file: file.path, line: 1), problem)
    }
    chunks = Self.plan(file.bytes, parallelism: parallelism, release: file.pageRelease)
  }

  /// Splits the document before `<ticket` start tags into pieces of about 512 KiB. Each chunk
  /// is parsed as its own small document (`<tickets>` … `</tickets>` added around it), in
  /// parallel; small chunks also keep libxml2's per-node line numbers (16-bit) exact. A chunk
  /// that does not parse (a split inside a comment or CDATA, or a real error) makes the consumer
  /// re-read sequentially from that chunk on.
  static func plan(_ b: UnsafeRawBufferPointer, parallelism: Int, release: PageRelease? = nil)
    -> [(Int, Int, Int)]
  {
    let k = max(1, b.count / (512 << 10))
    guard k > 1, let base = b.baseAddress else { return [(0, 1, 0)] }
    let tag = Array("<ticket".utf8)
    var out: [(Int, Int, Int)] = [(0, 1, 0)]
    var scanned = 0
    var lines = 1
    var tickets = 0
    var planned = ReleaseCursor(release, from: 0)
    func isTicketTag(_ p: Int) -> Bool {
      p + 7 < b.count
        && (b[p + 7] == 0x3E || b[p + 7] == 0x20 || b[p + 7] == 0x09 || b[p + 7] == 0x0A)
    }
    /// The next `<ticket` at or after `from` (before `to`), by memchr for '<' a window at a time,
    /// releasing the pages behind.
    func next(_ from: Int, _ to: Int) -> Int? {
      var p = from
      var cursor = ReleaseCursor(release, from: from)
      while let q = cursor.find(0x3C, in: base, from: p, to: to) {
        if q + tag.count <= b.count, memcmp(base + q, tag, tag.count) == 0 { return q }
        p = q + 1
        cursor.passed(p)
      }
      return nil
    }
    func countTickets(_ from: Int, _ to: Int) -> Int {
      var n = 0
      var p = from
      while let q = next(p, to) {
        if isTicketTag(q) { n += 1 }
        p = q + 1
      }
      return n
    }
    for i in 1..<k {
      var p = b.count / k * i
      // A ticket that ran past this nominal start was already scanned to its end.
      if p < scanned { continue }
      var found = -1
      while let q = next(p, b.count) {
        if isTicketTag(q) {
          found = q
          break
        }
        p = q + 1
      }
      if found < 0 { break }  // no ticket starts after here, nor after any later start
      guard found > scanned else { continue }
      var counting = ReleaseCursor(release, from: scanned)
      lines += JSONRecordReader.countNewlines(b, scanned, found, &counting)
      tickets += countTickets(scanned, found)
      out.append((found, lines, tickets))
      scanned = found
      // Nothing before `scanned` is read again: release it (the scans above release only
      // inside one long range; chunks shorter than the window would all stay resident).
      planned.passed(scanned)
    }
    return out
  }

  /// A reader that skips the DOCTYPE check (tests only: it shows that the parser itself still
  /// substitutes nothing and fetches nothing).
  static func unchecked(file: MappedFile) -> XMLTicketReader {
    XMLTicketReader(file: file, source: "test", parser: TimestampParser())
  }

  private init(file: MappedFile, source: String, parser: TimestampParser) {
    self.file = file
    self.source = source
    self.parser = parser
  }

  /// Refuses a DOCTYPE with an internal subset that declares entities, or an external DTD.
  static func doctypeProblem(_ b: UnsafeRawBufferPointer) -> String? {
    let head = String(
      decoding: UnsafeRawBufferPointer(rebasing: b[0..<min(b.count, 1 << 16)]), as: UTF8.self)
    guard let r = head.range(of: "<!DOCTYPE") else { return nil }
    let rest = head[r.upperBound...]
    if rest.contains("<!ENTITY") {
      return
        "the document's DOCTYPE declares entities; entity expansion is refused (it can exhaust memory or read local files)"
    }
    let decl = rest.prefix { $0 != "[" && $0 != ">" }
    if decl.contains("SYSTEM") || decl.contains("PUBLIC") {
      return
        "the document's DOCTYPE names an external DTD; it is not loaded, and the document is refused"
    }
    return nil
  }

  public func chunkEnd(_ i: Int) -> Int {
    i + 1 < chunks.count ? chunks[i + 1].offset : file.bytes.count
  }

  public func rest(from i: Int) -> RecordBatch { parse(chunk: i, to: file.bytes.count) }

  public func batch(_ i: Int) -> RecordBatch {
    var out = parse(chunk: i, to: chunkEnd(i))
    // A failed chunk among several is re-read sequentially by the consumer (see `plan`).
    if chunks.count > 1, out.issues.contains(where: { $0.severity == .file }) { out.end = -1 }
    return out
  }

  private func parse(chunk i: Int, to end: Int) -> RecordBatch {
    var out = RecordBatch()
    out.end = end
    let errors = ErrorBox()
    let start = chunks[i].offset
    let lineOffset = chunks[i].line - 1
    // Chunks after the first get an opening root tag, all but the last a closing one.
    let feed = XMLFeed(
      open: i > 0 ? "<tickets>" : "", file.bytes[start..<end],
      close: end < file.bytes.count ? "</tickets>" : "", release: file.pageRelease)
    let reader = xmlReaderForIO(
      { ctx, buffer, len in
        guard let ctx, let buffer else { return -1 }
        return Unmanaged<XMLFeed>.fromOpaque(ctx).takeUnretainedValue().read(buffer, len)
      }, { _ in 0 }, Unmanaged.passUnretained(feed).toOpaque(), nil, nil, Self.parseOptions)
    guard let reader else {
      out.issues.append(
        IngestIssue(
          .unreadable, .file, at: InputLocation(file: file.path), "libxml2 could not start"))
      return out
    }
    defer {
      xmlFreeTextReader(reader)
      withExtendedLifetime(feed) {}
    }
    xmlTextReaderSetStructuredErrorHandler(
      reader,
      { ctx, error in
        guard let ctx, let error else { return }
        let box = Unmanaged<ErrorBox>.fromOpaque(ctx).takeUnretainedValue()
        if box.message == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue {
          box.message =
            error.pointee.message.map { String(cString: $0).trimmingSpacesAndNewlines }
            ?? "XML error"
          box.line = Int(error.pointee.line)
        }
      }, Unmanaged.passUnretained(errors).toOpaque())
    var stack: [XMLElement] = []
    var recordDepth = -1
    var recordCount = chunks[i].ticketsBefore
    var unknown: Set<String> = []
    // Element names are interned by libxml2 (one pointer per distinct name), so each name
    // becomes a Swift string once.
    var names: [UnsafeRawPointer: String] = [:]
    func name() -> String {
      guard let p = xmlTextReaderConstLocalName(reader) else { return "" }
      if let n = names[UnsafeRawPointer(p)] { return n }
      let n = String(cString: p)
      names[UnsafeRawPointer(p)] = n
      return n
    }
    while true {
      let rc = xmlTextReaderRead(reader)
      if rc == 0 { break }
      if rc < 0 || errors.message != nil {
        let line = lineOffset + (errors.line ?? Int(xmlTextReaderGetParserLineNumber(reader)))
        failFile(
          &out, line: line,
          "not well-formed XML at line \(line): \(Self.explain(errors.message ?? "parse error"))")
        return out
      }
      let type = xmlTextReaderNodeType(reader)
      let depth = Int(xmlTextReaderDepth(reader))
      switch type {
      case Int32(XML_READER_TYPE_ELEMENT.rawValue):
        let n = name()
        if recordDepth < 0 {
          guard n == "ticket" else { continue }
          recordDepth = depth
        }
        // Only a record's start line is reported; `nil="true"` needs no attribute lookup,
        // because an empty element already reads as no value.
        let line =
          depth == recordDepth
          ? lineOffset
            + (xmlTextReaderCurrentNode(reader).map { Int(xmlGetLineNo($0)) }
              ?? Int(xmlTextReaderGetParserLineNumber(reader))) : 0
        let e = XMLElement(name: n, line: line)
        if xmlTextReaderIsEmptyElement(reader) == 1 {
          if stack.isEmpty {
            recordCount += 1
            map(e, index: recordCount, into: &out, unknown: &unknown)
            recordDepth = -1
          } else {
            stack[stack.count - 1].children.append(e)
          }
        } else {
          stack.append(e)
        }
      case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
        if !stack.isEmpty, let v = xmlTextReaderConstValue(reader) {
          let k = stack.count - 1
          if stack[k].text.isEmpty {
            stack[k].text = String(cString: v)
          } else {
            stack[k].text += String(cString: v)
          }
        }
      case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
        let line = lineOffset + Int(xmlTextReaderGetParserLineNumber(reader))
        failFile(
          &out, line: line, "entity reference &\(name()); is refused (entities are never expanded)")
        return out
      case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
        guard let done = stack.popLast() else { continue }
        if stack.isEmpty {
          recordCount += 1
          map(done, index: recordCount, into: &out, unknown: &unknown)
          recordDepth = -1
        } else {
          stack[stack.count - 1].children.append(done)
        }
      default:
        break
      }
    }
    if let m = errors.message {
      let line = lineOffset + (errors.line ?? 0)
      failFile(&out, line: line, "not well-formed XML at line \(line): \(Self.explain(m))")
    }
    return out
  }

  /// libxml2's message, with what its limits mean.
  static func explain(_ message: String) -> String {
    message.contains("huge text node")
      ? message + " (a text longer than the 10 MB libxml2 accepts; no export writes one)"
      : message
  }

  private func failFile(_ out: inout RecordBatch, line: Int, _ message: String) {
    out.issues.append(
      IngestIssue(.unreadable, .file, at: InputLocation(file: file.path, line: line), message))
  }

  static let statuses: [String: TicketStatus] = [
    "0": .new, "1": .open, "2": .waitingOnCustomer, "3": .solved, "4": .closed,
  ]
  static let priorities: [String: TicketPriority] = [
    "1": .low, "2": .normal, "3": .high, "4": .urgent,
  ]
  static let types = ["1": "question", "2": "incident", "3": "problem", "4": "task"]

  /// The elements of a `<ticket>` the mapper reads.
  static let readElements: Set<String> = [
    "nice-id", "id", "created-at", "updated-at", "solved-at", "subject", "description",
    "status-id", "priority-id", "ticket-type-id", "via-id", "requester-id", "submitter-id",
    "assignee-id", "group-id", "organization-id", "current-tags", "comments",
    "ticket-field-entries",
  ]
  /// Elements of Zendesk's XML export that no TicketLens field needs.
  static let documentedElements: Set<String> = [
    "assigned-at", "base-score", "current-collaborators", "due-date", "entry-id", "external-id",
    "initially-assigned-at", "latest-recipients", "original-recipient-address", "recipient",
    "resolution-time", "status-updated-at", "updated-by-type-id", "score", "problem-id",
    "has-incidents", "brand-id", "ticket-form-id", "linkings", "channel", "sla-policy",
    "satisfaction-score", "satisfaction-comment", "requester-updated-at", "assignee-updated-at",
  ]

  /// `unknown`: the element names this chunk has already warned about.
  func map(
    _ e: XMLElement, index: Int, into out: inout RecordBatch, unknown: inout Set<String>
  ) {
    out.read += 1
    let path = "/tickets/ticket[\(index)]"
    // An element the format neither reads nor knows: a warning (the ingestor keeps the first
    // of each name in the file), with the nearest element read ("did you mean").
    for c in e.children
    where !Self.readElements.contains(c.name) && !Self.documentedElements.contains(c.name)
      && unknown.insert(c.name).inserted
    {
      let near = KeySample.nearest(c.name, in: Self.readElements).map {
        "; did you mean '\($0)'?"
      }
      out.issues.append(
        IngestIssue(
          .unknownColumn, .warning,
          at: InputLocation(file: file.path, line: e.line, field: "\(path)/\(c.name)"),
          "unknown element '\(c.name)' is ignored (format zendesk-xml)\(near ?? "")"))
    }
    func fail(_ code: IngestIssue.Code, _ field: String, _ message: String) {
      out.issues.append(
        IngestIssue(
          code, at: InputLocation(file: file.path, line: e.line, field: "\(path)/\(field)"),
          "\(path)/\(field): \(message)", raw: nil))
    }
    func instant(_ field: String) -> Instant?? {
      guard let s = e.value(field) else { return .some(nil) }
      guard case .success(let i) = parser.parse(s) else {
        fail(.badTimestamp, field, "'\(s.prefix(40))' is not a timestamp")
        return nil
      }
      return .some(i)
    }
    guard let id = e.value("nice-id") ?? e.value("id") else {
      return fail(.missingValue, "nice-id", "missing")
    }
    guard let createdOpt = instant("created-at") else { return }
    guard let created = createdOpt else { return fail(.missingValue, "created-at", "missing") }
    var t = Ticket(source: source, id: id, createdAt: created)
    guard let updated = instant("updated-at"), let solved = instant("solved-at") else { return }
    t.updatedAt = updated
    t.solvedAt = solved
    t.subject = e.value("subject")
    t.description = e.child("description").flatMap { $0.isNil ? nil : $0.text }
    if let s = e.value("status-id") {
      guard let st = Self.statuses[s] else { return fail(.badEnum, "status-id", "\(s) is not 0–4") }
      t.status = st
      t.statusRaw = s
    }
    if let p = e.value("priority-id"), p != "0" {
      guard let pr = Self.priorities[p] else {
        return fail(.badEnum, "priority-id", "\(p) is not 0–4")
      }
      t.priority = pr
    }
    if let via = e.value("via-id"), let n = Int64(via) {
      t.channel = JSONMapper.viaIDs[n] ?? "via_\(n)"
    }
    t.ticketType = e.value("ticket-type-id").flatMap { Self.types[$0] }
    t.requesterID = e.value("requester-id")
    t.assignee = e.value("assignee-id")
    t.group = e.value("group-id")
    t.organization = e.value("organization-id")
    t.tags = (e.value("current-tags") ?? "").split(separator: " ").map(String.init)
    if t.tags.contains("closed_by_merge") { t.excluded = "merged" }
    for entry in e.child("ticket-field-entries")?.children ?? [] {
      if let fid = entry.value("ticket-field-id"), let v = entry.value("value") {
        t.customFields.append(CustomField(name: fid, value: v))
      }
    }
    let submitter = e.value("submitter-id")
    if let comments = e.child("comments")?.children, !comments.isEmpty {
      var first: Instant? = nil
      var replies = 0
      for (k, c) in comments.enumerated() {
        let author = c.value("author-id")
        let isPublic = c.value("is-public").map { $0 == "true" } ?? true
        guard isPublic, author != nil, author != t.requesterID else { continue }
        if k == 0 && author == submitter { continue }
        replies += 1
        if let s = c.value("created-at"), case .success(let at) = parser.parse(s),
          first.map({ at < $0 }) ?? true
        {
          first = at
        }
      }
      t.firstReplyAt = first
      t.replies = replies
    }
    out.tickets.append(t)
    out.lines.append(e.line)
  }
}

/// What libxml2 reads for one chunk, streamed from the mapped file: an opening root tag, the
/// chunk's bytes, a closing root tag. The pages behind the reader are released as it goes, so
/// neither a long chunk nor a huge text node is held in memory (libxml2 refuses a text node over
/// 10 MB, failing the file, before reading on).
final class XMLFeed {
  /// The opening tag, the chunk, the closing tag.
  private let parts: [UnsafeRawBufferPointer]
  private let tags: UnsafeMutableRawBufferPointer
  private let bodyStart: Int
  private var cursor: ReleaseCursor
  private var part = 0
  private var offset = 0

  init(open: String, _ body: Slice<UnsafeRawBufferPointer>, close: String, release: PageRelease?) {
    let o = Array(open.utf8)
    let c = Array(close.utf8)
    tags = UnsafeMutableRawBufferPointer.allocate(byteCount: o.count + c.count, alignment: 1)
    tags.copyBytes(from: o + c)
    parts = [
      UnsafeRawBufferPointer(rebasing: tags[0..<o.count]), UnsafeRawBufferPointer(rebasing: body),
      UnsafeRawBufferPointer(rebasing: tags[o.count...]),
    ]
    bodyStart = body.startIndex
    cursor = ReleaseCursor(release, from: body.startIndex)
  }

  deinit { tags.deallocate() }

  /// Copies up to `len` next bytes into `buffer`; 0 at the end.
  func read(_ buffer: UnsafeMutablePointer<CChar>, _ len: Int32) -> Int32 {
    let out = UnsafeMutableRawBufferPointer(start: buffer, count: Int(len))
    var written = 0
    while written < out.count && part < parts.count {
      let from = parts[part]
      let n = min(out.count - written, from.count - offset)
      if n > 0 {
        UnsafeMutableRawBufferPointer(rebasing: out[written..<written + n])
          .copyMemory(from: UnsafeRawBufferPointer(rebasing: from[offset..<offset + n]))
      }
      written += n
      offset += n
      if part == 1 { cursor.passed(bodyStart + offset) }
      if offset == from.count {
        if part == 1 { cursor.finish(bodyStart + offset) }
        part += 1
        offset = 0
      }
    }
    return Int32(written)
  }
}

final class ErrorBox: @unchecked Sendable {
  var message: String?
  var line: Int?
}

extension String {
  /// Without leading and trailing ASCII whitespace (space, tab, CR, LF).
  var trimmingSpacesAndNewlines: String {
    let u = utf8
    func ws(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    guard let f = u.firstIndex(where: { !ws($0) }) else { return "" }
    let l = u.lastIndex(where: { !ws($0) })!
    if f == u.startIndex && l == u.index(before: u.endIndex) { return self }
    return String(self[f...l])
  }
}
