import Foundation
import TicketLensMetrics

/// How the HTML report shows a table to people: headers in words, durations in humane units,
/// rates as percentages, counts with thousands separators, and the longest tables cut to the
/// rows that matter most with a link to the CSV. The CSVs keep every value exact, and so does
/// the page: each shown cell carries its exact CSV text as its tooltip (`title`).
public enum Presentation {
  /// Tables longer than this show their first rows by what matters (see `shownRows`).
  public static let tableRows = 25

  /// What a column holds, from its name (the export contract's names, METRICS.md).
  enum Kind: Equatable {
    case duration, days, percent, change, score, count, number, text
  }

  static let percentColumns: Set<String> = [
    "csat", "accuracy", "macro_f1", "majority_baseline", "precision", "recall", "f1",
    "backtest_mape", "negative_share",
  ]
  static let scoreColumns: Set<String> = ["match_score", "confidence", "urgency"]
  /// Integer columns that are positions or codes, not counts (no thousands separator).
  static let codeColumns: Set<String> = ["line", "rank", "hour_of_week"]

  static func kind(of column: String) -> Kind {
    if column.hasSuffix("minutes") || column.hasPrefix("median_minutes") { return .duration }
    if column == "days_waiting" { return .days }
    if column == "trend" { return .change }
    if percentColumns.contains(column) || column.hasSuffix("_rate") || column.hasSuffix("_share") {
      return .percent
    }
    if scoreColumns.contains(column) { return .score }
    return .number
  }

  /// Headers people read; the CSV name stays in the header's tooltip.
  static let headers: [String: String] = [
    "first_reply_median_minutes": "Median first reply",
    "full_resolution_median_minutes": "Median resolution",
    "median_resolution_minutes": "Median resolution",
    "first_reply_breach_rate": "First replies late",
    "breach_rate": "Late",
    "median_minutes": "Median",
    "p90_minutes": "90th percentile",
    "median_minutes_to_escalation": "Median time to escalation",
    "main_group_median_minutes": "Main group's median",
    "fastest_group_median_minutes": "Fastest group's median",
    "median_minutes_saved": "Median time saved",
    "median_abs_diff_minutes": "Median difference",
    "max_abs_diff_minutes": "Largest difference",
    "csat": "CSAT",
    "macro_f1": "Macro F1",
    "f1": "F1",
    "backtest_mape": "Backtest error",
    "escalation_rate": "Escalated share",
    "disagree_share": "Disagreeing share",
    "failed_share": "Failed share",
    "negative_share": "Negative share",
    "held_out": "Held out",
    "hour_of_week": "Hour of week",
    "days_waiting": "Days waiting",
    "match_score": "Article match",
    "best_article_title": "Best article",
    "best_article_id": "Best article id",
    "article_answers": "Article answers instead",
    "example_ticket_ids": "Example tickets",
    "up_to_1h": "Up to 1 h", "1h_to_4h": "1–4 h", "4h_to_8h": "4–8 h", "8h_to_24h": "8–24 h",
    "1d_to_3d": "1–3 d", "3d_to_7d": "3–7 d", "over_7d": "Over 7 d",
  ]

  /// A column's header in words: `first_reply_median_minutes` → "Median first reply".
  public static func header(_ column: String) -> String {
    if let h = headers[column] { return h }
    if column.hasPrefix("predicted_") {
      return "Predicted "
        + column.dropFirst("predicted_".count).replacingOccurrences(
          of: "_", with: " ")
    }
    let words = column.replacingOccurrences(of: "_", with: " ")
    return words.prefix(1).uppercased() + words.dropFirst()
  }

  /// A cell as the page shows it (text cells unchanged).
  public static func display(_ cell: Cell, column: String) -> String {
    switch cell {
    case .text(let s): return s
    case .null: return ""
    case .int(let i):
      switch kind(of: column) {
      case .duration: return duration(minutes: Double(i))
      case .days: return "\(count(i)) d"
      default: return codeColumns.contains(column) ? String(i) : count(i)
      }
    case .real(let d):
      guard d.isFinite else { return "" }
      switch kind(of: column) {
      case .duration: return duration(minutes: d)
      case .days: return grouped(d, decimals: 1) + " d"
      case .percent: return grouped(d * 100, decimals: 1) + " %"
      case .change:
        return (d > 0 ? "+" : d < 0 ? "−" : "") + grouped(abs(d) * 100, decimals: 1) + " %"
      case .score: return grouped(d, decimals: abs(d) < 10 ? 2 : 1)
      default:
        let a = abs(d)
        return grouped(d, decimals: a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3)
      }
    }
  }

