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
  func hasAtMostWords(_ n: Int) -> Bool {
    var words = 0
    var inWord = false
    for b in utf8 {
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
