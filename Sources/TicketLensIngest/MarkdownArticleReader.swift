import TicketLensModel

/// Reads one knowledge-base article from a Markdown file with front matter:
///
///     ---
///     title: Requesting a refund
///     id: refunds-101            (default: the file name without .md)
///     labels: [refund, billing]  (or a "- item" list)
///     section: Billing
///     updated_at: 2026-01-22T09:30:11Z
///     draft: false
///     ---
///     Markdown body…
///
/// The title defaults to the first `# heading`. Markup is reduced to plain text.
public struct MarkdownArticleReader: ChunkedRecordReader {
  public var kind: RecordKind { .articles }
  public var formatName: String { "kb-markdown" }
  public let warnings: [IngestIssue] = []
  public var chunkCount: Int { 1 }
  let file: MappedFile
  let source: String
  let parser: TimestampParser

  public init(file: MappedFile, source: String, zone: ZoneRules = .utc) throws(IngestIssue) {
    self.file = file
    self.source = source
    parser = TimestampParser(sourceZone: zone)
    try UTF8Check.requireText(file)
  }

  public func chunkEnd(_ i: Int) -> Int { file.bytes.count }
  public func rest(from i: Int) -> RecordBatch { batch(i) }

  public func batch(_ i: Int) -> RecordBatch {
    var out = RecordBatch()
    out.end = file.bytes.count
    out.read = 1
    let text = String(decoding: file.bytes, as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
    }
    var meta: [String: [String]] = [:]
    var metaLine: [String: Int] = [:]
    if lines.first?.trimmingSpaces == "---",
      let close = lines.dropFirst().firstIndex(where: { $0.trimmingSpaces == "---" })
    {
      var lastKey: String? = nil
      for (k, raw) in lines[1..<close].enumerated() {
        let line = raw.trimmingSpaces
        if line.isEmpty || line.hasPrefix("#") { continue }
        if line.hasPrefix("- "), let key = lastKey {
          meta[key, default: []].append(unquote(String(line.dropFirst(2))))
          continue
        }
        guard let colon = line.firstIndex(of: ":") else { continue }
        let key = String(line[..<colon]).trimmingSpaces.lowercased()
        let value = String(line[line.index(after: colon)...]).trimmingSpaces
        lastKey = key
        metaLine[key] = k + 2
        if value.hasPrefix("[") && value.hasSuffix("]") {
          meta[key] = value.dropFirst().dropLast().split(separator: ",").map {
            unquote(String($0).trimmingSpaces)
          }
          .filter { !$0.isEmpty }
        } else {
          meta[key] = value.isEmpty ? [] : [unquote(value)]
        }
      }
      lines = Array(lines[(close + 1)...])
    }
    let base = file.path.split(separator: "/").last.map(String.init) ?? file.path
    let id = meta["id"]?.first ?? (base.hasSuffix(".md") ? String(base.dropLast(3)) : base)
    let heading = lines.first { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)).trimmingSpaces }
    guard let title = meta["title"]?.first ?? heading, !title.isEmpty else {
      out.issues.append(
        IngestIssue(
          .missingValue, at: InputLocation(file: file.path, line: 1, field: "title"),
          "title: the article has no title (front matter 'title:' or a '# heading')",
          raw: String(text.prefix(2000))))
      return out
    }
    var a = Article(
      source: source, id: id, title: title, body: Self.plainText(lines.joined(separator: "\n")))
    a.labels = meta["labels"] ?? meta["tags"] ?? []
    a.section = meta["section"]?.first
    a.locale = meta["locale"]?.first
    a.url = meta["url"]?.first
    a.draft = meta["draft"]?.first == "true"
    for key in ["created_at", "updated_at"] {
      guard let v = meta[key]?.first else { continue }
      guard case .success(let t) = parser.parse(v) else {
        out.issues.append(
          IngestIssue(
            .badTimestamp, at: InputLocation(file: file.path, line: metaLine[key], field: key),
            "\(key): '\(v.prefix(40))' is not a timestamp", raw: String(text.prefix(2000))))
        return out
      }
      if key == "created_at" { a.createdAt = t } else { a.updatedAt = t }
    }
    out.articles.append(a)
    out.lines.append(1)
    return out
  }

  private func unquote(_ s: String) -> String {
    if s.count >= 2,
      (s.hasPrefix("\"") && s.hasSuffix("\"")) || (s.hasPrefix("'") && s.hasSuffix("'"))
    {
      return String(s.dropFirst().dropLast())
    }
    return s
  }

  /// Markdown to plain text: headings, emphasis, code marks, links and images reduced to their
  /// text; HTML inside the Markdown stripped.
  static func plainText(_ md: String) -> String {
    var out: [String] = []
    for var line in md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      while line.hasPrefix("#") { line.removeFirst() }
      if line.hasPrefix(">") { line.removeFirst() }
      var s = ""
      var chars = Array(line)
      var i = 0
      while i < chars.count {
        let c = chars[i]
        if c == "!" && i + 1 < chars.count && chars[i + 1] == "[" {
          i += 1
          continue
        }
        if c == "[", let close = chars[i...].firstIndex(of: "]"), close + 1 < chars.count,
          chars[close + 1] == "(",
          let end = chars[(close + 1)...].firstIndex(of: ")")
        {
          s += String(chars[(i + 1)..<close])
          i = end + 1
          continue
        }
        if c == "*" || c == "_" || c == "`" {
          i += 1
          continue
        }
        s.append(c)
        i += 1
      }
      chars = []
      out.append(s.trimmingSpaces)
    }
    return HTMLStripper.text(out.joined(separator: "\n"))
  }
}