  /// A duration in the unit a person reads: "42 s", "48 min", "19.3 h", "2 d 4 h".
  public static func duration(minutes m: Double) -> String {
    let sign = m < 0 ? "−" : ""
    let a = abs(m)
    if a < 1 { return sign + "\(Int((a * 60).rounded())) s" }
    if a < 10 { return sign + grouped(a, decimals: 1) + " min" }
    if a < 60 { return sign + "\(Int(a.rounded())) min" }
    let hours = a / 60
    if hours < 24 { return sign + grouped(hours, decimals: 1) + " h" }
    let totalHours = Int(hours.rounded())
    let (d, h) = (totalHours / 24, totalHours % 24)
    return sign + "\(count(d)) d" + (h == 0 ? "" : " \(h) h")
  }

  /// `1234567.891` with `decimals` → "1,234,567.9" (ASCII digits, comma groups, point).
  public static func grouped(_ v: Double, decimals: Int) -> String {
    let text = String(format: "%.\(decimals)f", abs(v))
    let parts = text.split(separator: ".", maxSplits: 1)
    let whole = Array(parts[0])
    var out = ""
    for (i, ch) in whole.enumerated() {
      if i > 0, (whole.count - i) % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    if parts.count > 1 { out += "." + parts[1] }
    let isZero = Double(text) == 0
    return (v < 0 && !isZero ? "−" : "") + out
  }

  /// Columns whose size says which rows matter most, in order of preference.
  static let sizeColumns = [
    "tickets", "contacts", "count", "eligible", "resolved", "compared", "searches", "checked",
    "read", "labelled",
  ]

  /// The rows a page shows of a table and what it says about the rest: all of them when the
  /// table is short; else the newest periods of a table by day, week or month, the first rows
  /// of a ranked or already ordered table, or the largest rows by size (tickets, contacts,
  /// count…), ties in the table's order.
  public static func shownRows(_ t: MetricTable, limit: Int = tableRows) -> (
    rows: [[Cell]], note: String?
  ) {
    guard t.rows.count > limit, let first = t.columns.first else { return (t.rows, nil) }
    let n = count(t.rows.count)
    if ["day", "week", "month"].contains(first) {
      return (Array(t.rows.suffix(limit)), "The newest \(limit) of \(n) rows")
    }
    if t.columns.contains("rank") || t.columns.contains("urgency") {
      return (Array(t.rows.prefix(limit)), "The first \(limit) of \(n) rows")
    }
    if let size = sizeColumns.first(where: t.columns.contains),
      let c = t.columns.firstIndex(of: size)
    {
      func value(_ cell: Cell) -> Double {
        switch cell {
        case .int(let i): Double(i)
        case .real(let d): d
        default: -.infinity
        }
      }
      let order = t.rows.indices.sorted { a, b in
        let (x, y) = (value(t.rows[a][c]), value(t.rows[b][c]))
        return x != y ? x > y : a < b
      }
      return (
        order.prefix(limit).map { t.rows[$0] },
        "The \(limit) of \(n) rows with the most \(header(size).lowercased())"
      )
    }
    return (Array(t.rows.prefix(limit)), "The first \(limit) of \(n) rows")
  }

  /// A share as a headline tile shows it: one decimal, truncated toward zero ("96.3 %").
  public static func percent(_ x: Double) -> String {
    let tenths = (x * 1000).rounded()
    return "\(Int(tenths) / 10).\(Int(tenths) % 10) %"
  }

  /// The change of `now` against `before` for a headline tile's note (" (+12%)"); empty when
  /// there is nothing to compare with.
  public static func change(_ now: Double, _ before: Double) -> String {
    guard before > 0 else { return "" }
    return String(format: " (%@%.0f%%)", now >= before ? "+" : "", (now - before) / before * 100)
  }

  /// A count for a headline tile or note, with thousands separators ("4,494").
  public static func count(_ n: Int) -> String { grouped(Double(n), decimals: 0) }
}
