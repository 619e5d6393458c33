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
    // Swift's description is the shortest round-trip form; avoid exponent notation in CSV.
    let s = d.description
    if !s.contains("e") { return s == "-0.0" ? "0.0" : s }
    var out = String(format3: d)
    if !out.contains(".") { out += ".0" }
    return out
  }

  public var isNumeric: Bool {
    switch self {
    case .int, .real: true
    default: false
    }
  }
}

extension String {
  /// Plain decimal rendering of a double with up to 6 fractional digits (only for values whose
  /// shortest form would use an exponent).
  init(format3 d: Double) {
    var v = d
    let neg = v < 0
    if neg { v = -v }
    let intPart = v.rounded(.down)
    var frac = ((v - intPart) * 1_000_000).rounded()
    var ip = intPart
    if frac >= 1_000_000 {
      frac -= 1_000_000
      ip += 1
    }
    var f = String(Int(frac))
    f = String(repeating: "0", count: 6 - f.count) + f
    while f.hasSuffix("0") && f.count > 1 { f.removeLast() }
    self = (neg ? "-" : "") + String(format: ip) + "." + f
  }

  private init(format ip: Double) {
    if ip < 9e18 { self = String(Int64(ip)) } else { self = ip.description }
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
