import Foundation

/// One cell of a metric table.
public enum Cell: Sendable, Hashable {
  case text(String)
  case int(Int)
  case real(Double)
  case null

  /// The cell as text, exactly as every writer (CSV, TSV, JSON, HTML) prints it: integers in
  /// decimal, reals rounded to 6 decimals (see `format`), null as empty.
  public var formatted: String {
    switch self {
    case .text(let s): s
    case .int(let i): String(i)
    case .real(let d): d.isFinite ? Self.format(d) : ""
    case .null: ""
    }
  }

  /// Reals are rounded to 6 decimal places (a millionth of a minute is 60 µs), which removes
  /// binary floating-point noise such as `208.41666666666669`, then printed in the shortest form
  /// that reads back to that value, always with a decimal point and never with an exponent.
  static func format(_ d: Double) -> String {
    let r = (d * 1_000_000).rounded() / 1_000_000
    let s = r.description
    if !s.contains("e") { return s == "-0.0" ? "0.0" : s }
    var out = String(format: "%.6f", r)
    while out.hasSuffix("0") { out.removeLast() }
    if out.hasSuffix(".") { out += "0" }
    return out == "-0.0" ? "0.0" : out
  }

  public var isNumeric: Bool {
    switch self {
    case .int, .real: true
    default: false
    }
  }
}

/// The result of a metric query: named columns (dimensions first) and rows in a stable order.
public struct MetricTable: Sendable, Hashable {
  public var metric: String
  public var columns: [String]
  public var rows: [[Cell]]

  public init(metric: String, columns: [String], rows: [[Cell]]) {
    self.metric = metric
    self.columns = columns
    self.rows = rows
  }
}
