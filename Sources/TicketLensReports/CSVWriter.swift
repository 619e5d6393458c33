import TicketLensMetrics
import TicketLensModel

/// Writes metric tables as spreadsheet-safe delimited text (RFC 4180).
///
/// Fields holding the delimiter, a quote, CR or LF are quoted with doubled quotes. Text cells
/// that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) are
/// prefixed with `'`; numbers are never altered. `excel` adds a UTF-8 BOM and CRLF line ends.
public struct CSVWriter: Sendable {
  public var delimiter: Character
  public var excel: Bool

  public init(delimiter: Character = ",", excel: Bool = false) {
    self.delimiter = delimiter
    self.excel = excel
  }

  public func render(_ t: MetricTable) -> String {
    render(header: t.columns, rows: t.rows)
  }

  public func render(header: [String], rows: [[Cell]]) -> String {
    let eol = excel ? "\r\n" : "\n"
    var out = excel ? "\u{FEFF}" : ""
    out += header.map { field($0, guardFormula: true) }.joined(separator: String(delimiter)) + eol
    for r in rows {
      out += r.map(cell).joined(separator: String(delimiter)) + eol
    }
    return out
  }

  func cell(_ c: Cell) -> String {
    c.isNumeric ? c.formatted : field(c.formatted, guardFormula: true)
  }

  /// One text field, guarded and quoted as needed.
  public func field(_ s: String, guardFormula: Bool) -> String {
    var v = s
    if guardFormula, let f = v.unicodeScalars.first, CSVWriter.formulaStarts.contains(f) {
      v = "'" + v
    }
    let needsQuotes = v.contains { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" }
    if !needsQuotes && !v.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) { return v }
    return "\"" + v.replacingAll("\"", with: "\"\"") + "\""
  }

  static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
}

extension String {
  /// Every occurrence of `target` replaced (Foundation-free).
  public func replacingAll(_ target: Character, with replacement: String) -> String {
    guard contains(target) else { return self }
    var out = ""
    out.reserveCapacity(utf8.count + 8)
    for ch in self {
      if ch == target { out += replacement } else { out.append(ch) }
    }
    return out
  }
}

/// Writes metric tables as JSON: an array of objects keyed by column name; numbers as numbers.
public enum JSONTableWriter {
  public static func render(_ t: MetricTable) -> String {
    var out = "[\n"
    for (i, r) in t.rows.enumerated() {
      out += "  {"
      out += zip(t.columns, r).map { col, c in
        let v: String
        switch c {
        case .text(let s): v = JSONText.quote(s)
        case .int, .real: v = c.formatted.isEmpty ? "null" : c.formatted
        case .null: v = "null"
        }
        return JSONText.quote(col) + ": " + v
      }.joined(separator: ", ")
      out += i + 1 < t.rows.count ? "},\n" : "}\n"
    }
    return out + "]\n"
  }
}

/// JSON string quoting.
public enum JSONText {
  public static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 || u.value == 0x2028 || u.value == 0x2029 {
          let hex = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}

extension Redactor {
  /// The table with requester columns pseudonymized whole and every other text cell's names and
  /// addresses replaced.
  public func table(_ t: MetricTable) -> MetricTable {
    let person = t.columns.map { Self.personColumns.contains($0) }
    return MetricTable(
      metric: t.metric, columns: t.columns,
      rows: t.rows.map { row in
        row.enumerated().map { c, cell in
          guard case .text(let s) = cell else { return cell }
          return .text(person[c] ? identifier(s) : text(s))
        }
      })
  }
}
