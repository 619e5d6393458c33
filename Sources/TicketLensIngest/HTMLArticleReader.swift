import TicketLensModel

/// Reads one knowledge-base article from an HTML page (a Help Center article saved from the
/// browser, an exported page): the title from `<title>`, else the first `<h1>`; the text of
/// `<body>` (or of the page without its `<head>`) through `HTMLStripper` — tags dropped, never
/// interpreted, scripts and styles removed, character references decoded; the locale from
/// `<html lang>`, the URL from `<link rel="canonical">`; the id is the file name without its
/// extension. A page without a title is rejected, naming what was looked for.
public struct HTMLArticleReader: ChunkedRecordReader {
  public var kind: RecordKind { .articles }
  public var formatName: String { "kb-html" }
  public let warnings: [IngestIssue] = []
  public var chunkCount: Int { 1 }
  let file: MappedFile
  let source: String

  public init(file: MappedFile, source: String) throws(IngestIssue) {
    self.file = file
    self.source = source
    try UTF8Check.requireText(file)
  }

  /// Whether a file looks like an HTML page: named `.html`/`.htm`, or starting (after a BOM and
  /// blanks) with `<!DOCTYPE html` or `<html`.
  public static func looksLikeHTML(name: String, head: some Collection<UInt8>) -> Bool {
    let lower = name.lowercased()
    if lower.hasSuffix(".html") || lower.hasSuffix(".htm") { return true }
    let start = String(decoding: head.prefix(64), as: UTF8.self).lowercased()
      .drop { $0 == "\u{FEFF}" || $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
    return start.hasPrefix("<!doctype html") || start.hasPrefix("<html")
  }

  public func chunkEnd(_ i: Int) -> Int { file.bytes.count }
  public func rest(from i: Int) -> RecordBatch { batch(i) }

  public func batch(_ i: Int) -> RecordBatch {
    var out = RecordBatch()
    out.end = file.bytes.count
    out.read = 1
    let page = String(decoding: file.bytes, as: UTF8.self)
    // Tag names are found case-blind on an ASCII-lowercased copy (same offsets).
    let bytes = Array(page.utf8)
    let lower = bytes.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
    func text(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
    func find(_ s: String, from: Int = 0) -> Int? {
      let p = Array(s.utf8)
      guard p.count <= lower.count else { return nil }
      var k = from
      while k + p.count <= lower.count {
        if lower[k] == p[0] && lower[k..<(k + p.count)].elementsEqual(p) { return k }
        k += 1
      }
      return nil
    }
    /// The inside of the first `<name …>…</name>`, and where the element starts and ends.
    func element(_ name: String, from: Int = 0) -> (inner: Range<Int>, outer: Range<Int>)? {
      var k = from
      while let open = find("<\(name)", from: k) {
        let after = open + name.utf8.count + 1
        // `<h1>` or `<h1 class…>`, not `<h10>` or `<header>`.
        guard after < lower.count, [0x3E, 0x20, 0x09, 0x0A, 0x0D, 0x2F].contains(lower[after])
        else {
          k = after
          continue
        }
        guard let gt = find(">", from: after) else { return nil }
        let close = find("</\(name)", from: gt + 1) ?? lower.count
        let end = find(">", from: close).map { $0 + 1 } ?? lower.count
        return (gt + 1..<close, open..<end)
      }
      return nil
    }
    /// An attribute's value in the start tag at `at` (quoted or not).
    func attribute(_ name: String, inTagAt at: Int) -> String? {
      guard let gt = find(">", from: at) else { return nil }
      let n = Array(name.utf8)
      let blanks: [UInt8] = [0x20, 0x09, 0x0A, 0x0D]
      var k = at + 1
      while k + n.count < gt {
        if blanks.contains(lower[k - 1]), lower[k..<(k + n.count)].elementsEqual(n),
          lower[k + n.count] == 0x3D
        {
          var v = k + n.count + 1
          if v < gt, bytes[v] == 0x22 || bytes[v] == 0x27 {
            let q = bytes[v]
            v += 1
            var e = v
            while e < gt && bytes[e] != q { e += 1 }
            return HTMLStripper.text(text(v..<e))
          }
          var e = v
          while e < gt && !(blanks + [0x2F]).contains(bytes[e]) { e += 1 }
          return HTMLStripper.text(text(v..<e))
        }
        k += 1
      }
      return nil
    }
    let base = file.path.split(separator: "/").last.map(String.init) ?? file.path
    let id = base.split(separator: ".").count > 1 ? String(base[..<base.lastIndex(of: ".")!]) : base
    let titled = [element("title"), element("h1")].compactMap { $0 }.lazy.map {
      HTMLStripper.text(text($0.inner)).split(separator: "\n").joined(separator: " ")
    }.first { !$0.isEmpty }
    guard let title = titled else {
      out.issues.append(
        IngestIssue(
          .missingValue, at: InputLocation(file: file.path, line: 1, field: "title"),
          "title: the page has no title (a <title> or an <h1> with text)",
          raw: String(page.prefix(2000))))
      return out
    }
    let body: String
    if let b = element("body") {
      body = text(b.inner)
    } else if let h = element("head") {
      body = text(0..<h.outer.lowerBound) + text(h.outer.upperBound..<bytes.count)
    } else {
      body = page
    }
    var a = Article(source: source, id: id, title: title, body: HTMLStripper.text(body))
    if let html = find("<html") { a.locale = attribute("lang", inTagAt: html) }
    var k = 0
    while let link = find("<link", from: k) {
      if attribute("rel", inTagAt: link)?.lowercased() == "canonical" {
        a.url = attribute("href", inTagAt: link)
        break
      }
      k = link + 5
    }
    out.articles.append(a)
    out.lines.append(1)
    return out
  }
}
