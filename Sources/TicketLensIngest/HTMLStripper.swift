/// Turns an HTML fragment (an article body, a chat message) into plain text, safely: tags are
/// dropped (never interpreted), `script`/`style` content is removed, block elements become line
/// breaks, and character references are decoded.
public enum HTMLStripper {
  public static func text(_ html: String) -> String {
    var out = ""
    out.reserveCapacity(html.utf8.count)
    let s = Array(html.unicodeScalars)
    var i = 0
    var skipUntil: String? = nil
    while i < s.count {
      let c = s[i]
      if c == "<" {
        // Read the tag name.
        var j = i + 1
        var closing = false
        if j < s.count, s[j] == "/" {
          closing = true
          j += 1
        }
        var name = ""
        while j < s.count, s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) {
          name.unicodeScalars.append(s[j])
          j += 1
        }
        // Skip to the end of the tag (quotes may hold '>').
        var quote: Unicode.Scalar? = nil
        while j < s.count {
          if let q = quote {
            if s[j] == q { quote = nil }
          } else if s[j] == "\"" || s[j] == "'" {
            quote = s[j]
          } else if s[j] == ">" {
            break
          }
          j += 1
        }
        let lower = name.lowercased()
        if let skip = skipUntil {
          if closing && lower == skip { skipUntil = nil }
        } else if !closing && (lower == "script" || lower == "style") {
          skipUntil = lower
        } else if Self.blocks.contains(lower) {
          if !out.isEmpty && !out.hasSuffix("\n") { out += "\n" }
        }
        i = j + 1
        continue
      }
      if skipUntil != nil {
        i += 1
        continue
      }
      if c == "&" {
        var j = i + 1
        var ent = ""
        while j < s.count, j - i <= 10, s[j] != ";" {
          ent.unicodeScalars.append(s[j])
          j += 1
        }
        if j < s.count, s[j] == ";", let decoded = decode(ent) {
          out.unicodeScalars.append(decoded)
          i = j + 1
          continue
        }
      }
      out.unicodeScalars.append(c)
      i += 1
    }
    // Collapse runs of spaces and blank lines.
    var lines: [String] = []
    for line in out.split(separator: "\n", omittingEmptySubsequences: false) {
      let t = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(
        separator: " ")
      if !(t.isEmpty && (lines.last?.isEmpty ?? true)) { lines.append(t) }
    }
    while lines.last?.isEmpty == true { lines.removeLast() }
    return lines.joined(separator: "\n")
  }

  static let blocks: Set<String> = [
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "blockquote", "pre", "hr", "section", "article",
  ]

  static func decode(_ e: String) -> Unicode.Scalar? {
    switch e {
    case "amp": return "&"
    case "lt": return "<"
    case "gt": return ">"
    case "quot": return "\""
    case "apos", "#39": return "'"
    case "nbsp": return " "
    default:
      if e.hasPrefix("#x") || e.hasPrefix("#X"), let v = UInt32(e.dropFirst(2), radix: 16) {
        return Unicode.Scalar(v)
      }
      if e.hasPrefix("#"), let v = UInt32(e.dropFirst()) { return Unicode.Scalar(v) }
      return nil
    }
  }
}
