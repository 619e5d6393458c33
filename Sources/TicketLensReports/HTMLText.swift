/// Escaping for text that goes into HTML or SVG markup we build ourselves (charts). Templates
/// escape through mustache; both neutralise bidirectional control characters first.
public enum HTMLText {
  /// Escapes `&`, `<`, `>`, `"` and `'` and neutralises bidi controls.
  public static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in neutralizeBidi(s).unicodeScalars {
      switch u {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(u)
      }
    }
    return out
  }

  /// Replaces bidirectional embedding, override and isolate controls (which can make text read
  /// differently from how it is stored) with U+FFFD.
  public static func neutralizeBidi(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: isBidiControl) else { return s }
    var out = String.UnicodeScalarView()
    for u in s.unicodeScalars { out.append(isBidiControl(u) ? "\u{FFFD}" : u) }
    return String(out)
  }

  static func isBidiControl(_ u: Unicode.Scalar) -> Bool {
    switch u.value {
    case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
    default: false
    }
  }
}
