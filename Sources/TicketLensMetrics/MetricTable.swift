import Foundation

/// One cell of a metric table.
public enum Cell: Sendable, Hashable {
  case text(String)
  case int(Int)
  case real(Double)
  case null

  /// The cell as text, exactly as every writer (CSV, TSV, JSON, HTML) prints it: integers in
  /// decimal, reals as the shortest text that reads back to the same double, null as empty.
  public var formatted: String {
    switch self {
    case .text(let s): s
    case .int(let i): String(i)
    case .real(let d): d.isFinite ? Self.format(d) : ""
    case .null: ""
    }
  }

  static func format(_ d: Double) -> String {
    // Swift's description is the shortest text that reads back to the same double; CSV readers
    // do not all take exponents, so those few values are written in plain decimals instead.
    let s = d.description
    if !s.contains("e") { return s == "-0.0" ? "0.0" : s }
    var out = String(format: "%.6f", d)
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
