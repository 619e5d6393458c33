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
    for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
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
      if t.split(separator: " ").count <= 5,
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
      if t.split(separator: " ").count <= 4, t.hasSuffix(",") || t.hasSuffix("!"),
        greetings.contains(where: { t.hasPrefix($0) })
      {
        lines.remove(at: first)
      }
    }
    return lines.joined(separator: "\n")
  }
}

extension Substring {
  /// Without leading and trailing white space (no Foundation: this runs per line of every text).
  var trimmedSpaces: Substring {
    let start = firstIndex { !$0.isWhitespace } ?? endIndex
    let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
    return self[start..<Swift.max(start, end)]
  }
}
