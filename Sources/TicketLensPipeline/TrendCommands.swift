import TicketLensMetrics
import TicketLensModel
import TicketLensReports
import TicketLensWarehouse

/// `ticketlens trends`, `forecast` and `customers`: tables built on the metric engine.
public enum TrendCommands {
  /// The value a series follows: `count` for counts, the rate for rates, else the median.
  static func valueColumn(_ t: MetricTable) -> Int {
    for name in ["count", "mean"] where t.columns.last == name { return t.columns.count - 1 }
    if let rate = t.columns.firstIndex(where: { $0.hasSuffix("rate") || $0 == "csat" }) {
      return rate
    }
    if let median = t.columns.firstIndex(where: { $0.hasPrefix("median") }) { return median }
    return t.columns.count - 1
  }

  static func number(_ c: Cell) -> Double? {
    switch c {
    case .int(let i): Double(i)
    case .real(let d): d
    default: nil
    }
  }

  /// A metric as a filled series by `grain`, with trend columns.
  public static func trends(
    _ export: MetricExport, data: MetricData, window: Int, threshold: Double
  ) throws -> MetricTable {
    var e = export
    e.by = []
    if e.grain == nil { e.grain = "day" }
    e.fill = true
    e.stats = ["count", "median"]
    let q = try e.query()
    let table = try MetricEngine(threads: e.threads).run(q, data: data)
    let col = valueColumn(table)
    let series = table.rows.map { (period: $0[0].formatted, value: number($0[col])) }
    let points = Trends.analyze(series, window: window, threshold: threshold)
    func real(_ d: Double?) -> Cell { d.map(Cell.real) ?? .null }
    return MetricTable(
      metric: q.metric.id,
      columns: [
        q.grain!.rawValue, table.columns[col], "previous", "change", "moving_average_7",
        "moving_average_28", "robust_z", "anomaly",
      ],
      rows: points.map {
        [
          .text($0.period), real($0.value), real($0.previous), real($0.change),
          real($0.movingAverage7), real($0.movingAverage28), real($0.zScore),
          .text($0.anomaly ? "yes" : "no"),
        ]
      })
  }

  /// Daily ticket or chat volume forecast for `days` days, with its backtest error.
  public static func forecast(
    chats: Bool, days: Int, data: MetricData, zone: ZoneRules, threads: Int
  ) throws -> MetricTable {
    var q = MetricQuery(metric: chats ? Catalog.chats : Catalog.ticketsCreated)
    q.grain = .day
    q.fill = true
    q.zone = zone
    var rows = try MetricEngine(threads: threads).run(q, data: data).rows
    // The as-of day is still under way: its count is partial, so it is left out of the fit.
    let asOfDay = zone.civilDate(of: data.asOf)
    if rows.last?[0].formatted == asOfDay.iso8601 { rows.removeLast() }
    let y = rows.map { number($0[1]) ?? 0 }
    guard let last = rows.last.flatMap({ CivilDate(iso8601: $0[0].formatted) }),
      let f = Trends.holtWinters(y, season: 7, horizon: days)
    else {
      throw MetricQueryError("a forecast needs at least 14 days of history")
    }
    return MetricTable(
      metric: q.metric.id + "_forecast",
      columns: ["day", "forecast", "lower", "upper", "backtest_mape"],
      rows: (0..<days).map { h in
        [
          .text(last.adding(days: h + 1).iso8601), .real(f.values[h]), .real(f.lower[h]),
          .real(f.upper[h]), f.backtestMAPE.map(Cell.real) ?? .null,
        ]
      })
  }

  /// The customers with the most tickets: volume, open tickets, CSAT and repeat contacts.
  public static func customers(by dimension: String, top: Int, data: MetricData) throws
    -> MetricTable
  {
    let t = data.tickets
    guard let column = t.dimensions[dimension] else {
      throw MetricQueryError("customers are grouped by requester or organization")
    }
    let status = t.dimensions["status"]
    // Whether each status value is open (a ticket with no status is).
    let closed = status?.values.map { $0 == "solved" || $0 == "closed" } ?? []
    let repeats = RepeatContactsPublic.flags(t)
    // Per customer code (dense: 0 up to the number of values), not a dictionary.
    var stats = [(tickets: Int, open: Int, rated: Int, good: Int, repeats: Int)](
      repeating: (0, 0, 0, 0, 0), count: column.values.count)
    for r in 0..<t.count where column.codes[r] >= 0 {
      let c = Int(column.codes[r])
      stats[c].tickets += 1
      let code = status?.codes[r] ?? -1
      if code < 0 || !closed[Int(code)] { stats[c].open += 1 }
      if t.satisfaction[r] == 1 || t.satisfaction[r] == 2 {
        stats[c].rated += 1
        if t.satisfaction[r] == 1 { stats[c].good += 1 }
      }
      if repeats[r] { stats[c].repeats += 1 }
    }
    let ranked = stats.indices.filter { stats[$0].tickets > 0 }.sorted { a, b in
      stats[a].tickets != stats[b].tickets
        ? stats[a].tickets > stats[b].tickets
        : column.values[a].utf8.lexicographicallyPrecedes(column.values[b].utf8)
    }.prefix(top).map { (key: $0, value: stats[$0]) }
    return MetricTable(
      metric: "customers",
      columns: [dimension, "tickets", "open", "rated", "good", "csat", "repeat_contacts"],
      rows: ranked.map { k, s in
        [
          .text(column.values[Int(k)]), .int(s.tickets), .int(s.open), .int(s.rated), .int(s.good),
          s.rated > 0 ? .real(Double(s.good) / Double(s.rated)) : .null, .int(s.repeats),
        ]
      })
  }
}
