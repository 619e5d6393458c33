import TicketLensMetrics
import TicketLensModel

/// Charts of a count table by day, week or month (`tickets_created_by_day_channel`, …), and
/// which of its periods the as-of instant cuts short.
public enum PeriodChart {
  /// The periods of a table by day, week or month (its first column) that the as-of instant
  /// cuts short — the one it falls in, unless it falls at that period's last second — and what
  /// the page says about them.
  public static func partialPeriods(_ t: MetricTable, asOf: Instant, zone: ZoneRules) -> (
    rows: Set<String>, note: String?
  ) {
    guard let grain = t.columns.first, ["day", "week", "month"].contains(grain) else {
      return ([], nil)
    }
    let local = zone.localSecond(fromUTC: asOf.milliseconds.floorDiv(1000))
    let today = CivilDate(daysSinceEpoch: Int(local.floorDiv(86_400)))
    let dayIsOver = local - local.floorDiv(86_400) * 86_400 >= 86_399
    var partial = Set<String>()
    for row in t.rows {
      let label = row[0].formatted
      guard let start = CivilDate(iso8601: grain == "month" ? label + "-01" : label) else {
        continue
      }
      let end: CivilDate  // the period's first day after it
      switch grain {
      case "day": end = start.adding(days: 1)
      case "week": end = start.adding(days: 7)
      default:
        end =
          start.month == 12
          ? CivilDate(year: start.year + 1, month: 1, day: 1)
          : CivilDate(year: start.year, month: start.month + 1, day: 1)
      }
      let tomorrow = today.adding(days: 1)
      if tomorrow < end || (tomorrow == end && !dayIsOver) { partial.insert(label) }
    }
    guard let last = partial.sorted().last else { return ([], nil) }
    let time = Instant(milliseconds: asOf.milliseconds).iso8601
    return (
      partial,
      "The \(grain) of \(last) is partial (data to \(time)): it is drawn lighter and marked *, "
        + "and its counts are not comparable with full \(grain)s."
    )
  }

  /// A stacked bar chart for a count table with a day/week/month column and one dimension;
  /// `partial` periods are drawn lighter and marked.
  public static func chart(for t: MetricTable, title: String, partial: Set<String> = []) -> String?
  {
    guard t.columns.count == 3, ["day", "week", "month"].contains(t.columns[0]),
      t.columns[2] == "count", !t.rows.isEmpty
    else { return nil }
    var periods: [String] = []
    var seriesNames: [String] = []
    var values: [String: [String: Int]] = [:]
    for r in t.rows {
      let p = r[0].formatted
      let s = r[1].formatted
      if periods.last != p { periods.append(p) }
      if !seriesNames.contains(s) { seriesNames.append(s) }
      if case .int(let c) = r[2] { values[s, default: [:]][p] = c }
    }
    seriesNames.sort()
    let series = seriesNames.map { s in (s, periods.map { values[s]?[$0] ?? 0 }) }
    return SVGChart.stackedBars(
      title: title, x: periods, series: series,
      partial: Set(periods.indices.filter { partial.contains(periods[$0]) }))
  }
}
