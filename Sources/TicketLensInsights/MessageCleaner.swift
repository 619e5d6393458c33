/// Strips what is not the customer's own words from a message: quoted earlier replies (lines
/// starting with ">", everything from "On … wrote:" or "-----Original Message-----"), the
/// signature (from a "-- " line or a closing line such as "Thanks," / "Best regards" near the
/// end) and an opening greeting line ("Hi there,", "Good morning,").
public enum MessageCleaner {
  static let closings = [
    "thanks", "thank you", "thx", "cheers", "regards", "best", "kind regards", "best regards",
    "many thanks", "sincerely", "br", "sent from my",
  ]
  static let greetings = [
    "hi", "hello", "hey", "dear", "good morning", "good afternoon", "good evening",
  ]

  public static func clean(_ text: String) -> String {
    var lines: [Substring] = []
    for line in lineSlices(text) {
      let t = line.trimmedSpaces
      if t == "--" || t.hasPrefix("-----Original Message") { break }
      if t.hasPrefix("On "), t.hasSuffix("wrote:") { break }
      if t.hasPrefix(">") { continue }
      lines.append(line)
    }
    // Closing: a short line starting with a closing word among the last three non-empty lines.
    let nonEmpty = lines.indices.filter {
      !lines[$0].trimmedSpaces.isEmpty
    }
    // (Never the first line: a message that is only "Thanks for the quick fix" keeps it.)
    for i in nonEmpty.dropFirst().suffix(3) {
      let t = lines[i].trimmedSpaces.lowercased()
      if t.hasAtMostWords(5),
        closings.contains(where: {
          t == $0 || t.hasPrefix($0 + ",") || t.hasPrefix($0 + "!") || t.hasPrefix($0 + " ")
        })
      {
        lines.removeSubrange(i...)
        break
      }
    }
    // Greeting: a short first line that opens with a greeting word.
    if let first = lines.firstIndex(where: {
      !$0.trimmedSpaces.isEmpty
    }) {
      let t = lines[first].trimmedSpaces.lowercased()
      if t.hasAtMostWords(4), t.hasSuffix(",") || t.hasSuffix("!"),
        greetings.contains(where: { t.hasPrefix($0) })
      {
        lines.remove(at: first)
      }
    }
    return lines.joined(separator: "\n")
  }
}

extension MessageCleaner {
  /// Whether the bytes hold at most `n` words separated by spaces or tabs (stops counting early).
  static func hasAtMostWords(_ bytes: some Sequence<UInt8>, _ n: Int) -> Bool {
    var words = 0
    var inWord = false
    for b in bytes {
      if b == 32 || b == 9 {
        inWord = false
      } else if !inWord {
        inWord = true
        words += 1
        if words > n { return false }
      }
    }
    return true
  }

  /// Without redaction masks: runs of two or more x's standing alone between characters other
  /// than ASCII letters and digits ("XXXX", "XX/XX/XXXX" → "//", "{$XXXX}", "XXXX’s" → "’s"),
  /// as exports masked for privacy write names, dates and account numbers (the CFPB's
  /// complaints, many help desks' redaction), and "[redacted]" (→ a space). Left in, every masked
  /// text shares those words: they would pull masked contacts together and label topics
  /// "xx xxxx / xxxx xx". A run touching a digit ("5xx errors", "4XX") or another ASCII letter
  /// ("Xbox") stays. Found on the bytes (no Character is made).
  static func withoutMasks(_ text: String) -> String {
    func isX(_ b: UInt8) -> Bool { b | 0x20 == 0x78 }
    // Most texts have no "xx" and no "[": they are returned as they are, without a copy (this
    // runs on every contact of the window and the window before).
    var previousX = false
    let candidate = text.utf8.contains { b in
      defer { previousX = isX(b) }
      return b == 0x5B || previousX && isX(b)
    }
    guard candidate else { return text }
    let u = Array(text.utf8)
    func isWord(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A || b &- 0x30 < 10 }
    let redacted = Array("[redacted]".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(u.count)
    var i = 0
    while i < u.count {
      if u[i] == 0x5B, i + redacted.count <= u.count,
        zip(u[i..<(i + redacted.count)], redacted).allSatisfy({
          ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1
        })
      {
        out.append(0x20)
        i += redacted.count
        continue
      }
      guard isWord(u[i]) else {
        out.append(u[i])
        i += 1
        continue
      }
      var j = i
      while j < u.count, isWord(u[j]) { j += 1 }
      if j - i < 2 || !u[i..<j].allSatisfy(isX) { out += u[i..<j] }
      i = j
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Lines split at LF, CR or CRLF, found on the UTF-8 bytes (no grapheme breaking: this runs on
  /// every ticket and chat).
  static func lineSlices(_ text: String) -> [Substring] {
    var out: [Substring] = []
    let u = text.utf8
    var start = u.startIndex
    var i = u.startIndex
    while i != u.endIndex {
      let b = u[i]
      if b == 10 || b == 13 {
        out.append(text[start..<i])
        var next = u.index(after: i)
        if b == 13, next != u.endIndex, u[next] == 10 { next = u.index(after: next) }
        start = next
        i = next
      } else {
        i = u.index(after: i)
      }
    }
    out.append(text[start..<u.endIndex])
    return out
  }
}

extension StringProtocol {
  /// Whether the text has at most `n` space-separated words (stops counting early; bytes only).
  func hasAtMostWords(_ n: Int) -> Bool { MessageCleaner.hasAtMostWords(utf8, n) }
}

extension Substring {
  /// Without leading and trailing white space: ASCII blanks are trimmed on the bytes, other
  /// white space (no-break space, …) by Character.
  var trimmedSpaces: Substring {
    let u = utf8
    var lo = u.startIndex
    var hi = u.endIndex
    while lo != hi, u[lo] == 32 || u[lo] == 9 { lo = u.index(after: lo) }
    while hi != lo, u[u.index(before: hi)] == 32 || u[u.index(before: hi)] == 9 {
      hi = u.index(before: hi)
    }
    let ascii = self[lo..<hi]
    guard let f = ascii.utf8.first, let l = ascii.utf8.last, f >= 0x80 || l >= 0x80 else {
      return ascii
    }
    return ascii.unicodeTrimmed
  }

  var unicodeTrimmed: Substring {
    let start = firstIndex { !$0.isWhitespace } ?? endIndex
    let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
    return self[start..<Swift.max(start, end)]
  }
}

/// `clean` on the bytes of ASCII text (every ticket and chat passes through it before its
/// sentiment is scored, so it makes no String per line): the same lines kept, the same rules,
/// the same result byte for byte — ASCII text has no combining marks, so its Characters are its
/// bytes once lines are split. Nil when the text is not ASCII (then `clean` it is).
extension MessageCleaner {
  static let closingBytes = closings.map { Array($0.utf8) }
  static let greetingBytes = greetings.map { Array($0.utf8) }

  static func cleanASCII(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
    // Lines (start, end) split at LF, CR or CRLF, and each line's span without blanks.
    var lines: [(start: Int, end: Int, lo: Int, hi: Int)] = []
    var start = 0
    var i = 0
    let n = text.count
    var stop = false
    func line(_ end: Int) -> (Int, Int, Int, Int) {
      var lo = start
      var hi = end
      while lo < hi, text[lo] == 32 || text[lo] == 9 { lo += 1 }
      while hi > lo, text[hi - 1] == 32 || text[hi - 1] == 9 { hi -= 1 }
      return (start, end, lo, hi)
    }
    func matches(_ lo: Int, _ hi: Int, prefix: StaticString) -> Bool {
      let k = prefix.utf8CodeUnitCount
      guard hi - lo >= k else { return false }
      let p = prefix.utf8Start
      for j in 0..<k where text[lo + j] != p[j] { return false }
      return true
    }
    func matches(_ lo: Int, _ hi: Int, suffix: StaticString) -> Bool {
      let k = suffix.utf8CodeUnitCount
      return hi - lo >= k && matches(hi - k, hi, prefix: suffix)
    }
    /// Applies the per-line rules to the line ending at `end`; false once a rule stops.
    func take(_ end: Int) -> Bool {
      let l = line(end)
      let (lo, hi) = (l.2, l.3)
      if hi - lo == 2 && text[lo] == 45 && text[lo + 1] == 45 { return false }
      if matches(lo, hi, prefix: "-----Original Message") { return false }
      if matches(lo, hi, prefix: "On "), matches(lo, hi, suffix: "wrote:") { return false }
      if hi > lo && text[lo] == 62 { return true }
      lines.append(l)
      return true
    }
    while i < n {
      let b = text[i]
      if b >= 0x80 { return nil }
      if b == 10 || b == 13 {
        if !stop && !take(i) { stop = true }
        var next = i + 1
        if b == 13, next < n, text[next] == 10 { next += 1 }
        start = next
        i = next
      } else {
        i += 1
      }
    }
    if !stop { _ = take(n) }
    /// The line's trimmed bytes, lowercased.
    func lowered(_ k: Int) -> [UInt8] {
      text[lines[k].lo..<lines[k].hi].map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
    }
    // Closing: a short line starting with a closing word among the last three non-empty lines
    // (never the first).
    let nonEmpty = lines.indices.filter { lines[$0].hi > lines[$0].lo }
    for k in nonEmpty.dropFirst().suffix(3) {
      let t = lowered(k)
      if hasAtMostWords(t, 5),
        closingBytes.contains(where: { c in
          t.count >= c.count && t[..<c.count].elementsEqual(c)
            && (t.count == c.count || [44, 33, 32].contains(t[c.count]))
        })
      {
        lines.removeSubrange(k...)
        break
      }
    }
    // Greeting: a short first line that opens with a greeting word.
    if let first = lines.firstIndex(where: { $0.hi > $0.lo }) {
      let t = lowered(first)
      if hasAtMostWords(t, 4), t.last == 44 || t.last == 33,
        greetingBytes.contains(where: { t.starts(with: $0) })
      {
        lines.remove(at: first)
      }
    }
    var out: [UInt8] = []
    out.reserveCapacity(n)
    for (k, l) in lines.enumerated() {
      if k > 0 { out.append(10) }
      out.append(contentsOf: text[l.start..<l.end])
    }
    return out
  }
}
